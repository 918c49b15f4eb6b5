/**
 * `npm run setup [-- --emulator-only]`: installs what the tests and the local run need beyond
 * npm, so that `npm ci` then `npm run local` or `npm run build` work on a machine with Node.js
 * and Python 3. Used by `npm run local` (emulator only), `npm test`, .ci/run and the GitHub
 * workflows. Quick when everything is there already.
 */
import { ensureChromium } from './chromium';
import { ensureMotoServer } from './moto';
import { SetupError } from './system';

const log = (line: string) => process.stdout.write(`setup: ${line}\n`);

try {
  const emulatorOnly = process.argv.includes('--emulator-only');
  log(`moto_server: ${ensureMotoServer(log)}`);
  if (!emulatorOnly) log(`Chromium: ${ensureChromium(log)}`);
} catch (error) {
  if (!(error instanceof SetupError)) throw error;
  process.stderr.write(`setup: ${error.message}\n`);
  process.exit(1);
}
