/** bench/RESULTS.md is the report writer's rendering of the committed bench/results.json, targets marked. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resultsMarkdown } from '../../bench/report/results-markdown';
import { BenchResults } from '../../bench/results';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const results = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'bench', 'results.json'), 'utf8')) as BenchResults;

test('the committed RESULTS.md matches the committed results.json', () => {
  expect(fs.readFileSync(path.join(REPO_ROOT, 'bench', 'RESULTS.md'), 'utf8')).toBe(resultsMarkdown(results));
});

test('a target is marked met or not met from the figure', () => {
  const api = results.coldInit.find((row) => row.name === 'api' && row.kind === 'function')!;
  const at = (median: number) => resultsMarkdown({
    ...results,
    coldInit: results.coldInit.map((row) => (row === api ? { ...row, ratio: { ...row.ratio, median } } : row)),
  }).split('\n').find((line) => line.startsWith('| api |'))!;
  expect(at(2.5)).toMatch(/<= 2\.5x \| met \|$/);
  expect(at(2.51)).toMatch(/<= 2\.5x \| \*\*not met\*\* \|$/);
});

describe('a trivial processor through fromEntry, beside the built-in worker', () => {
  const worker = results.bundles.find((bundle) => bundle.name === 'worker')!;
  const workerCold = results.coldInit.find((row) => row.name === 'worker' && row.kind === 'function')!;
  const name = 'worker (fromEntry, trivial processor)';
  const spread = (median: number) => ({ median, p25: median, p75: median, min: median, max: median, n: 3 });
  /** The committed results with one custom processor (in place of any measured ones) whose ratios to the built-in worker are given. */
  const withCustom = (bytesRatio: number, coldRatio: number | undefined): BenchResults => ({
    ...results,
    coldInit: [...results.coldInit.filter((row) => row.kind !== 'custom-processor'), {
      ...workerCold,
      name,
      kind: 'custom-processor',
      ...(coldRatio !== undefined ? { relativeTo: { name: 'worker', ratio: spread(coldRatio) } } : {}),
    }],
    customProcessors: [{
      name,
      entry: 'bench/processors/trivial.ts',
      bundling: 'aws-lambda-nodejs defaults',
      inputs: ['assets/runtime/worker/index.js', 'bench/processors/trivial.ts'],
      bundle: { ...worker, name, path: 'cdk.out/asset.abc/index.js', bytes: Math.round(worker.bytes * bytesRatio), gzipBytes: 1 },
      builtIn: 'worker',
      bytesRatio,
      gzipRatio: 0.5,
      coldInitRatio: coldRatio !== undefined ? spread(coldRatio) : undefined,
    }],
  });
  const linesOf = (markdown: string, prefix: string) => markdown.split('\n').filter((line) => line.startsWith(prefix));

  test('its size row follows the worker\'s in the bundle table, with the ratio, marked against 1.1x', () => {
    const markdown = resultsMarkdown(withCustom(1.1, 1));
    const table = markdown.slice(markdown.indexOf('## 1.'), markdown.indexOf('## 2.')).split('\n');
    const row = table.findIndex((line) => line.startsWith(`| ${name} (\`cdk.out/asset.abc/index.js\`, aws-lambda-nodejs defaults) |`));
    expect(table[row - 1]).toMatch(/^\| worker \(`assets\/lambda\/worker\/handler\/index\.js`\)/);
    expect(table[row]).toMatch(/\| <= 1\.1x worker \(1\.1x\) \| met \|$/);
    expect(linesOf(resultsMarkdown(withCustom(1.101, 1)), `| ${name} (`)[0]).toMatch(/\(1\.101x\) \| \*\*not met\*\* \|$/);
  });

  test('its cold-init row carries the per-pair ratio to the built-in worker, marked against 1.1x', () => {
    expect(linesOf(resultsMarkdown(withCustom(1, 1.1)), `| ${name} |`)[0]).toMatch(/\| <= 1\.1x worker \(1\.1x\) \| met \|$/);
    expect(linesOf(resultsMarkdown(withCustom(1, 1.12)), `| ${name} |`)[0]).toMatch(/\| <= 1\.1x worker \(1\.12x\) \| \*\*not met\*\* \|$/);
  });

  test('the comparison table needs both ratios within 1.1x, and says so when it failed to load', () => {
    const comparison = (bytesRatio: number, coldRatio?: number) => linesOf(resultsMarkdown(withCustom(bytesRatio, coldRatio)), `| ${name} | aws-lambda-nodejs defaults |`)[0];
    expect(comparison(1.05, 1.05)).toBe(`| ${name} | aws-lambda-nodejs defaults | 1.05x | 0.5x | 1.05x (1.05-1.05, n=3) | <= 1.1x worker | met |`);
    expect(comparison(1.2, 1.05)).toMatch(/\*\*not met\*\* \|$/);
    expect(comparison(1.05, 1.2)).toMatch(/\*\*not met\*\* \|$/);
    expect(comparison(1.05)).toMatch(/\| failed to load \| <= 1\.1x worker \| \*\*not met\*\* \|$/);
  });

  test('results without the subject say it was not measured rather than leaving it out', () => {
    expect(resultsMarkdown({ ...results, customProcessors: undefined })).toContain('### A processor of your own against the built-in worker\n\nNot measured in this run');
    expect(resultsMarkdown(withCustom(1, 1))).not.toContain('Not measured in this run');
  });
});
