/**
 * A team's processor from a consumer's side: `npm pack` the built library, install the tarball into a
 * fresh CDK app outside the repository (aws-cdk-lib, constructs and the tarball: no esbuild),
 * and write a processor there as the docs tell a team to:
 * - `import ... from 'cdk-orders-workflow/worker'` type-checks (`tsc --noEmit`) under
 *   moduleResolution node10, node16 and bundler, with real types (not `any`);
 * - `require('cdk-orders-workflow/worker')` and `import('cdk-orders-workflow/worker')` work in
 *   node, and the main entry still `require`s;
 * - `OrderProcessor.fromCode` synthesizes with no esbuild anywhere; `fromEntry` then fails
 *   with a message that names esbuild; with esbuild installed in the app, `fromEntry` synthesizes;
 * - `npx orders-workflow-local --app-dir cdk.out` (the installed bin, moto_server from PATH)
 *   runs that app: a POSTed order becomes PROCESSED with the team processor's result.
 *
 * Needs the build output (`npx projen bundle && npx projen compile`). The tests run in order.
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { waitUntilLocalBinStarted } from '../integration/support/local-bin-process';

jest.setTimeout(5 * 60_000);

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const TSC = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const MARKER = 'team-processor-7f3a';

/** The processor a team writes: typed against the package's worker types. */
const PROCESSOR = `
import {
  createOrderWorker, PermanentOrderError, type Order, type OrderProcessingContext, type OrderProcessedDetail,
} from 'cdk-orders-workflow/worker';

export const handler = createOrderWorker(async (order: Order, ctx: OrderProcessingContext) => {
  ctx.logger.info('${MARKER}', { attempt: ctx.attempt });
  if (order.items.some((item) => item.sku === 'NOPE')) throw new PermanentOrderError('unknown sku');
  const units: number = order.items.reduce((sum, item) => sum + item.qty, 0);
  // Real types, not any: a wrong use is an error (an unused @ts-expect-error would be one too).
  // @ts-expect-error qty is a number
  const wrong: string = order.items[0].qty;
  void wrong;
  return { marker: '${MARKER}', units, lastAttempt: ctx.isLastAttempt, schema: order.schemaVersion };
});

export function summary(detail: OrderProcessedDetail): string {
  return detail.outcomeId + ' ' + detail.status + ' ' + JSON.stringify(detail.result ?? {});
}
`;

const TSCONFIGS: Record<string, object> = {
  node10: { module: 'commonjs', moduleResolution: 'node10', ignoreDeprecations: '6.0' },
  node16: { module: 'node16', moduleResolution: 'node16' },
  bundler: { module: 'esnext', moduleResolution: 'bundler' },
};

/** The app: OrdersWorkflow with the processor chosen by PROCESSOR_KIND (entry | code). */
const APP = `
const path = require('path');
const { App, Stack } = require('aws-cdk-lib');
const lambda = require('aws-cdk-lib/aws-lambda');
const { OrderProcessor, OrdersWorkflow } = require('cdk-orders-workflow');

const kind = process.env.PROCESSOR_KIND;
const app = new App({ outdir: path.join(__dirname, process.env.OUTDIR || 'cdk.out') });
const stack = new Stack(app, 'TeamApp');
const processor = kind === 'entry'
  ? OrderProcessor.fromEntry(path.join(__dirname, 'src', 'processor.ts'))
  : OrderProcessor.fromCode(lambda.Code.fromAsset(path.join(__dirname, 'prebuilt')), 'index.handler');
new OrdersWorkflow(stack, 'Orders', { namePrefix: 'team', processor });
app.synth();
`;

let work: string;
let app: string;
let nodeOnlyBin: string;
let tarballSize = 0;

