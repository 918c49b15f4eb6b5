/**
 * Commands a person types into the terminal of `npm run local` while it runs: what on AWS would
 * be a console click or a CLI call against the deployed functions. Today: failure injection on
 * and off (the worker's FAILURE_INJECTION_ENABLED), so FAIL-ME -> FAILED -> redrive -> PROCESSED
 * can be walked through without a restart.
 */
import { createInterface } from 'node:readline';
import type { LocalWorkflow } from './runner';

export const RUNNER_COMMANDS_HELP = [
  'Type a command and Enter while it runs:',
  '  injection off   the worker stops failing FAIL-ME orders (a redrive then processes them)',
  '  injection on    FAIL-ME orders fail again (the default)',
  '  help            this list',
].join('\n');

/** One typed line: what it does to `local`, and the answer to print. */
export function runCommand(local: Pick<LocalWorkflow, 'setFailureInjection'>, line: string): string | undefined {
  const words = line.trim().toLowerCase().split(/\s+/).filter((word) => word !== '');
  if (words.length === 0) return undefined;
  if (words[0] === 'injection' && words.length === 2 && (words[1] === 'on' || words[1] === 'off')) {
    local.setFailureInjection(words[1] === 'on');
    return `failure injection ${words[1]}`;
  }
  if (words[0] === 'help' && words.length === 1) return RUNNER_COMMANDS_HELP;
  return `unknown command "${line.trim()}"\n${RUNNER_COMMANDS_HELP}`;
}

/** Reads commands from `input` (the terminal) until it closes; stop with the returned function. */
export function listenForCommands(local: Pick<LocalWorkflow, 'setFailureInjection'>, input: NodeJS.ReadableStream, print: (text: string) => void): () => void {
  const lines = createInterface({ input, terminal: false });
  lines.on('line', (line) => {
    const answer = runCommand(local, line);
    if (answer !== undefined) print(`${answer}\n`);
  });
  return () => lines.close();
}
