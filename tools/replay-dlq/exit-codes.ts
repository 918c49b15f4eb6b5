/**
 * The replay CLI's exit codes. A script can rely on them: 2 means the queues are exactly as
 * before, 1 means look at the output, 130 means a person stopped it.
 */
import { constants } from 'node:os';
import { ReplayResult } from './replay';

export const EXIT_DONE = 0;
/** Some messages were moved, and some failed or the run stopped early (an error). */
export const EXIT_PARTIAL = 1;
/** Nothing was moved: bad arguments, a refusal, or a failure before any message was sent. */
export const EXIT_UNTOUCHED = 2;

/** 128 + the signal's number, as a shell reports it: 130 for SIGINT (Ctrl-C), 143 for SIGTERM. */
export function interruptedExitCode(signal: NodeJS.Signals): number {
  return 128 + constants.signals[signal];
}

/**
 * `interruptedBy` wins over everything: after Ctrl-C the run never reports success, even when
 * the DLQ happened to be empty by then.
 */
export function exitCodeOf(result: ReplayResult, interruptedBy: NodeJS.Signals | undefined): number {
  if (interruptedBy !== undefined) return interruptedExitCode(interruptedBy);
  if (result.failed === 0 && result.error === undefined) return EXIT_DONE;
  return result.replayed === 0 ? EXIT_UNTOUCHED : EXIT_PARTIAL;
}