/** Runs `args` with node, PATH = node alone (no esbuild, no Docker), in the app. */
function nodeInApp(args: string[], env: Record<string, string> = {}) {
  return spawnSync(path.join(nodeOnlyBin, 'node'), args, {
    cwd: app,
    encoding: 'utf8',
    env: {
      PATH: nodeOnlyBin, HOME: work, CDK_DOCKER: path.join(work, 'no-docker-here'), NPM_CONFIG_UPDATE_NOTIFIER: 'false', ...env,
    },
  });
}

function workerAsset(outdir: string): { handler: string; files: string[]; code: string } {
  const cdkOut = path.join(app, outdir);
  const template = JSON.parse(fs.readFileSync(path.join(cdkOut, 'TeamApp.template.json'), 'utf8'));
  const assets = JSON.parse(fs.readFileSync(path.join(cdkOut, 'TeamApp.assets.json'), 'utf8'));
  const worker = Object.values<any>(template.Resources).find((resource) => resource.Properties?.FunctionName === 'team-worker');
  const asset = assets.files[String(worker.Properties.Code.S3Key).replace(/\.zip$/, '')];
  const dir = path.join(cdkOut, asset.source.path);
  const files = fs.readdirSync(dir).sort();
  return { handler: worker.Properties.Handler, files, code: fs.readFileSync(path.join(dir, 'index.js'), 'utf8') };
}

beforeAll(() => {
  if (!fs.existsSync(path.join(REPO_ROOT, 'assets', 'runtime', 'worker', 'index.js')) || !fs.existsSync(path.join(REPO_ROOT, 'lib', 'index.js'))) {
    throw new Error('Build output missing: run `npx projen bundle && npx projen compile` first.');
  }
  // Outside the repository, so nothing resolves through the repo's node_modules.
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-processor-consumer-'));
  nodeOnlyBin = path.join(work, 'bin-node-only');
  fs.mkdirSync(nodeOnlyBin);
  fs.symlinkSync(process.execPath, path.join(nodeOnlyBin, 'node'));

  const out = execFileSync(NPM, ['pack', '--json', '--pack-destination', work], { cwd: REPO_ROOT, encoding: 'utf8' });
  const info = JSON.parse(out.slice(out.indexOf('[')))[0];
  tarballSize = info.size;
  console.log(`npm tarball ${info.filename}: ${(info.size / 1024).toFixed(0)} KiB packed, ${(info.unpackedSize / 1024).toFixed(0)} KiB unpacked, ${info.files.length} files`);

  app = path.join(work, 'team-app');
  fs.mkdirSync(path.join(app, 'src'), { recursive: true });
  const repoManifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({
    name: 'team-app',
    version: '1.0.0',
    private: true,
    dependencies: {
      'aws-cdk-lib': repoManifest.devDependencies['aws-cdk-lib'],
      'constructs': repoManifest.devDependencies.constructs,
      'cdk-orders-workflow': `file:${path.join(work, info.filename)}`,
    },
  }, null, 2));
  const started = Date.now();
  execFileSync(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app, stdio: 'pipe' });
  console.log(`npm install of the tarball + aws-cdk-lib + constructs: ${((Date.now() - started) / 1000).toFixed(1)} s`);

  fs.writeFileSync(path.join(app, 'src', 'processor.ts'), PROCESSOR);
  fs.writeFileSync(path.join(app, 'app.js'), APP);
  for (const [name, options] of Object.entries(TSCONFIGS)) {
    fs.writeFileSync(path.join(app, `tsconfig.${name}.json`), JSON.stringify({
      compilerOptions: { target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, types: [], ...options },
      files: ['src/processor.ts'],
    }, null, 2));
  }
});

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('the tarball stays lean', () => {
  // 1.5 MiB: the pre-built handlers, the worker runtime and both CLIs, minified.
  expect(tarballSize).toBeGreaterThan(0);
  expect(tarballSize).toBeLessThan(1.5 * 1024 * 1024);
});

