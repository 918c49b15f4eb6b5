/**
 * Lighthouse 12 (its CLI, on Debian's Chromium) against a page: the mobile preset it uses by
 * default (Moto G Power, simulated slow 4G and 4x CPU slowdown). Chromium is started here with
 * a DevTools port of its own and stopped afterwards; Lighthouse connects to that port.
 */
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CHROMIUM_PATH } from './chromium';

export interface LighthouseScores {
  /** 0 to 100, as Lighthouse shows them. */
  readonly performance: number;
  readonly accessibility: number;
  /** The audits that did not pass, for a failure message. */
  readonly failing: string[];
  readonly metrics: Record<string, number>;
}

const LIGHTHOUSE_CLI = path.join(path.dirname(require.resolve('lighthouse/package.json')), 'cli', 'index.js');

/** Runs Lighthouse on `url`, writing its JSON report to `reportPath`. */
export async function runLighthouse(url: string, reportPath: string): Promise<LighthouseScores> {
  const profile = fs.mkdtempSync(path.join(path.dirname(reportPath), 'lighthouse-profile-'));
  const chromium = spawn(CHROMIUM_PATH, [
    '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`Chromium printed no DevTools port:\n${output}`)), 30_000);
      chromium.stderr.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /DevTools listening on ws:\/\/127\.0\.0\.1:(\d+)\//.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
      chromium.once('exit', (code) => reject(new Error(`Chromium exited (${code}) before it listened:\n${output}`)));
    });
    // Lighthouse 12 is ESM-only: its CLI in a child process, not an import into jest. Asynchronously:
    // the site it measures may be served by this very process.
    await new Promise<void>((resolve, reject) => execFile(process.execPath, [
      LIGHTHOUSE_CLI, url, `--port=${port}`, '--output=json', `--output-path=${reportPath}`,
      '--only-categories=performance,accessibility', '--quiet', '--max-wait-for-load=60000',
    ], { encoding: 'utf8', timeout: 150_000 }, (error, _stdout, stderr) => (error ? reject(new Error(`Lighthouse failed: ${error.message}\n${stderr}`)) : resolve())));
  } finally {
    chromium.kill();
    await new Promise((resolve) => (chromium.exitCode !== null ? resolve(undefined) : chromium.once('exit', resolve)));
    // Chromium's helper processes may still be writing to the profile for a moment; a profile
    // left behind under test-output/ (git-ignored) must not fail the measurement.
    try {
      fs.rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 300 });
    } catch {
      // best effort
    }
  }
  const report = JSON.parse(fs.readFileSync(reportPath, 'utf8'));
  const audits = report.audits as Record<string, { score: number | null; scoreDisplayMode: string; title: string; numericValue?: number }>;
  const refs = [...report.categories.performance.auditRefs, ...report.categories.accessibility.auditRefs] as { id: string; weight: number }[];
  return {
    performance: Math.round(report.categories.performance.score * 100),
    accessibility: Math.round(report.categories.accessibility.score * 100),
    failing: refs.filter((ref) => ref.weight > 0 && audits[ref.id]?.score !== null && (audits[ref.id]?.score ?? 1) < 0.9)
      .map((ref) => `${ref.id} (${audits[ref.id].score}): ${audits[ref.id].title}`),
    metrics: Object.fromEntries(['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift', 'speed-index']
      .map((id) => [id, Math.round((audits[id]?.numericValue ?? NaN) * 1000) / 1000])),
  };
}
