/**
 * The browser the frontend and Lighthouse tests drive: one the system has (CHROMIUM_PATH, then
 * Chromium or Chrome on PATH), or Debian's chromium installed with apt; never a downloaded build.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { onPath, SetupError } from './system';

/** Looked for in this order on PATH. */
export const CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];
const MAC_APPS = ['/Applications/Chromium.app/Contents/MacOS/Chromium', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'];

export const CHROMIUM_HOW_TO = 'Install Chromium or Google Chrome (Debian: apt-get install chromium; macOS: brew install --cask chromium; ' +
  'others: https://www.chromium.org/getting-involved/download-chromium/), or set CHROMIUM_PATH to the browser\'s executable.';

export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CHROMIUM_PATH) return fs.existsSync(env.CHROMIUM_PATH) ? env.CHROMIUM_PATH : undefined;
  for (const name of CHROMIUM_NAMES) {
    const found = onPath(name, env);
    if (found) return found;
  }
  return MAC_APPS.find((app) => fs.existsSync(app));
}

/** Finds Chromium, or installs Debian's with apt (as root, or with passwordless sudo), or says how to get one. */
export function ensureChromium(log: (line: string) => void, env: NodeJS.ProcessEnv = process.env): string {
  const found = findChromium(env);
  if (found) return found;
  if (env.CHROMIUM_PATH) throw new SetupError(`CHROMIUM_PATH is ${env.CHROMIUM_PATH}, which does not exist. ${CHROMIUM_HOW_TO}`);
  if (!fs.existsSync('/etc/debian_version') || !onPath('apt-get', env)) {
    throw new SetupError(`Chromium was not found (looked for CHROMIUM_PATH, ${CHROMIUM_NAMES.join(', ')}). ${CHROMIUM_HOW_TO}`);
  }
  const root = process.getuid?.() === 0;
  const sudo = !root && onPath('sudo', env) && spawnSync('sudo', ['-n', 'true']).status === 0 ? ['sudo'] : [];
  if (!root && sudo.length === 0) {
    throw new SetupError('Chromium was not found and apt-get needs root: run `sudo apt-get install -y chromium`, then `npm run setup` again. ' +
      CHROMIUM_HOW_TO);
  }
  log('Chromium not found: installing Debian\'s chromium with apt-get');
  const apt = (args: string[]) => spawnSync(sudo[0] ?? 'apt-get', [...(sudo.length ? ['apt-get'] : []), ...args], {
    stdio: 'inherit', env: { ...env, DEBIAN_FRONTEND: 'noninteractive' },
  }).status === 0;
  if (!apt(['update', '-qq']) || !apt(['install', '-y', '-qq', 'chromium'])) {
    throw new SetupError(`apt-get could not install chromium. ${CHROMIUM_HOW_TO}`);
  }
  const installed = findChromium(env);
  if (!installed) throw new SetupError(`apt-get installed chromium but it is not on PATH. ${CHROMIUM_HOW_TO}`);
  return installed;
}
