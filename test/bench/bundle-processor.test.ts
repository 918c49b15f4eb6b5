/** The fromEntry bundle the bench measures: a user's import, resolved through the package's exports. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundleProcessor } from '../../bench/processors/bundle-processor';
import { TRIVIAL_PROCESSOR_ENTRY } from '../../bench/processors/custom-processors';

jest.setTimeout(120_000);

const REPO_ROOT = path.resolve(__dirname, '..', '..');
let outDir: string;

beforeEach(() => {
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-bench-processor-'));
});
afterEach(() => fs.rmSync(outDir, { recursive: true, force: true }));

test('the trivial processor bundles against the ES module build of assets/runtime/worker through `exports`, and the bundle is the staged asset', () => {
  const bundle = bundleProcessor(REPO_ROOT, path.join(REPO_ROOT, TRIVIAL_PROCESSOR_ENTRY), outDir);
  // `import` resolves to index.mjs alone: esbuild hoists it (no CommonJS wrapper to parse twice at cold start).
  expect(bundle.inputs.sort()).toEqual(['assets/runtime/worker/index.mjs', TRIVIAL_PROCESSOR_ENTRY]);
  expect(path.relative(outDir, bundle.file)).toMatch(/^asset\.[0-9a-f]{64}\/index\.js$/);
  // Loading it needs the worker's environment: the bench run's cold init does that (bench-run.test.ts).
  expect(fs.statSync(bundle.file).size).toBeGreaterThan(100_000);
});

test('a processor bundled from the repository\'s sources is refused, not measured as a user\'s', () => {
  const entry = path.join(__dirname, 'fixtures', 'processor-from-sources.ts');
  expect(() => bundleProcessor(REPO_ROOT, entry, outDir)).toThrow(/did not bundle against the package's runtime .*lambda\/worker\/create-order-worker\.ts/);
});
