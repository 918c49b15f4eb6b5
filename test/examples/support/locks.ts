/**
 * Cross-process locks for the example tests. jest runs test files in parallel processes; a few
 * things exist once on the machine (examples/app/node_modules and its cdk.out, the frontend's
 * dist, port 5173 that the local API's CORS allows), so the tests that use them take turns.
 * A lock is a directory, created atomically, holding the pid of its holder; a lock whose holder
 * died is taken over.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const LOCKS_DIR = path.resolve(__dirname, '..', '..', '..', 'test-output', '.locks');
const DEFAULT_WAIT_MS = 10 * 60_000;
const POLL_MS = 500;

/** Waits for the lock `name`; returns the function that releases it. */
export async function acquireLock(name: string, waitMs = DEFAULT_WAIT_MS): Promise<() => void> {
  const dir = lockDir(name);
  const deadline = Date.now() + waitMs;
  while (!tryLock(dir)) {
    if (Date.now() > deadline) throw waitedTooLong(dir, waitMs);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return () => fs.rmSync(dir, { recursive: true, force: true });
}

export async function withLock<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
  const release = await acquireLock(name);
  try {
    return await fn();
  } finally {
    release();
  }
}

/**
 * `withLock` for synchronous work (the Python bindings check runs as a CLI too): the same lock
 * directories, waiting with a blocking sleep.
 */
export function withLockSync<T>(name: string, fn: () => T, waitMs = DEFAULT_WAIT_MS): T {
  const dir = lockDir(name);
  const deadline = Date.now() + waitMs;
  while (!tryLock(dir)) {
    if (Date.now() > deadline) throw waitedTooLong(dir, waitMs);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, POLL_MS);
  }
  try {
    return fn();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function lockDir(name: string): string {
  fs.mkdirSync(LOCKS_DIR, { recursive: true });
  return path.join(LOCKS_DIR, `${name}.lock`);
}

/** One attempt: true when this process now holds the lock (a dead holder's lock is taken over). */
function tryLock(dir: string): boolean {
  try {
    fs.mkdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (!holderIsGone(dir)) return false;
    fs.rmSync(dir, { recursive: true, force: true });
    return tryLock(dir);
  }
  fs.writeFileSync(path.join(dir, 'pid'), String(process.pid));
  return true;
}

function waitedTooLong(dir: string, waitMs: number): Error {
  return new Error(`Waited ${Math.round(waitMs / 1000)} s for the lock ${dir}, held by another test process. Remove it if no test runs.`);
}

function holderIsGone(dir: string): boolean {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(dir, 'pid'), 'utf8'));
  } catch {
    // Created, its pid not written yet (or the lock was just released): not stale.
    return false;
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
