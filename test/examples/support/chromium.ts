/**
 * The system's Chromium (or Chrome), driven by playwright-core (never a downloaded browser build),
 * found as `npm run setup` finds or installs it. Missing Chromium is an error, not a skip: the
 * browser test is part of `npm test`.
 */
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_HOW_TO, findChromium } from '../../../scripts/setup/chromium';

export const CHROMIUM_PATH = findChromium() ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  if (findChromium() === undefined) {
    throw new Error(`Chromium not found. Run \`npm run setup\` (it installs Debian's chromium with apt), or: ${CHROMIUM_HOW_TO}`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 60_000 });
}
