/**
 * A started `orders-workflow-local` process, as a user's terminal sees it: the tests that run
 * the bin (from this checkout, or installed from the packed tarball) wait for its banner's last
 * line before they use the outputs file.
 */
import type { ChildProcess } from 'node:child_process';

const STARTED_LINE = 'Ctrl-C stops everything.';

/** Resolves once the bin has printed that it is up; fails with its output if it exits first or takes over `timeoutMs`. */
export async function waitUntilLocalBinStarted(child: ChildProcess, output: () => string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!output().includes(STARTED_LINE)) {
    if (child.exitCode !== null) throw new Error(`the bin exited ${child.exitCode}:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`the bin did not start within ${timeoutMs / 1000} s:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
