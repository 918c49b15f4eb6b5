/** The commands typed into `npm run local`'s terminal (scripts/local/runner-commands.ts). */
import { PassThrough } from 'node:stream';
import { listenForCommands, RUNNER_COMMANDS_HELP, runCommand } from '../../scripts/local/runner-commands';

function fakeLocal() {
  const calls: boolean[] = [];
  return { calls, local: { setFailureInjection: (enabled: boolean) => calls.push(enabled) } };
}

test('injection off / on switch the worker\'s failure injection, in any case and spacing', () => {
  const { calls, local } = fakeLocal();
  expect(runCommand(local, 'injection off')).toBe('failure injection off');
  expect(runCommand(local, '  Injection   ON ')).toBe('failure injection on');
  expect(calls).toEqual([false, true]);
});

test('help lists the commands; an unknown command changes nothing and says so; a blank line is ignored', () => {
  const { calls, local } = fakeLocal();
  expect(runCommand(local, 'help')).toBe(RUNNER_COMMANDS_HELP);
  expect(runCommand(local, 'injection maybe')).toMatch(/^unknown command "injection maybe"\n/);
  expect(runCommand(local, '   ')).toBeUndefined();
  expect(calls).toEqual([]);
});

test('lines typed at the terminal are run and answered', async () => {
  const { calls, local } = fakeLocal();
  const input = new PassThrough();
  const printed: string[] = [];
  const stop = listenForCommands(local, input, (text) => printed.push(text));
  input.write('injection off\n');
  await new Promise((resolve) => setImmediate(resolve));
  stop();
  expect(calls).toEqual([false]);
  expect(printed).toEqual(['failure injection off\n']);
});
