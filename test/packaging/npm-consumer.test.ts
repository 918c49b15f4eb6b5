/**
 * The npm consumer's first try: `npm pack` the built library, install the tarball into a fresh
 * CDK app outside the repository (aws-cdk-lib, constructs and the tarball, nothing else),
 * synthesize with plain `node` while neither esbuild nor Docker is reachable, and check the
 * template deploys exactly the pre-built handler bundles that ship in the tarball.
 *
 * Needs the build output: `npx projen bundle && npx projen compile && npx projen docgen` (the build
 * runs them before the tests).
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

jest.setTimeout(5 * 60_000);

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const HANDLERS = ['api', 'operations', 'reads', 'worker'];
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The CLI bundles package.json declares as `bin` (shipped like the handlers, pre-bundled). */
const BINS: string[] = Object.values<string>(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).bin ?? {})
  .map(p => path.posix.normalize(p));
/** What the bin orders-workflow-local loads from disk beside its bundle (tools/local/cli.ts). */
const LOCAL_RUNNER_FILES = ['assets/tools/local/function-host/index.js', 'assets/tools/local/cli/moto-startup/sitecustomize.py'];
/** `cdk-orders-workflow/worker`: the runtime, its ESM entry and its declarations (projenrc/worker-runtime.ts). */
const WORKER_RUNTIME_FILES = ['index.js', 'index.mjs', 'index.d.ts', 'public-types.d.ts', 'permanent-order-error.d.ts']
  .map(file => `assets/runtime/worker/${file}`);
/** One JSON Schema per event the workflow publishes. */
const EVENT_SCHEMAS = ['order-created', 'order-processed', 'order-rejected', 'order-failed', 'order-compensation-requested', 'order-step-completed']
  .map(name => `schemas/${name}.schema.json`);
/** Every path the tarball may hold, and the ones it must hold. */
const ALLOWED: RegExp[] = [
  /^package\.json$/, /^README\.md$/, /^LICENSE$/, /^API\.md$/, /^\.jsii$/,
  // Dotted names too (`order-request-schema.generated.js`); source maps are refused below.
  /^lib\/[\w\-/]+(\.[\w-]+)*\.js$/, /^lib\/[\w\-/]+(\.[\w-]+)*\.d\.ts$/,
  /^assets\/lambda\/[\w-]+\/handler\/index\.js$/,
  // The JSON Schemas of the events (projenrc/event-schemas.ts).
  /^schemas\/[\w-]+\.schema\.json$/,
  /^assets\/runtime\/worker\/[\w-]+(\.js|\.mjs|\.d\.ts)$/,
];
const REQUIRED = [
  'package.json', 'README.md', 'LICENSE', 'API.md', '.jsii', 'lib/index.js', 'lib/index.d.ts',
  ...HANDLERS.map(h => `assets/lambda/${h}/handler/index.js`),
  ...BINS,
  ...LOCAL_RUNNER_FILES,
  ...EVENT_SCHEMAS,
  ...WORKER_RUNTIME_FILES,
];

interface Packed {
  readonly tarball: string;
  readonly files: string[];
  readonly size: number;
  readonly unpackedSize: number;
  /** The tarball extracted (its `package/` folder). */
  readonly extracted: string;
}

let work: string;
let packed: Packed;