test.each(Object.keys(TSCONFIGS))('a processor importing cdk-orders-workflow/worker type-checks under moduleResolution %s', (name) => {
  const tsc = nodeInApp([TSC, '-p', `tsconfig.${name}.json`]);
  expect(tsc.stdout + tsc.stderr).toBe('');
  expect(tsc.status).toBe(0);
});

test('a processor misusing the worker types fails tsc (the types are real)', () => {
  fs.writeFileSync(path.join(app, 'src', 'wrong.ts'), `
import { createOrderWorker } from 'cdk-orders-workflow/worker';
export const handler = createOrderWorker(async (order) => ({ total: order.items.map((item) => item.price) }));
`);
  fs.writeFileSync(path.join(app, 'tsconfig.wrong.json'), JSON.stringify({
    compilerOptions: { target: 'es2022', strict: true, noEmit: true, types: [], module: 'node16', moduleResolution: 'node16' }, files: ['src/wrong.ts'],
  }));
  const tsc = nodeInApp([TSC, '-p', 'tsconfig.wrong.json']);
  expect(tsc.stdout).toContain("Property 'price' does not exist on type 'OrderItem'");
  expect(tsc.status).not.toBe(0);
});

test('require() and import() of cdk-orders-workflow/worker both work in node, and the main entry still requires', () => {
  const cjs = nodeInApp(['-e', `
const worker = require('cdk-orders-workflow/worker');
const error = new worker.PermanentOrderError('out of stock');
console.log(JSON.stringify({
  createOrderWorker: typeof worker.createOrderWorker, isError: error instanceof Error, message: error.message,
  main: typeof require('cdk-orders-workflow').OrdersWorkflow, processor: typeof require('cdk-orders-workflow').OrderProcessor.fromEntry,
}));`]);
  expect(cjs.stderr).toBe('');
  expect(JSON.parse(cjs.stdout)).toEqual({ createOrderWorker: 'function', isError: true, message: 'out of stock', main: 'function', processor: 'function' });

  const esm = nodeInApp(['--input-type=module', '-e', `
import { createOrderWorker, PermanentOrderError } from 'cdk-orders-workflow/worker';
const dynamic = await import('cdk-orders-workflow/worker');
console.log(JSON.stringify({ createOrderWorker: typeof createOrderWorker, same: dynamic.PermanentOrderError === PermanentOrderError }));`]);
  expect(esm.stderr).toBe('');
  expect(JSON.parse(esm.stdout)).toEqual({ createOrderWorker: 'function', same: true });

  // import() from CommonJS too.
  const dynamicFromCjs = nodeInApp(['-e', 'import(\'cdk-orders-workflow/worker\').then((m) => console.log(typeof m.createOrderWorker))']);
  expect(dynamicFromCjs.stdout.trim()).toBe('function');
});

test('OrderProcessor.fromCode synthesizes with no esbuild anywhere', () => {
  expect(fs.existsSync(path.join(app, 'node_modules', 'esbuild'))).toBe(false);
  expect(spawnSync('sh', ['-c', 'command -v esbuild'], { env: { PATH: nodeOnlyBin } }).status).not.toBe(0);
  fs.mkdirSync(path.join(app, 'prebuilt'));
  fs.writeFileSync(path.join(app, 'prebuilt', 'index.js'), `// built elsewhere (${MARKER})\nexports.handler = async () => ({ batchItemFailures: [] });\n`);
  const synth = nodeInApp(['app.js'], { PROCESSOR_KIND: 'code', OUTDIR: 'cdk.out.code' });
  expect(synth.stderr).toBe('');
  expect(synth.status).toBe(0);
  const worker = workerAsset('cdk.out.code');
  expect(worker.handler).toBe('index.handler');
  expect(worker.files).toEqual(['index.js']);
  expect(worker.code).toContain(MARKER);
});

