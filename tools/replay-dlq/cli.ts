/**
 * orders-workflow-replay-dlq: sends the messages of the orders dead-letter queue back to the
 * main queue. Exit codes (exit-codes.ts): 0 done, 1 some moved but some failed or the run
 * stopped early, 2 nothing moved, 130 interrupted (143 on SIGTERM).
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig, Config, ConfigError, readConfig } from './config';
import { EXIT_DONE, EXIT_UNTOUCHED, exitCodeOf, interruptedExitCode } from './exit-codes';
import { QueueMismatchError, QueueNotFoundError, replayDeadLetterQueue, ReplayProgress, ReplayResult } from './replay';

const USAGE = `Usage: orders-workflow-replay-dlq [options]

Moves the messages of the dead-letter queue back to the main queue (batches of 10, message
attributes kept). A message is deleted from the DLQ only once it was sent; one that could
not be sent stays in the DLQ and is reported.

Before anything is received it checks that the main queue's RedrivePolicy names this DLQ,
and refuses otherwise. Into a FIFO queue each message keeps its group id and is sent with a
new deduplication id (dlq-replay:<its id in the DLQ>): SQS would silently drop a send with
the original one for 5 minutes.

Options (flags win over the environment):
  --dlq-url <url>          the DLQ                              [env DLQ_URL]
  --main-queue-url <url>   the queue to send to                 [env MAIN_QUEUE_URL]
  --stage <name>           replay a stage's pair instead: a stage id, or
                           <stage>/compensation for its compensation's; "main" (the
                           default) is the workflow's own pair. The stages' URLs come from
                           --stage-queues, else STAGE_QUEUES, else the outputs file
  --stage-queues <json>    the operations function's STAGE_QUEUES [env STAGE_QUEUES]:
                           aws lambda get-function-configuration --function-name
                           <prefix>-operations --query Environment.Variables.STAGE_QUEUES
                           --output text
  --outputs-file <file>    take both URLs (and the emulator endpoint) from a stack outputs
                           file: \`cdk deploy --outputs-file\` output, or .local/outputs.json
                           (which also has the stages' URLs, StageQueues)
  --endpoint <url>         SQS endpoint, e.g. an emulator       [env AWS_ENDPOINT_URL]
  --region <region>        [env AWS_REGION, else from the queue URL]
  --max <n>                replay at most n messages            [all]
  --wait-seconds <0-20>    long poll of each receive; the run ends at the first receive
                           that finds nothing                   [1]
  --dry-run                count only: send and delete nothing, leave messages visible
  --force                  replay even if the main queue's RedrivePolicy names another
                           DLQ, or none
  -h, --help               this text

Plain http:// (queue URLs or endpoint) is refused unless the host is this machine
(127.0.0.0/8, localhost, [::1]).

Exit codes:
  0    done: every message received was replayed (or the DLQ was empty)
  1    some messages were replayed, but others failed (still in the DLQ) or the run
       stopped early on an error
  2    nothing was moved, the queues are as they were: bad arguments, plain http:// off
       this machine, queues that do not exist or do not belong together, or SQS failed
       (an error, or every send) before any message was sent
  130  interrupted (Ctrl-C), also while waiting for messages; 143 on SIGTERM. What was
       not replayed stays in the DLQ.
`;

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const STOPPED_BY: Record<ReplayResult['stoppedBy'], string> = {
  'empty': 'the DLQ has no more visible messages',
  'max': 'reached --max',
  'interrupted': 'interrupted',
  'all-seen': 'only messages already handled in this run are left',
  'failing': 'nothing could be sent in several batches in a row',
  'error': 'an error',
};

function describeProgress(progress: ReplayProgress, dryRun: boolean): string {
  switch (progress.kind) {
    case 'batch':
      return dryRun
        ? `batch ${progress.batch}: received ${progress.received} (dry run, total ${progress.totals.received})`
        : `batch ${progress.batch}: received ${progress.received}, replayed ${progress.replayed}, failed ${progress.failed} ` +
          `(total received ${progress.totals.received}, replayed ${progress.totals.replayed}, failed ${progress.totals.failed})`;
    case 'failure':
      return progress.failure.stage === 'send'
        ? `  not sent, stays in the DLQ: ${progress.failure.messageId} (${progress.failure.code}: ${progress.failure.message})`
        : '  sent but not deleted from the DLQ (a later replay sends it again; the worker ignores the duplicate): ' +
          `${progress.failure.messageId} (${progress.failure.code}: ${progress.failure.message})`;
    case 'released':
      return `  ${progress.count} message(s) made visible again in the DLQ`;
  }
}

/** The last line: "Done" only for exit 0, so a log never says done about a run that was not. */
function summary(result: ReplayResult, code: number): string {
  const left = result.left === undefined ? 'unknown' : String(result.left);
  if (result.dryRun) {
    const counts = `received ${result.received}, would replay ${result.received}, left in DLQ ${left}`;
    return code === EXIT_DONE ? `Dry run done (${STOPPED_BY[result.stoppedBy]}): ${counts}` : `Dry run stopped (${STOPPED_BY[result.stoppedBy]}): ${counts}`;
  }
  const counts = `received ${result.received}, replayed ${result.replayed}, failed ${result.failed}, left in DLQ ${left}`;
  if (result.stoppedBy === 'interrupted') return `Interrupted: ${counts}. Messages not replayed are still in the DLQ.`;
  if (code === EXIT_DONE) return `Done (${STOPPED_BY[result.stoppedBy]}): ${counts}`;
  if (code === EXIT_UNTOUCHED) return `Nothing replayed (${STOPPED_BY[result.stoppedBy]}): ${counts}`;
  return `Stopped with failures (${STOPPED_BY[result.stoppedBy]}): ${counts}`;
}

