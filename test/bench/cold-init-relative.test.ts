/** Cold init of a subject relative to another: per pair, in the same round, and only against a subject that loaded. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { measureColdInit } from '../../bench/cold-init/measure-cold-init';
import { round } from '../../bench/stats';

jest.setTimeout(60_000);

let dir: string;
const env = { PATH: process.env.PATH ?? '' };

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-cold-relative-'));
  fs.writeFileSync(path.join(dir, 'small.cjs'), 'exports.handler = () => undefined;\n');
  // Enough top-level work to load measurably slower than the small module.
  fs.writeFileSync(path.join(dir, 'heavy.cjs'), 'let x = 0; for (let i = 0; i < 3e7; i++) x += i; exports.handler = () => x;\n');
  fs.writeFileSync(path.join(dir, 'broken.cjs'), 'throw new Error("no configuration");\n');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the relative ratio is taken pair by pair against the named subject; a subject without one has none', () => {
  const file = (name: string) => path.join(dir, name);
  const { results, failures } = measureColdInit([
    { name: 'small', kind: 'function', file: file('small.cjs'), env },
    { name: 'heavy', kind: 'custom-processor', file: file('heavy.cjs'), env, relativeTo: 'small' },
    { name: 'itself', kind: 'custom-processor', file: file('small.cjs'), env, relativeTo: 'itself' },
    { name: 'broken', kind: 'function', file: file('broken.cjs'), env },
    { name: 'against broken', kind: 'custom-processor', file: file('small.cjs'), env, relativeTo: 'broken' },
  ], 3);
  const row = (name: string) => results.find((candidate) => candidate.name === name)!;
  expect(row('small').relativeTo).toBeUndefined();
  expect(row('heavy').relativeTo).toMatchObject({ name: 'small', ratio: { n: 3 } });
  expect(row('heavy').relativeTo!.ratio.median).toBeGreaterThan(1);
  // Each pair divided by the same round's pair of the reference: over itself, exactly 1 every time.
  expect(row('itself').relativeTo!.ratio).toEqual({ median: 1, p25: 1, p75: 1, min: 1, max: 1, n: 3 });
  expect(failures.map((failure) => failure.name)).toEqual(['broken']);
  expect(row('against broken').relativeTo).toBeUndefined();
});

test('a rounded difference that is a hair below zero is 0, not -0: results.json (JSON writes -0 as 0) reads back equal', () => {
  const rounded = round(-0.04, 1);
  expect(Object.is(rounded, 0)).toBe(true);
  expect(JSON.parse(JSON.stringify({ rounded }))).toEqual({ rounded });
  expect(round(-0.06, 1)).toBe(-0.1);
});
