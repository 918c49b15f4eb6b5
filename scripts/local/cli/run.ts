/**
 * The runner as a foreground command: start, print the banner, take typed commands, stop on
 * Ctrl-C. Shared by `npm run local` (main.ts) and the package's bin (tools/local/cli.ts).
 */
import { EmulatorMissingError } from '../emulator/moto-server';
import type { LocalWorkflow } from '../runner';
import { listenForCommands } from '../runner-commands';
import { banner } from './banner';
import { RunnerCommandLine } from './options';

export interface RunnerCommand {
  readonly usage: string;
  /** How the banner tells the user to replay the DLQ (`npm run replay-dlq --` here, the package's bin elsewhere). */
  readonly replayCommand: string;
  /** Throws UsageError (or parseArgs' errors) for a bad command line. */
  parse(argv: string[]): RunnerCommandLine;
  start(commandLine: RunnerCommandLine): Promise<LocalWorkflow>;
}

/** Runs until a signal; resolves with the exit code only when it ends early (usage, help, failed start). */
export async function runRunnerCommand(command: RunnerCommand, argv: string[]): Promise<number> {
  let parsed: RunnerCommandLine;
  try {
    parsed = command.parse(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${command.usage}`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(command.usage);
    return 0;
  }

  let local: LocalWorkflow | undefined;
  let stopping = false;
  let firstSignalAt = 0;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      // One Ctrl-C can arrive twice (the terminal signals the group, and tsx forwards it): only a later one forces.
      if (Date.now() - firstSignalAt < 1_000) return;
      process.stderr.write('Stopping now.\n');
      process.exit(130);
    }
    stopping = true;
    firstSignalAt = Date.now();
    process.stdout.write(`\n${signal}: stopping (press Ctrl-C again to force)...\n`);
    const done = local ? local.stop() : Promise.resolve();
    void done.then(() => {
      process.stdout.write('Stopped.\n');
      process.exit(0);
    }, () => process.exit(1));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);

  // The bundles target Lambda's Node.js 22; the runner says so once instead of the SDK's multi-line warning.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  try {
    local = await command.start(parsed);
  } catch (error) {
    if (error instanceof EmulatorMissingError) {
      process.stderr.write(`${error.message}\n`);
    } else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(`Port ${parsed.options.port} on 127.0.0.1 is in use: stop what uses it, or pass --port <n> (0 = any free port).\n`);
    } else {
      process.stderr.write(`The local workflow could not start: ${(error as Error).stack ?? error}\n`);
    }
    return 1;
  }
  if (stopping) {
    await local.stop();
    return 0;
  }
  process.stdout.write(banner(local, parsed.outputsFile, command.replayCommand));
  const running = local;
  listenForCommands(running, process.stdin, (text) => process.stdout.write(text));
  return new Promise<number>(() => undefined); // runs until a signal
}

/** The process's end: the code of an early return, or the stack of an unexpected failure. */
export function exitWith(code: Promise<number>): void {
  code.then((value) => process.exit(value), (error) => {
    process.stderr.write(`${(error as Error).stack ?? error}\n`);
    process.exit(1);
  });
}
