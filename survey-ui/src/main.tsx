import { render } from 'preact';
import { codeFromPath, PREVIEW_CODE } from './api.js';
import { App } from './app.js';
import { browserStore, pageMemoryStore } from './storage.js';
import './styles.css';

const code = codeFromPath(location.pathname);
render(
  <App
    store={code === PREVIEW_CODE ? pageMemoryStore() : browserStore()}
    code={code}
    kioskParam={new URLSearchParams(location.search).get('kiosk') === '1'}
  />,
  document.getElementById('app')!,
);
