import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { loadConfig } from './config';
import './styles.css';

const container = document.getElementById('root');
if (container === null) {
  throw new Error('index.html has no #root element');
}

// Render once the run-time config is known, so no order can go to a build-time URL that
// /config.json was about to replace.
void loadConfig().then((config) => {
  document.title = `AWS Orders Workflow (${config.envName})`;
  createRoot(container).render(
    <StrictMode>
      <App config={config} />
    </StrictMode>,
  );
});
