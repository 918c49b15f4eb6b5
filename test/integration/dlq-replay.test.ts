/**
 * The DLQ replay tool against the emulator: the replay logic with a
 * real SQS client (partial failures, dry run, --max, interruption: nothing lost), and the
 * bundled CLI's exit codes and messages. The tool's safety checks (queues that belong together,
 * plain HTTP, FIFO, Ctrl-C) have their own files: dlq-replay-cli.test.ts, dlq-replay-fifo.test.ts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SendMessageBatchCommandOutput, SendMessageBatchRequestEntry, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  committedWork, eventIdOf, FAILING_ORDER, GOOD_ORDER, postOrder, queueDepth, receiveAll, RunningWorkflow, runWorkflow,
  useEmulator, useSynthesizedStack, waitFor,
} from './support/harness';
import {
  assertCliBundleBuilt, bodiesOf, createQueuePair, fill, numbered, runReplayCli as cli, visibleCount,
} from './support/replay-dlq';
import { emulatorClientConfig } from '../../scripts/local/emulator/clients';
import { resetEmulator } from '../../scripts/local/emulator/moto-server';
import { replayDeadLetterQueue } from '../../tools/replay-dlq/replay';

jest.setTimeout(180_000);

const emulator = useEmulator();

describe('6. replay after a fix', () => {
  // Synthesized here, not for the whole file: the replay tool's tests below need no stack.
  const withFailureInjection = useSynthesizedStack();
  const withoutFailureInjection = useSynthesizedStack({ failureInjection: false });
  const runs: RunningWorkflow[] = [];
  afterEach(async () => {
    await Promise.all(runs.splice(0).map((run) => run.stop()));
  });

  test('FAIL-ME orders in the DLQ, failure injection turned off, replay -> DLQ empty, every order processed once', async () => {
    // 4 s: the worker gets 2 s per attempt, enough on a loaded 2-core CI machine to fail by FAIL-ME
    // rather than by a timeout (at 1 s its 0.5 s did not cover a cold worker process there).
    const first = await runWorkflow(emulator.endpoint(), withFailureInjection(), { visibilityTimeoutSeconds: 4 });
    runs.push(first);
    const outputs = first.local.outputs;
    const failing: string[] = [];
    for (let index = 0; index < 3; index++) failing.push((await postOrder(first.local.apiUrl, { ...FAILING_ORDER, orderId: `fail-${index}` })).body.eventId);
    const good = (await postOrder(first.local.apiUrl, GOOD_ORDER)).body.eventId;
    await waitFor('the three FAIL-ME orders in the DLQ', async () => (await queueDepth(first.sqs, outputs.DlqUrl)) === 3, 120_000);
    await waitFor('the main queue to be empty', async () => (await queueDepth(first.sqs, outputs.MainQueueUrl)) === 0);
    await first.stop();
    runs.splice(0);

    // The fix: the same stack with failureInjection: false, "deployed" over the same emulator state.
    // `template`: the runner's own default (on) would hide the fix the template carries.
    const second = await runWorkflow(emulator.endpoint(), withoutFailureInjection(), { visibilityTimeoutSeconds: 4, failureInjection: 'template' }, false);
    runs.push(second);
    // Same queues, bus and table; the API's port, the SQS proxy's port and the local IAM user are the run's own.
    expect(second.local.outputs).toEqual({
      ...outputs,
      ApiEndpoint: expect.any(String),
      SqsEndpoint: expect.any(String),
      LocalAccessKeyId: expect.any(String),
      LocalSecretAccessKey: expect.any(String),
      FailureInjection: false, // the second template has failure injection off
    });
    const result = await replayDeadLetterQueue({ sqs: second.sqs, dlqUrl: outputs.DlqUrl, mainQueueUrl: outputs.MainQueueUrl });
    expect(result).toMatchObject({ received: 3, replayed: 3, failed: 0, left: 0, failures: [] });

    for (const eventId of failing) {
      await waitFor(`${eventId} committed`, async () => committedWork(second.dynamodb, outputs, eventId));
    }
    await waitFor('the main queue to be empty', async () => (await queueDepth(second.sqs, outputs.MainQueueUrl)) === 0);
    expect(await queueDepth(second.sqs, outputs.DlqUrl)).toBe(0);
    const processed = [...first.logs, ...second.logs].filter((line) => line.source === 'worker' && line.json?.msg === 'order_processed')
      .map((line) => line.json!.eventId);
    expect(processed.sort()).toEqual([...failing, good].sort());
    // The replay sent each order once: one SQS message per order in the second run. With a 1 s
    // visibility timeout a slow machine may redeliver that message (then logged as a duplicate
    // of itself); a second message for the same order would be a doubled replay.
    const messagesPerOrder = new Map<string, Set<string>>();
    for (const record of second.batches.flatMap((batch) => batch.event.Records)) {
      const eventId = eventIdOf(record.body)!;
      messagesPerOrder.set(eventId, new Set([...messagesPerOrder.get(eventId) ?? [], record.messageId]));
    }
    expect([...messagesPerOrder.keys()].sort()).toEqual([...failing].sort());
    for (const messageIds of messagesPerOrder.values()) expect(messageIds.size).toBe(1);
    const replayedMessageIds = [...messagesPerOrder.values()].flatMap((messageIds) => [...messageIds]);
    for (const duplicate of second.logged('worker', 'duplicate')) expect(replayedMessageIds).toContain(duplicate.messageId);
  });
});

describe('the replay tool', () => {
  let sqs: SQSClient;
  beforeAll(() => {
    sqs = new SQSClient(emulatorClientConfig(emulator.endpoint()));
  });
  afterAll(() => sqs.destroy());
  beforeEach(() => resetEmulator(emulator.endpoint()));

  test('keeps bodies and message attributes; deletes from the DLQ only what was sent', async () => {
    const { dlq, main } = await createQueuePair(sqs, 'replay');
    const bodies = numbered('order', 23);
    await fill(sqs, dlq, bodies);
    const progress: string[] = [];
    const result = await replayDeadLetterQueue({ sqs, dlqUrl: dlq, mainQueueUrl: main, onProgress: (event) => progress.push(event.kind) });
    expect(result).toMatchObject({ received: 23, replayed: 23, failed: 0, left: 0, stoppedBy: 'empty' });
    expect(progress.filter((kind) => kind === 'batch')).toHaveLength(3); // 10 + 10 + 3
    const replayed = await receiveAll(sqs, main);
    expect(bodiesOf(replayed)).toEqual(bodies);
    for (const message of replayed) {
      expect(message.MessageAttributes).toEqual({
        traceparent: expect.objectContaining({ DataType: 'String', StringValue: '00-abc-def-01' }),
        attempt: expect.objectContaining({ DataType: 'Number', StringValue: '5' }),
        blob: expect.objectContaining({ DataType: 'Binary', BinaryValue: Uint8Array.from([1, 2, 3, 250]) }),
      });
    }
  });

  test('partial failure (SQS rejects oversized messages): those stay in the DLQ, visible, and are reported; nothing is lost', async () => {
    // The main queue takes at most 1 KiB per message: the two big ones cannot be replayed there.
    const { dlq, main } = await createQueuePair(sqs, 'replay', { mainAttributes: { MaximumMessageSize: '1024' } });
    const small = numbered('small', 8);
    const big = ['big-1', 'big-2'].map((name) => `${name}:${'x'.repeat(2_000)}`);
    await fill(sqs, dlq, [...small.slice(0, 4), big[0], ...small.slice(4), big[1]]);

    const failures: string[] = [];
    const result = await replayDeadLetterQueue({
      sqs,
      dlqUrl: dlq,
      mainQueueUrl: main,
      onProgress: (event) => event.kind === 'failure' && failures.push(`${event.failure.stage}:${event.failure.code}`),
    });
    expect(result).toMatchObject({ received: 10, replayed: 8, failed: 2, left: 2 });
    expect(failures).toEqual(['send:InvalidParameterValue', 'send:InvalidParameterValue']);
    expect(bodiesOf(await receiveAll(sqs, main))).toEqual(small);
    // Still in the DLQ and visible right away (handed back, not left to time out).
    expect(bodiesOf(await receiveAll(sqs, dlq))).toEqual([...big].sort());
  });

  test('partial failure reported per entry by SendMessageBatch: only the sent entries are deleted', async () => {
    const { dlq, main } = await createQueuePair(sqs, 'replay');
    const bodies = [...numbered('ok', 5), 'reject-me-1', 'reject-me-2'];
    await fill(sqs, dlq, bodies);
    // SQS answering some entries with Failed (as it does for throttling or internal errors): a
    // middleware takes them out of the request before it leaves and reports them failed.
    const flaky = new SQSClient(emulatorClientConfig(emulator.endpoint()));
    flaky.middlewareStack.add((next, context) => async (args) => {
      if (context.commandName !== 'SendMessageBatchCommand') return next(args);
      const input = args.input as { Entries: SendMessageBatchRequestEntry[] };
      const rejected = input.Entries.filter((entry) => entry.MessageBody!.startsWith('reject-me'));
      input.Entries = input.Entries.filter((entry) => !rejected.includes(entry));
      const result = await next(args);
      const output = result.output as SendMessageBatchCommandOutput;
      output.Failed = [...output.Failed ?? [], ...rejected.map((entry) => ({ Id: entry.Id!, SenderFault: false, Code: 'InternalError', Message: 'try again' }))];
      return result;
    }, { step: 'initialize', name: 'rejectSomeEntries' });

    const result = await replayDeadLetterQueue({ sqs: flaky, dlqUrl: dlq, mainQueueUrl: main });
    flaky.destroy();
    expect(result).toMatchObject({ received: 7, replayed: 5, failed: 2, left: 2 });
    expect(result.failures.map((failure) => [failure.stage, failure.code])).toEqual([['send', 'InternalError'], ['send', 'InternalError']]);
    expect(bodiesOf(await receiveAll(sqs, main))).toEqual(numbered('ok', 5));
    expect(bodiesOf(await receiveAll(sqs, dlq))).toEqual(['reject-me-1', 'reject-me-2']);
  });

  test('--dry-run counts and changes nothing; --max bounds the replay; an interrupted run loses nothing', async () => {
    const { dlq, main } = await createQueuePair(sqs, 'replay');
    const bodies = numbered('m', 25);
    await fill(sqs, dlq, bodies);

    const dry = await replayDeadLetterQueue({ sqs, dlqUrl: dlq, mainQueueUrl: main, dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, received: 25, replayed: 0, failed: 0, left: 25 });
    expect(await queueDepth(sqs, main)).toBe(0);
    expect(await visibleCount(sqs, dlq)).toBe(25);

    const bounded = await replayDeadLetterQueue({ sqs, dlqUrl: dlq, mainQueueUrl: main, max: 12 });
    expect(bounded).toMatchObject({ received: 12, replayed: 12, left: 13, stoppedBy: 'max' });

    // Interrupted after the first batch (Ctrl-C in the CLI): that batch is done, the rest untouched.
    const controller = new AbortController();
    const interrupted = await replayDeadLetterQueue({
      sqs,
      dlqUrl: dlq,
      mainQueueUrl: main,
      signal: controller.signal,
      onProgress: (event) => event.kind === 'batch' && controller.abort(),
    });
    expect(interrupted).toMatchObject({ received: 10, replayed: 10, left: 3, stoppedBy: 'interrupted' });
    expect(await visibleCount(sqs, dlq)).toBe(3);
    const everywhere = [...await receiveAll(sqs, main), ...await receiveAll(sqs, dlq)];
    expect(bodiesOf(everywhere)).toEqual(bodies);
  });

  describe('the bundled CLI (orders-workflow-replay-dlq)', () => {
    beforeAll(assertCliBundleBuilt);

    test('exit 2 with a clear message for a missing, malformed or non-existent queue URL, and nothing touched', async () => {
      const { dlq, main } = await createQueuePair(sqs, 'replay');
      await fill(sqs, dlq, ['untouched']);
      const endpoint = emulator.endpoint();

      const missing = cli(['--endpoint', endpoint, '--main-queue-url', main]);
      expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('The DLQ URL is missing: pass --dlq-url or DLQ_URL') });

      const malformed = cli(['--dlq-url', 'orders-dlq', '--main-queue-url', main, '--endpoint', endpoint]);
      expect(malformed.code).toBe(2);
      expect(malformed.stderr).toContain('The DLQ URL "orders-dlq" cannot be used: it is not a URL');

      const badPath = cli([], { DLQ_URL: `${endpoint}/orders-dlq`, MAIN_QUEUE_URL: main, AWS_ENDPOINT_URL: endpoint });
      expect(badPath.code).toBe(2);
      expect(badPath.stderr).toContain('its path is not /<account-id>/<queue-name>');

      const absent = cli(['--dlq-url', dlq, '--main-queue-url', `${endpoint}/123456789012/no-such-queue`, '--endpoint', endpoint]);
      expect(absent.code).toBe(2);
      expect(absent.stderr).toContain(`The main queue ${endpoint}/123456789012/no-such-queue does not exist`);

      const same = cli(['--dlq-url', dlq, '--main-queue-url', dlq, '--endpoint', endpoint]);
      expect(same).toMatchObject({ code: 2, stderr: expect.stringContaining('same URL') });

      for (const [flag, value] of [['--max', '0'], ['--wait-seconds', '21'], ['--wait-seconds', '']]) {
        const outOfRange = cli(['--dlq-url', dlq, '--main-queue-url', main, '--endpoint', endpoint, flag, value]);
        expect(outOfRange).toMatchObject({ code: 2, stderr: expect.stringContaining(`${flag} must be a whole number`) });
      }

      const help = cli(['--help']);
      expect(help.code).toBe(0);
      for (const text of ['Usage: orders-workflow-replay-dlq', '--force', '--wait-seconds <0-20>', 'dlq-replay:<its id in the DLQ>', '130  interrupted']) {
        expect(help.stdout).toContain(text);
      }
      expect(await visibleCount(sqs, dlq)).toBe(1);
    });

    test('progress and final counts; exit 1 when some messages failed, 0 when all were replayed (env or outputs file)', async () => {
      const { dlq, main } = await createQueuePair(sqs, 'replay', { mainAttributes: { MaximumMessageSize: '1024' } });
      await fill(sqs, dlq, [...numbered('small', 3), `big:${'x'.repeat(2_000)}`]);
      const env = { DLQ_URL: dlq, MAIN_QUEUE_URL: main, AWS_ENDPOINT_URL: emulator.endpoint() };

      const dryRun = cli(['--dry-run'], env);
      expect(dryRun.code).toBe(0);
      expect(dryRun.stdout).toContain('Dry run done (the DLQ has no more visible messages): received 4, would replay 4, left in DLQ 4');

      const partial = cli([], env);
      expect(partial.code).toBe(1);
      expect(partial.stdout).toMatch(/batch 1: received 4, replayed 3, failed 1/);
      expect(partial.stdout).toContain('not sent, stays in the DLQ');
      expect(partial.stdout).toContain('Stopped with failures (the DLQ has no more visible messages): received 4, replayed 3, failed 1, left in DLQ 1');
      expect(partial.stdout).not.toContain('Done');

      // The big one, once the main queue accepts it (as after a fix), from an outputs file.
      await sqs.send(new SetQueueAttributesCommand({ QueueUrl: main, Attributes: { MaximumMessageSize: '262144' } }));
      const outputsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'replay-')), 'outputs.json');
      fs.writeFileSync(outputsFile, JSON.stringify({
        OrdersStack: { DlqUrl: dlq, MainQueueUrl: main, EmulatorEndpoint: emulator.endpoint() },
      }));
      const done = cli(['--outputs-file', outputsFile]);
      expect(done.code).toBe(0);
      expect(done.stdout).toContain('Done (the DLQ has no more visible messages): received 1, replayed 1, failed 0, left in DLQ 0');
      fs.rmSync(path.dirname(outputsFile), { recursive: true, force: true });
    });
  });
});
