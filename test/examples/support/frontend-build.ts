/**
 * The frontend's production build, exactly as `npm run frontend:build` makes it (Vite's CLI),
 * into a folder of the test's own, so that no two test files race over examples/frontend/dist.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { withLock } from './locks';
import { oncePerRun } from './once-per-run';

export const FRONTEND_DIR = path.resolve(__dirname, '..', '..', '..', 'examples', 'frontend');

export function buildFrontend(outDir: string): void {
  const vite = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  execFileSync(process.execPath, [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: FRONTEND_DIR,
    // jest sets NODE_ENV=test, which would make Vite bundle React's development build.
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/**
 * One production build per jest run, shared by the browser tests (none of them writes into it:
 * the static server answers `/config.json` from memory). Returns its folder.
 */
export function sharedFrontendBuild(): Promise<string> {
  const outDir = path.resolve(FRONTEND_DIR, '..', '..', 'test-output', 'frontend-dist');
  return withLock('frontend-build', () => oncePerRun('frontend-build', () => {
    buildFrontend(outDir);
    return outDir;
  }));
}
