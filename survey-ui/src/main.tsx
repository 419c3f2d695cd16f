import { render } from 'preact';

function App() {
  return <main><h1>Khảo sát mức độ hài lòng</h1></main>;
}

render(<App />, document.getElementById('app')!);