beforeAll(() => {
  const missing = ['lib/index.js', '.jsii', ...HANDLERS.map(h => `assets/lambda/${h}/handler/index.js`), ...BINS, ...LOCAL_RUNNER_FILES]
    .filter(f => !fs.existsSync(path.join(REPO_ROOT, f)));
  if (missing.length > 0) {
    throw new Error(`Build output missing (${missing.join(', ')}): run \`npx projen bundle && npx projen compile && npx projen docgen\` first.`);
  }
  // Outside the repository, so nothing resolves through the repo's node_modules.
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-npm-consumer-'));
  const out = execFileSync(NPM, ['pack', '--json', '--pack-destination', work], { cwd: REPO_ROOT, encoding: 'utf8' });
  const info = JSON.parse(out.slice(out.indexOf('[')))[0];
  const tarball = path.join(work, info.filename);
  const extracted = path.join(work, 'extracted');
  fs.mkdirSync(extracted);
  execFileSync('tar', ['-xzf', tarball, '-C', extracted]);
  packed = {
    tarball,
    files: info.files.map((f: { path: string }) => f.path).sort(),
    size: info.size,
    unpackedSize: info.unpackedSize,
    extracted: path.join(extracted, 'package'),
  };
  console.log(`npm tarball ${info.filename}: ${(packed.size / 1024).toFixed(0)} KiB packed, ` +
    `${(packed.unpackedSize / 1024).toFixed(0)} KiB unpacked, ${packed.files.length} files:\n  ${packed.files.join('\n  ')}`);
});

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('the tarball', () => {
  test('holds what a consumer needs and nothing else', () => {
    expect(packed.files.filter(f => !ALLOWED.some(pattern => pattern.test(f)) && !BINS.includes(f) && !LOCAL_RUNNER_FILES.includes(f))).toEqual([]);
    expect(REQUIRED.filter(f => !packed.files.includes(f))).toEqual([]);
    // Spelled out so a reviewer sees the rule, not only the allowlist.
    expect(packed.files.filter(f => /^(src|test|examples|lambda|scripts|tools|docs|projenrc|\.cache)\//.test(f))).toEqual([]);
    expect(packed.files.filter(f => f.endsWith('.map') || f.endsWith('.meta.json'))).toEqual([]);
    expect(packed.files.filter(f => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  });

  test('ships lib/ without source maps (inline ones would carry the TypeScript sources)', () => {
    const js = packed.files.filter(f => f.startsWith('lib/') && f.endsWith('.js'));
    expect(js.length).toBeGreaterThan(0);
    expect(js.filter(f => fs.readFileSync(path.join(packed.extracted, f), 'utf8').includes('sourceMappingURL'))).toEqual([]);
  });

  test('ships the handler and CLI bundles as built', () => {
    for (const file of [...HANDLERS.map(h => `assets/lambda/${h}/handler/index.js`), ...BINS]) {
      expect(fs.readFileSync(path.join(packed.extracted, file)).equals(fs.readFileSync(path.join(REPO_ROOT, file)))).toBe(true);
    }
    for (const bin of BINS) {
      expect(fs.readFileSync(path.join(packed.extracted, bin), 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
    }
  });

  test('declares aws-cdk-lib and constructs as peers and bundles no runtime dependency', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(packed.extracted, 'package.json'), 'utf8'));
    expect(Object.keys(manifest.peerDependencies ?? {}).sort()).toEqual(['aws-cdk-lib', 'constructs']);
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.bundledDependencies ?? manifest.bundleDependencies ?? []).toEqual([]);
  });
});

describe('a fresh CDK app that installs the tarball', () => {
  let app: string;

  beforeAll(() => {
    app = path.join(work, 'consumer-app');
    fs.mkdirSync(app);
    const repoManifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({
      name: 'orders-consumer-app',
      version: '1.0.0',
      private: true,
      dependencies: {
        // The versions this library is built and tested with (the lowest its peer ranges allow).
        'aws-cdk-lib': repoManifest.devDependencies['aws-cdk-lib'],
        'constructs': repoManifest.devDependencies.constructs,
        'cdk-orders-workflow': `file:${packed.tarball}`,
      },
    }, null, 2));
    const started = Date.now();
    execFileSync(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app, stdio: 'pipe' });
    console.log(`npm install of the tarball + aws-cdk-lib + constructs: ${((Date.now() - started) / 1000).toFixed(1)} s`);

    fs.writeFileSync(path.join(app, 'app.js'), `
const path = require('path');
const { App, Stack } = require('aws-cdk-lib');
const cwActions = require('aws-cdk-lib/aws-cloudwatch-actions');
const sns = require('aws-cdk-lib/aws-sns');
const { OrdersWorkflow } = require('cdk-orders-workflow');

const app = new App({ outdir: path.join(__dirname, 'cdk.out') });
const stack = new Stack(app, 'ConsumerStack', { env: { account: '111111111111', region: 'us-east-1' } });
const pager = new sns.Topic(stack, 'Pager');
new OrdersWorkflow(stack, 'Orders', {
  namePrefix: 'orders',
  batchSize: 5,
  alarmActions: [new cwActions.SnsAction(pager)],
  stackOutputs: true,
});
app.synth();
`);
  });

  test('gets no esbuild: the library needs no bundler on the consumer side', () => {
    expect(fs.existsSync(path.join(app, 'node_modules', 'esbuild'))).toBe(false);
    expect(fs.existsSync(path.join(app, 'node_modules', '.bin', 'esbuild'))).toBe(false);
    expect(fs.readdirSync(path.join(app, 'node_modules')).filter(d => d.startsWith('@esbuild'))).toEqual([]);
  });

  test('gets the CLI commands linked', () => {
    const names = Object.keys(JSON.parse(fs.readFileSync(path.join(packed.extracted, 'package.json'), 'utf8')).bin ?? {});
    for (const name of names) expect(fs.existsSync(path.join(app, 'node_modules', '.bin', name))).toBe(true);
  });

  test('synthesizes with plain node, no esbuild and no Docker on PATH, deploying the shipped bundles', () => {
    // PATH holds node and nothing else.
    const bin = path.join(work, 'bin-node-only');
    fs.mkdirSync(bin);
    fs.symlinkSync(process.execPath, path.join(bin, 'node'));
    for (const tool of ['esbuild', 'docker']) {
      expect(spawnSync('sh', ['-c', `command -v ${tool}`], { env: { PATH: bin } }).status).not.toBe(0);
    }
    const synth = spawnSync(path.join(bin, 'node'), ['app.js'], {
      cwd: app,
      encoding: 'utf8',
      env: { PATH: bin, HOME: work, CDK_DOCKER: path.join(work, 'no-docker-here') },
    });
    expect(synth.stderr).toBe('');
    expect(synth.status).toBe(0);

    const cdkOut = path.join(app, 'cdk.out');
    const template = JSON.parse(fs.readFileSync(path.join(cdkOut, 'ConsumerStack.template.json'), 'utf8'));
    const assets = JSON.parse(fs.readFileSync(path.join(cdkOut, 'ConsumerStack.assets.json'), 'utf8'));
    const functions = Object.values<any>(template.Resources).filter(r => r.Type === 'AWS::Lambda::Function');
    // Only the handlers: no custom-resource or log-retention function sneaks in.
    expect(functions.map(f => f.Properties.FunctionName).sort()).toEqual(HANDLERS.map(h => `orders-${h}`));

    for (const handler of HANDLERS) {
      const fn = functions.find(f => f.Properties.FunctionName === `orders-${handler}`);
      const s3Key: string = fn.Properties.Code.S3Key;
      const asset = assets.files[s3Key.replace(/\.zip$/, '')];
      expect(asset?.source?.packaging).toBe('zip');
      const assetDir = path.join(cdkOut, asset.source.path);
      expect(fs.readdirSync(assetDir)).toEqual(['index.js']);
      const shipped = fs.readFileSync(path.join(packed.extracted, 'assets', 'lambda', handler, 'handler', 'index.js'));
      expect(fs.readFileSync(path.join(assetDir, 'index.js')).equals(shipped)).toBe(true);
      expect(fn.Properties.Handler).toBe('index.handler');
    }
  });

  test('runs the installed orders-workflow-local with node alone: loads its app, then asks for moto', () => {
    // Runs after the synth above (its cdk.out). PATH holds node only: no tsx, no moto_server.
    const bin = path.join(work, 'bin-node-only');
    const run = (args: string[]) => spawnSync(path.join(bin, 'node'), [path.join(app, 'node_modules', '.bin', 'orders-workflow-local'), ...args], {
      cwd: app, encoding: 'utf8', env: { PATH: bin, HOME: work },
    });
    const help = run(['--help']);
    expect(help.stdout).toContain('Usage: npx orders-workflow-local --app-dir <cdk.out>');
    expect(help.status).toBe(0);
    const started = run(['--app-dir', 'cdk.out', '--port', '0']);
    expect(started.stdout).toContain('[local] stack ConsumerStack');
    expect(started.stderr).toContain('moto_server was not found (not on PATH). Install the emulator with: pip install "moto[server]"');
    expect(started.status).toBe(1);
  });
});