function describeError(error: unknown, where: string): string {
  const name = (error as Error).name;
  return (error as NodeJS.ErrnoException).code === 'ECONNREFUSED' || name === 'TimeoutError'
    ? `could not reach SQS${where}`
    : `${name}: ${(error as Error).message}`;
}

/** The signal that aborted `signal` (its reason), if it was aborted. */
function interruption(signal: AbortSignal | undefined): NodeJS.Signals | undefined {
  if (!signal?.aborted) return undefined;
  return signal.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT';
}

/**
 * `signal` stops the run; abort it with the signal's name ('SIGINT', 'SIGTERM') as the reason
 * to get that signal's exit code.
 */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv, io: CliIo, signal?: AbortSignal): Promise<number> {
  let config: Config | 'help';
  try {
    config = readConfig(argv, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(`Error: ${error.message}\n`);
      return EXIT_UNTOUCHED;
    }
    throw error;
  }
  if (config === 'help') {
    io.out(USAGE);
    return EXIT_DONE;
  }
  const options = config;

  const sqs = new SQSClient(clientConfig(options, env));
  const where = options.endpoint !== undefined ? ` via ${options.endpoint}` : '';
  try {
    const result = await replayDeadLetterQueue({
      sqs,
      dlqUrl: options.dlq.url,
      mainQueueUrl: options.main.url,
      dryRun: options.dryRun,
      max: options.max,
      force: options.force,
      waitTimeSeconds: options.waitSeconds,
      signal,
      onStart: ({ dlq, main }) => {
        if (main.deadLetterTargetArn !== dlq.arn) {
          io.err(`Warning (--force): the main queue's RedrivePolicy names ${main.deadLetterTargetArn ?? 'no DLQ'}, not ${dlq.arn}; replaying anyway.\n`);
        }
        io.out(`${options.dryRun ? 'Dry run: counting' : 'Replaying'}${options.stage !== undefined ? ` stage ${options.stage}:` : ''} ${options.dlq.queueName} -> ${options.main.queueName}${where}` +
          `${options.max !== undefined ? `, at most ${options.max} message(s)` : ''}\n`);
        if (options.dryRun) io.out('Nothing is sent or deleted; received messages are made visible again at the end.\n');
      },
      onProgress: (progress) => io.out(`${describeProgress(progress, options.dryRun)}\n`),
    });
    const code = exitCodeOf(result, interruption(signal));
    if (result.error !== undefined) {
      io.err(`Error: ${describeError(result.error, where)}. The run stopped here; messages not yet replayed stay in the DLQ.\n`);
    }
    io.out(`${summary(result, code)}\n`);
    return code;
  } catch (error) {
    // Thrown only before the first receive: nothing was touched.
    const interruptedBy = interruption(signal);
    if (error instanceof QueueNotFoundError || error instanceof QueueMismatchError) {
      io.err(`Error: ${error.message} Nothing was touched.\n`);
    } else {
      io.err(`Error: ${describeError(error, where)}. Nothing was touched.\n`);
    }
    return interruptedBy !== undefined ? interruptedExitCode(interruptedBy) : EXIT_UNTOUCHED;
  } finally {
    sqs.destroy();
  }
}

if (require.main === module) {
  // The SDK is bundled into this bin, so its "future versions need Node 22" notice concerns the
  // next release of this package, not the user: keep it out of the tool's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const controller = new AbortController();
  const interrupt = (signal: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      process.stderr.write(`Interrupted (${signal}): stopping after the send in progress (if any) and handing back what is held...\n`);
      controller.abort(signal);
    } else {
      // Held messages are not lost: they become visible again when their hold expires.
      process.stderr.write('Stopping now: messages taken from the DLQ become visible again within 30 s.\n');
      process.exit(interruptedExitCode(controller.signal.reason as NodeJS.Signals));
    }
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  runCli(process.argv.slice(2), process.env, {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  }, controller.signal).then((code) => process.exit(code), (error) => {
    process.stderr.write(`${(error as Error).stack ?? error}\n`);
    process.exit(controller.signal.aborted ? interruptedExitCode(controller.signal.reason as NodeJS.Signals) : EXIT_UNTOUCHED);
  });
}
