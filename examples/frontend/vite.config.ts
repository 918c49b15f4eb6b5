import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, loadEnv, type Plugin } from 'vite';
import { configFromLocalOutputs } from '../app/lib/local-runner-config';

const here = path.dirname(fileURLToPath(import.meta.url));
/** What `npm run local` writes: the local API, the emulator and, for a Cognito stack, the user pool. */
const LOCAL_OUTPUTS = path.resolve(here, '..', '..', '.local', 'outputs.json');

/**
 * `npm run frontend:dev` serves `/config.json` made from the local runner's outputs, so the page
 * talks to `npm run local` (API, and the emulator's Cognito when the stack has a user pool)
 * with no .env file. A `VITE_*` variable that is set wins over the matching field.
 */
function localRunnerConfig(env: Record<string, string>): Plugin {
  return {
    name: 'orders-local-runner-config',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use('/config.json', (_request, response, next) => {
        let outputs: Record<string, unknown>;
        try {
          outputs = JSON.parse(fs.readFileSync(LOCAL_OUTPUTS, 'utf8')) as Record<string, unknown>;
        } catch {
          next(); // no local run yet: the build-time (VITE_*) values apply
          return;
        }
        response.setHeader('Content-Type', 'application/json');
        response.setHeader('Cache-Control', 'no-store');
        response.end(JSON.stringify(configFromLocalOutputs(outputs, (name) => (env[name] ?? '').trim() !== '')));
      });
    },
  };
}

// React + TypeScript without @vitejs/plugin-react: Vite 8's built-in Oxc transform compiles
// TSX with React's automatic runtime (no Fast Refresh; edits reload the page).
export default defineConfig(({ mode }) => ({
  base: '/',
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'react' },
  },
  plugins: [localRunnerConfig(loadEnv(mode, here, 'VITE_'))],
  server: {
    port: 5173,
    strictPort: true,
    // The form imports the API's own validation rules from lambda/shared (and their one
    // import from src/); react, zod and the AWS SDK come from the repository root's node_modules.
    fs: {
      allow: ['.', '../../lambda/shared', '../../src/event-contract.ts', '../../node_modules'],
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Everything but index.html lands under assets/ with a content hash (cached for a year
    // by CloudFront); no public/ folder, so nothing unhashed sits next to index.html.
    assetsDir: 'assets',
    assetsInlineLimit: 0,
  },
}));
