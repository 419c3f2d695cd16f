import { render } from 'preact';
import { codeFromPath } from './api.js';
import { App } from './app.js';
import { browserStore } from './storage.js';
import './styles.css';

render(
  <App
    store={browserStore()}
    code={codeFromPath(location.pathname)}
    kioskParam={new URLSearchParams(location.search).get('kiosk') === '1'}
  />,
  document.getElementById('app')!,
);
