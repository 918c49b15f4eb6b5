/**
 * Work that several test files need and that one jest run does once: the first caller does it
 * (under the caller's lock) and writes a stamp with the run's id (test/global-setup.ts) and a
 * result; later callers in the same run read the result. A run without the id (a file run by
 * hand with another runner) always does the work.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const STAMPS_DIR = path.resolve(__dirname, '..', '..', '..', 'test-output', '.once-per-run');

/** Call while holding the lock that guards what `work` writes. */
export function oncePerRun<T>(name: string, work: () => T): T {
  const runId = process.env.ORDERS_TEST_RUN_ID;
  const stamp = path.join(STAMPS_DIR, `${name}.json`);
  if (runId !== undefined && fs.existsSync(stamp)) {
    const saved = JSON.parse(fs.readFileSync(stamp, 'utf8')) as { runId: string; result: T };
    if (saved.runId === runId) return saved.result;
  }
  fs.rmSync(stamp, { force: true });
  const result = work();
  if (runId !== undefined) {
    fs.mkdirSync(STAMPS_DIR, { recursive: true });
    fs.writeFileSync(stamp, JSON.stringify({ runId, result }));
  }
  return result;
}

/** Marks `name` as done in this run without doing it (another step did the same work). */
export function markDoneThisRun<T>(name: string, result: T): void {
  const runId = process.env.ORDERS_TEST_RUN_ID;
  if (runId === undefined) return;
  fs.mkdirSync(STAMPS_DIR, { recursive: true });
  fs.writeFileSync(path.join(STAMPS_DIR, `${name}.json`), JSON.stringify({ runId, result }));
}