test('OrderProcessor.fromEntry without esbuild fails, naming esbuild and how to install it', () => {
  const synth = nodeInApp(['app.js'], { PROCESSOR_KIND: 'entry', OUTDIR: 'cdk.out.no-esbuild', PATH: `${nodeOnlyBin}:/usr/bin:/bin` });
  expect(synth.status).not.toBe(0);
  expect(synth.stderr).toContain('esbuild was not found');
  expect(synth.stderr).toContain('npm install --save-dev esbuild');
  expect(synth.stderr).not.toMatch(/docker/i);
});

test('OrderProcessor.fromEntry synthesizes with esbuild installed in the app: the team\'s file bundled with the runtime', () => {
  // What the error told the team to do, with the repo's esbuild version (in npm's cache after `npm ci`).
  const esbuildVersion = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', 'esbuild', 'package.json'), 'utf8')).version;
  execFileSync(NPM, ['install', '--save-dev', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', `esbuild@${esbuildVersion}`], { cwd: app, stdio: 'pipe' });
  // aws-lambda-nodejs runs esbuild through bash: the system's tools on PATH, still no esbuild command.
  const synth = nodeInApp(['app.js'], { PROCESSOR_KIND: 'entry', OUTDIR: 'cdk.out', PATH: `${nodeOnlyBin}:/usr/bin:/bin` });
  expect({ status: synth.status, stderr: synth.stderr }).toEqual({ status: 0, stderr: expect.not.stringMatching(/error|not found/i) });
  const worker = workerAsset('cdk.out');
  expect(worker.handler).toBe('index.handler');
  expect(worker.files).toEqual(['index.js']);
  expect(worker.code).toContain(MARKER);
  // The runtime is bundled in (nothing required from the package at run time).
  expect(worker.code).not.toMatch(/require\(["']cdk-orders-workflow/);
  expect(worker.code).toContain('PermanentOrderError');
});

describe('npx orders-workflow-local --app-dir cdk.out (the installed bin, moto_server from PATH)', () => {
  let child: ChildProcess | undefined;
  let output = '';

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const closed = new Promise((resolve) => child!.once('close', resolve));
      process.kill(-child.pid!, 'SIGINT');
      await closed;
    }
  });

  test('runs the app: a POSTed order becomes PROCESSED with the team processor\'s result', async () => {
    const outputsFile = path.join(app, '.local', 'outputs.json');
    // Own process group: npx runs the bin as its child, and Ctrl-C goes to the whole group.
    child = spawn('npx', ['--no-install', 'orders-workflow-local', '--app-dir', 'cdk.out', '--port', '0'], {
      cwd: app, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
    });
    child.stdout!.on('data', (chunk) => { output += chunk; });
    child.stderr!.on('data', (chunk) => { output += chunk; });
    await waitUntilLocalBinStarted(child, () => output);
    const outputs = JSON.parse(fs.readFileSync(outputsFile, 'utf8'));
    expect(outputs.ApiEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(output).toContain('[local] stack TeamApp');

    const posted = await fetch(`${outputs.ApiEndpoint}orders`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ items: [{ sku: 'SKU-1', qty: 2 }, { sku: 'SKU-2', qty: 3 }] }),
    });
    expect(posted.status).toBe(202);
    const { orderId } = await posted.json() as { orderId: string };
    let order: any;
    const until = Date.now() + 30_000;
    while (Date.now() < until) {
      order = await (await fetch(`${outputs.ApiEndpoint}orders/${orderId}`)).json();
      if (order.status === 'PROCESSED') break;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(order).toMatchObject({ orderId, status: 'PROCESSED', result: { marker: MARKER, units: 5, lastAttempt: false, schema: '1.1' } });
    expect(output).toContain(MARKER);

    // Ctrl-C: npx may die of the signal itself; the bin (same group) stops everything and says so.
    // 'close' waits for the bin too: it shares npx's stdout and stderr.
    const closed = new Promise((resolve) => child!.once('close', resolve));
    process.kill(-child.pid!, 'SIGINT');
    await closed;
    expect(output).toContain('Stopped.');
  });
});
