// First, before any zod schema exists (see zod-jitless.ts).
import './zod-jitless';
import '@cloudscape-design/global-styles/index.css';
import './styles.css';
import { startTransition, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { loadConfig } from './config';

const container = document.getElementById('root');
if (container === null) {
  throw new Error('index.html has no #root element');
}

// Render once the run-time config is known, so no order can go to a build-time URL that
// /config.json was about to replace.
void loadConfig().then((config) => {
  document.title = `AWS Orders Workflow (${config.envName})`;
  // A transition lets React render the first screen in slices that yield to the browser,
  // instead of one long task that blocks input (Lighthouse's Total Blocking Time on phones).
  startTransition(() => {
    createRoot(container).render(
      <StrictMode>
        <App config={config} />
      </StrictMode>,
    );
  });
});
