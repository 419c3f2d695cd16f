import { render } from 'preact';

function App() {
  return <main><h1>Quản trị khảo sát SIPAS</h1></main>;
}

render(<App />, document.getElementById('app')!);
