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
