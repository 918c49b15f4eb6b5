import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, loadEnv, type Plugin } from 'vite';
import { configFromLocalOutputs } from '../app/lib/local-runner-config';
import { firstScreen } from './first-screen-plugin';

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

/**
 * Cloudscape's global styles carry the Open Sans faces as base64 `data:` URLs. The site's CSP
 * (`font-src 'self'`) refuses those, and inline they would make the render-blocking CSS four
 * times larger. The build writes each face to a hashed file under assets/ instead, which the
 * browser fetches only when text uses that face.
 */
function cloudscapeFontFiles(): Plugin {
  return {
    name: 'cloudscape-font-files',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const asset of Object.values(bundle)) {
        if (asset.type !== 'asset' || !asset.fileName.endsWith('.css')) continue;
        const css = typeof asset.source === 'string' ? asset.source : new TextDecoder().decode(asset.source);
        asset.source = css.replace(/url\(["']?data:font\/woff2;base64,([A-Za-z0-9+/=]+)["']?\)/g, (_match, base64: string) => {
          const source = Buffer.from(base64, 'base64');
          const name = `open-sans-${createHash('sha256').update(source).digest('hex').slice(0, 12)}.woff2`;
          const fileName = path.posix.join(path.posix.dirname(asset.fileName), name);
          if (!(fileName in bundle)) this.emitFile({ type: 'asset', fileName, source });
          return `url(${name})`; // next to the CSS file that names it
        });
      }
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
  plugins: [
    localRunnerConfig(loadEnv(mode, here, 'VITE_')),
    cloudscapeFontFiles(),
    // index.html: the first screen as static HTML, the app's CSS and text faces named in <head>.
    firstScreen({ root: here, app: 'src/main.tsx', screen: '/src/first-screen.tsx' }),
  ],
  server: {
    port: 5173,
    strictPort: true,
    // The form imports the API's own validation rules from lambda/shared (and their one
    // import from src/), the console links the runbook's correlate query from src/observability;
    // react, zod, Cloudscape and the AWS SDK come from the repository root's node_modules.
    fs: {
      allow: ['.', '../../lambda/shared', '../../src/event-contract.ts', '../../src/observability/log-queries.ts', '../../node_modules'],
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Everything but index.html and robots.txt (public/) lands under assets/ with a content
    // hash, cached for a year by CloudFront.
    assetsDir: 'assets',
    assetsInlineLimit: 0,
    rollupOptions: {
      output: {
        // boot.ts imports the app (main.tsx) dynamically: left alone, Rolldown splits what the
        // app shares with its lazy chunks into six chunks with six stylesheets, each a request
        // of its own before the first paint. One `console` chunk holds the app and everything it
        // imports (the lazy chunks import from it); Vite's preload helper stays apart, since
        // boot.ts needs it before the app.
        codeSplitting: {
          groups: [
            { name: 'preload', test: /preload-helper/, priority: 2 },
            { name: 'console', test: /\/src\/main\.tsx$/, priority: 1 },
          ],
        },
      },
      // Cloudscape marks its modules 'use client' (for React Server Components); meaningless in a plain SPA.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
}));
