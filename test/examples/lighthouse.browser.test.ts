/**
 * The console on a phone, as Lighthouse 12's mobile preset sees it (Moto G Power, simulated slow
 * 4G, 4x CPU slowdown), the site served the way CloudFront serves it. On a phone the page calls
 * no API while it loads (the orders list waits until its table is scrolled to or an order is
 * accepted), so no workflow runs here: the config names an API origin that nothing answers, and
 * the test checks that nothing asked it.
 *
 * Lighthouse's simulation scales the CPU time it observes, so on a machine that is also running
 * other tests the score says more about the machine than about the page. This file therefore
 * runs on its own, after the other test files (`npx projen test:lighthouse`, a step of `npm
 * test`); the main jest run ignores it. Five runs, the median is asserted (Lighthouse's own
 * advice for its variance); every run's figures go to test-output/lighthouse-mobile-scores.json.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildFrontend } from './support/frontend-build';
import { LighthouseScores, runLighthouse } from './support/lighthouse';
import { acquireLock } from './support/locks';
import { StaticServer, startStaticServer } from './support/static-server';
import { contentSecurityPolicy } from '../../examples/app/lib/content-security-policy';

const repoRoot = path.resolve(__dirname, '..', '..');
const distDir = path.join(repoRoot, 'test-output', 'frontend-lighthouse-dist');
const outputDir = path.join(repoRoot, 'test-output');
const SITE_HOST = '127.0.0.1';
/** The port the other browser tests use (one site at a time on it: they take turns through a lock). */
const SITE_PORT = 5173;
const RUNS = 5;
/** Where the config says the API is: a port nothing listens on (the page must not call it while it loads). */
const API_URL = 'http://127.0.0.1:9/prod/';
/**
 * The median performance score must reach this. The target is 90; on this project's
 * 2-core CI machine (idle: the test runs alone) single runs scored 85 to 97 and the medians 93
 * to 95 (docs/performance.md, "Console performance on a phone").
 */
const PERFORMANCE_FLOOR = Number(process.env.LIGHTHOUSE_PERFORMANCE_FLOOR ?? 90);
/**
 * Bytes as transferred (compressed like CloudFront). Before the first paint: what index.html
 * names (the boot module, the stylesheets, the two text faces). The app: the modules boot.ts
 * imports once the first screen is painted.
 */
const BUDGET = { firstPaint: { Script: 5_000, Stylesheet: 60_000, Font: 40_000 }, app: { Script: 200_000 } };
/** Chunks that must wait until they are needed: the operator views, sign-in, the Cognito SDK, the outcome views, and the orders table (below the fold on a phone). */
const LAZY_CHUNKS = /\/assets\/(OperationsPanel|SignIn|cognito-sdk|OutcomeDetails|RecentOrdersTable)-/;

let site: StaticServer;
let releaseSitePort: (() => void) | undefined;

beforeAll(async () => {
  buildFrontend(distDir);
  releaseSitePort = await acquireLock('site-port-5173');
  site = await startStaticServer({
    root: distDir,
    host: SITE_HOST,
    port: SITE_PORT,
    config: { apiUrl: API_URL, envName: 'local', region: 'us-east-1', failureInjection: true },
    contentSecurityPolicy: contentSecurityPolicy([new URL(API_URL).origin]),
  });
}, 180_000);

afterAll(async () => {
  await site?.close();
  releaseSitePort?.();
}, 60_000);

test('index.html carries the first screen: the heading and a loading panel, no inline styles (CSP), the app loaded by a small module', async () => {
  const html = await (await fetch(`${site.origin}/`)).text();
  expect(html).toMatch(/<h1[^>]*>.*Create order.*<\/h1>/s);
  expect(html).toContain('Loading the console');
  expect(html).not.toContain('boot-message">Loading'); // replaced by the first screen
  expect(html).not.toMatch(/\sstyle="/);
  const scripts = [...html.matchAll(/<script[^>]*src="([^"]+)"/g)].map((match) => match[1]);
  expect(scripts).toHaveLength(1);
  const boot = await (await fetch(`${site.origin}${scripts[0]}`)).text();
  expect(boot.length).toBeLessThan(5_000);
});

test(`Lighthouse (mobile), median of ${RUNS} runs: accessibility 100, performance at least ${PERFORMANCE_FLOOR}; the first paint needs CSS and fonts only, within budget`, async () => {
  const runs: Array<LighthouseScores & { report: string }> = [];
  for (let run = 1; run <= RUNS; run++) {
    const report = path.join(outputDir, `lighthouse-mobile-${run}.json`);
    runs.push({ ...await runLighthouse(`${site.origin}/`, report), report });
  }
  const median = [...runs].sort((a, b) => a.performance - b.performance)[Math.floor(RUNS / 2)];
  fs.writeFileSync(path.join(outputDir, 'lighthouse-mobile-scores.json'), JSON.stringify({
    performanceMedian: median.performance,
    runs: runs.map(({ performance, accessibility, metrics }) => ({ performance, accessibility, metrics })),
  }, null, 2));
  console.log(`Lighthouse mobile: performance ${runs.map((run) => run.performance).join(', ')} (median ${median.performance}); accessibility ${median.accessibility}`, median.metrics);

  for (const run of runs) {
    // Every audit passes but the timing ones (those are in the score).
    expect({ accessibility: run.accessibility, failing: run.failing.filter((audit) => !/contentful|blocking|speed-index|interactive|bootup|mainthread|unused/.test(audit)) })
      .toEqual({ accessibility: 100, failing: [] });
  }
  expect(median.performance).toBeGreaterThanOrEqual(PERFORMANCE_FLOOR);

  const html = await (await fetch(`${site.origin}/`)).text();
  const named = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]);
  const requests = JSON.parse(fs.readFileSync(median.report, 'utf8')).audits['network-requests'].details.items as Array<{ url: string; transferSize: number; resourceType: string }>;
  const firstPaint = { Script: 0, Stylesheet: 0, Font: 0 };
  const app = { Script: 0 };
  for (const request of requests) {
    const type = request.resourceType as keyof typeof firstPaint;
    if (!(type in firstPaint) || !new URL(request.url).pathname.startsWith('/assets/')) continue;
    if (named.some((asset) => request.url.endsWith(asset))) firstPaint[type] += request.transferSize;
    else if (type === 'Script') app.Script += request.transferSize;
  }
  // Each kind is there, and within its budget (over budget shows the figures in the diff).
  const within = (bytes: number, budget: number) => (bytes > 0 && bytes <= budget ? 'within budget' : bytes);
  expect({
    firstPaint: {
      Script: within(firstPaint.Script, BUDGET.firstPaint.Script),
      Stylesheet: within(firstPaint.Stylesheet, BUDGET.firstPaint.Stylesheet),
      Font: within(firstPaint.Font, BUDGET.firstPaint.Font),
    },
    app: { Script: within(app.Script, BUDGET.app.Script) },
  }).toEqual({ firstPaint: { Script: 'within budget', Stylesheet: 'within budget', Font: 'within budget' }, app: { Script: 'within budget' } });
  console.log('Bytes transferred before the first paint', firstPaint, 'and for the app', app);
  expect(requests.map((request) => request.url).filter((url) => LAZY_CHUNKS.test(url))).toEqual([]);
  expect(requests.map((request) => request.url).filter((url) => url.startsWith(new URL(API_URL).origin))).toEqual([]);
}, 8 * 60_000);
