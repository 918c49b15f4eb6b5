/**
 * Item 2: cold init as a ratio against an empty `node` process. For each pair the empty
 * process and the one that loads the module run back to back (which goes first alternates),
 * with the same environment, and the pair's ratio is taken, so the load of a shared machine
 * cancels out as far as it can; medians and spreads of the pairs are reported. Subjects are
 * interleaved round by round, so a burst of load hits all of them alike.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { roundSpread, Spread, spreadOf } from '../stats';

const LOADER = path.join(__dirname, 'load.cjs');

export interface ColdInitSubject {
  /** e.g. `api`, `naive api`, `client-only`. */
  readonly name: string;
  readonly kind: 'function' | 'naive' | 'client-only' | 'custom-processor';
  readonly file: string;
  readonly env: Record<string, string>;
  /**
   * Another subject's name: this one's ratio is also taken over that one's, pair by pair (the
   * two run in the same round, so a burst of load hits both).
   */
  readonly relativeTo?: string;
}

export interface ColdInitResult {
  readonly name: string;
  readonly kind: ColdInitSubject['kind'];
  /** Module wall time / empty wall time, per pair. */
  readonly ratio: Spread;
  /** Module wall time minus empty wall time, per pair (ms). */
  readonly addedMs: Spread;
  readonly emptyMs: Spread;
  readonly moduleMs: Spread;
  /** This subject's ratio over `relativeTo`'s ratio in the same round, per pair. */
  readonly relativeTo?: { readonly name: string; readonly ratio: Spread };
}

/** A module whose init threw (e.g. a bundle the reference stack does not deploy, missing its configuration). */
export interface ColdInitFailure {
  readonly name: string;
  readonly error: string;
}

export function measureColdInit(
  all: readonly ColdInitSubject[], pairs: number, onProgress?: (message: string) => void,
): { results: ColdInitResult[]; failures: ColdInitFailure[] } {
  // One unmeasured round first: the file cache and node's own startup are warm for everyone.
  // A module that fails to load is reported, not measured: the rest of the run still counts.
  const failures: ColdInitFailure[] = [];
  const subjects = all.filter((subject) => {
    try {
      run(subject.env);
      run(subject.env, subject.file);
      return true;
    } catch (error) {
      const lines = (error as Error).message.split('\n');
      // Node prints the source line and a caret first: the thrown error's own line says what is wrong.
      failures.push({ name: subject.name, error: (lines.find((line) => /^\s*[\w.]*Error: /.test(line)) ?? lines[0]).trim().slice(0, 300) });
      return false;
    }
  });
  const samples = subjects.map(() => ({ empty: [] as number[], module: [] as number[] }));
  for (let pair = 0; pair < pairs; pair++) {
    subjects.forEach((subject, index) => {
      const emptyFirst = (pair + index) % 2 === 0;
      let empty: number;
      let loaded: number;
      if (emptyFirst) {
        empty = run(subject.env);
        loaded = run(subject.env, subject.file);
      } else {
        loaded = run(subject.env, subject.file);
        empty = run(subject.env);
      }
      samples[index].empty.push(empty);
      samples[index].module.push(loaded);
    });
    if ((pair + 1) % 7 === 0 || pair + 1 === pairs) onProgress?.(`cold init: ${pair + 1}/${pairs} pairs`);
  }
  const ratios = samples.map(({ empty, module }) => module.map((ms, i) => ms / empty[i]));
  const results = subjects.map((subject, index): ColdInitResult => {
    const { empty, module } = samples[index];
    const reference = subjects.findIndex((candidate) => candidate.name === subject.relativeTo);
    return {
      name: subject.name,
      kind: subject.kind,
      ratio: roundSpread(spreadOf(ratios[index])),
      addedMs: roundSpread(spreadOf(module.map((ms, i) => ms - empty[i])), 1),
      emptyMs: roundSpread(spreadOf(empty), 1),
      moduleMs: roundSpread(spreadOf(module), 1),
      // A reference that failed to load leaves nothing to compare with: no relative figure.
      ...(reference >= 0
        ? { relativeTo: { name: subject.relativeTo!, ratio: roundSpread(spreadOf(ratios[index].map((ratio, i) => ratio / ratios[reference][i]))) } }
        : {}),
    };
  });
  return { results, failures };
}

/** Wall time (ms) of one fresh node process, from spawn to exit. */
function run(env: Record<string, string>, file?: string): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, file ? [LOADER, file] : [LOADER], { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`node ${file ?? '(empty)'} exited ${result.status}: ${result.stderr}`);
  return ms;
}
