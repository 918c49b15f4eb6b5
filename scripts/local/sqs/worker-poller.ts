/**
 * The SQS event source mapping, locally: pollers receive batches from the queue (batch size
 * and batching window from the template), invoke the function with a real-shaped SQSEvent,
 * delete what succeeded and leave what failed. Failed messages are not touched: they become
 * visible again when their visibility timeout expires, and SQS moves them to the DLQ on the
 * receive after `maxReceiveCount`, exactly as in AWS.
 */
import { DeleteMessageBatchCommand, Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { batchVerdict, toSqsEvent } from './sqs-event';
import { InvokeOutcome, LocalFunction, Reservation } from '../lambda/local-function';

export interface WorkerBatchReport {
  readonly requestId: string;
  /** The function invoked (the worker's, or a stage worker's). */
  readonly functionName: string;
  /** The event the function was invoked with. */
  readonly event: SQSEvent;
  /** `ok`, or how the invocation failed (`error`: the handler threw). */
  readonly outcome: 'ok' | Extract<InvokeOutcome, { ok: false }>['kind'];
  readonly failedMessageIds: readonly string[];
  readonly deletedMessageIds: readonly string[];
  readonly wholeBatchReason?: string;
  readonly durationMs: number;
  /** Epoch ms of the ReceiveMessage that brought the batch's first message (a poller's receive only). */
  readonly receivedAt?: number;
  /** Epoch ms the invocation started, as the function process saw it. */
  readonly startedAt: number;
  /** Epoch ms of the invocation's deadline (its claims' IN_PROGRESS expiry), if the invoke reached the function. */
  readonly deadline?: number;
}

export interface WorkerPollerOptions {
  /** How the poller's log lines name the worker. @default 'worker' */
  readonly label?: string;
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly queueName: string;
  readonly region: string;
  readonly function: LocalFunction;
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  readonly reportBatchItemFailures: boolean;
  /** Parallel pollers, each with at most one invocation in flight. */
  readonly concurrency: number;
  /** From the queue's redrive policy, to say when a failing message is about to move to the DLQ. */
  readonly maxReceiveCount?: number;
  readonly log: (message: string) => void;
  readonly onBatch?: (report: WorkerBatchReport) => void;
}

/** Short long-polls keep stop() prompt; with messages waiting, a receive returns at once anyway. */
const WAIT_TIME_SECONDS = 1;
const RECEIVE_RETRY_DELAY_MS = 1_000;
const SQS_BATCH_LIMIT = 10;

export class WorkerPoller {
  private running = false;
  private readonly abort = new AbortController();
  private loops: Array<Promise<void>> = [];
  /**
   * One ReceiveMessage at a time across the pollers: moto's receive is not atomic, and two
   * concurrent receives can both take the same visible message (real SQS does not do that
   * within a visibility timeout). Receives are quick, so the pollers still overlap on the
   * invocations, which is where the time goes.
   */
  private receiving: Promise<unknown> = Promise.resolve();
  private lastReceiveError?: { message: string; at: number };

  constructor(private readonly options: WorkerPollerOptions) {}

  private get label(): string {
    return this.options.label ?? 'worker';
  }

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loops = Array.from({ length: this.options.concurrency }, () => this.pollLoop());
  }

  /** Stops receiving; in-flight invocations finish (or fail when the function is stopped). */
  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    await Promise.all(this.loops);
    this.loops = [];
  }

  /**
   * One delivery of `messages` (received by the caller with their receipt handles): invoke,
   * then delete the successes. The pollers use it; tests use it to deliver a message twice.
   */
  async deliver(messages: readonly Message[], receivedAt?: number, reservation?: Reservation): Promise<WorkerBatchReport> {
    const { options } = this;
    const event = toSqsEvent(messages, options.queueArn, options.region);
    const outcome = await (reservation ? reservation.invoke(event) : options.function.invoke(event));
    const ids = messages.map((message) => message.MessageId!);
    const verdict = batchVerdict(ids, {
      ok: outcome.ok,
      value: outcome.ok ? outcome.value : undefined,
      reason: outcome.ok ? undefined : `${outcome.kind}: ${outcome.error.errorType}: ${outcome.error.errorMessage}`,
    }, options.reportBatchItemFailures);

    const succeeded = messages.filter((message) => !verdict.failed.has(message.MessageId!));
    const deleted = await this.deleteMessages(succeeded);
    if (verdict.failed.size > 0) this.logFailures(messages, verdict.failed, verdict.wholeBatchReason);

    const report: WorkerBatchReport = {
      requestId: outcome.requestId,
      functionName: options.function.options.functionName,
      event,
      outcome: outcome.ok ? 'ok' : outcome.kind,
      failedMessageIds: [...verdict.failed],
      deletedMessageIds: deleted,
      wholeBatchReason: verdict.wholeBatchReason,
      durationMs: outcome.durationMs,
      receivedAt,
      startedAt: outcome.startedAt,
      deadline: outcome.deadline,
    };
    options.onBatch?.(report);
    return report;
  }

  private async pollLoop(): Promise<void> {
    // After an init failure, instances start only for received messages again (as in AWS),
    // rather than one failing start per idle receive.
    let warmFirst = true;
    while (this.running) {
      // An initialised instance first, then the messages: see LocalFunction.reserve.
      let reservation: Reservation | undefined = warmFirst ? await this.options.function.reserve() : undefined;
      if (reservation && !reservation.initialised) {
        reservation.release();
        reservation = undefined;
        warmFirst = false;
      }
      let batch: { messages: Message[]; receivedAt: number };
      try {
        batch = await this.receiveBatch();
      } catch (error) {
        reservation?.release();
        if (!this.running) return;
        this.logReceiveError(error as Error);
        await sleep(RECEIVE_RETRY_DELAY_MS);
        continue;
      }
      if (batch.messages.length === 0) {
        reservation?.release();
        continue;
      }
      const report = await this.deliver(batch.messages, batch.receivedAt, reservation);
      warmFirst = report.outcome !== 'init';
    }
  }

  /** Up to batchSize messages; with a batching window, keeps gathering until it is full or the window closes. */
  private async receiveBatch(): Promise<{ messages: Message[]; receivedAt: number }> {
    const { batchSize, maxBatchingWindowSeconds } = this.options;
    const messages = await this.receive(Math.min(batchSize, SQS_BATCH_LIMIT), WAIT_TIME_SECONDS);
    // The first message's visibility timeout started with this receive.
    const receivedAt = Date.now();
    if (maxBatchingWindowSeconds <= 0 || messages.length === 0) return { messages, receivedAt };
    const closesAt = Date.now() + maxBatchingWindowSeconds * 1000;
    while (this.running && messages.length < batchSize && Date.now() < closesAt) {
      const wait = Math.max(0, Math.min(WAIT_TIME_SECONDS, Math.floor((closesAt - Date.now()) / 1000)));
      messages.push(...await this.receive(Math.min(batchSize - messages.length, SQS_BATCH_LIMIT), wait));
    }
    return { messages, receivedAt };
  }

  private receive(maxMessages: number, waitTimeSeconds: number): Promise<Message[]> {
    const turn = this.receiving.then(() => this.receiveNow(maxMessages, waitTimeSeconds));
    this.receiving = turn.catch(() => undefined);
    return turn;
  }

  private async receiveNow(maxMessages: number, waitTimeSeconds: number): Promise<Message[]> {
    const output = await this.options.sqs.send(new ReceiveMessageCommand({
      QueueUrl: this.options.queueUrl,
      MaxNumberOfMessages: maxMessages,
      WaitTimeSeconds: waitTimeSeconds,
      // What Lambda's pollers ask for: every system attribute (ApproximateReceiveCount, SentTimestamp, ...)
      // and every message attribute.
      AttributeNames: ['All'],
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }), { abortSignal: this.abort.signal });
    return output.Messages ?? [];
  }

  /** Once per distinct error and at most every 10 s: an emulator that went away is one line, not five per second. */
  private logReceiveError(error: Error): void {
    const message = `${error.name}: ${error.message}`;
    const now = Date.now();
    if (this.lastReceiveError?.message === message && now - this.lastReceiveError.at < 10_000) return;
    this.lastReceiveError = { message, at: now };
    this.options.log(`${this.label} poller: ReceiveMessage on ${this.options.queueName} failed (${message}); retrying every second`);
  }

  private async deleteMessages(messages: readonly Message[]): Promise<string[]> {
    const deleted: string[] = [];
    for (let start = 0; start < messages.length; start += SQS_BATCH_LIMIT) {
      const chunk = messages.slice(start, start + SQS_BATCH_LIMIT);
      try {
        const output = await this.options.sqs.send(new DeleteMessageBatchCommand({
          QueueUrl: this.options.queueUrl,
          Entries: chunk.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })),
        }));
        for (const entry of output.Successful ?? []) deleted.push(chunk[Number(entry.Id)].MessageId!);
        for (const entry of output.Failed ?? []) {
          this.options.log(`${this.label} poller: could not delete ${chunk[Number(entry.Id)].MessageId} (${entry.Code}: ${entry.Message}); it will be delivered again`);
        }
      } catch (error) {
        this.options.log(`${this.label} poller: DeleteMessageBatch failed (${(error as Error).message}); ${chunk.length} message(s) will be delivered again`);
      }
    }
    return deleted;
  }

  private logFailures(messages: readonly Message[], failed: ReadonlySet<string>, wholeBatchReason?: string): void {
    const { maxReceiveCount, queueName } = this.options;
    const details = messages.filter((message) => failed.has(message.MessageId!)).map((message) => {
      const receives = Number(message.Attributes?.ApproximateReceiveCount ?? 0);
      const last = maxReceiveCount !== undefined && receives >= maxReceiveCount ? ', moves to the DLQ on its next receive' : '';
      return `${message.MessageId} (receive ${receives}${maxReceiveCount !== undefined ? `/${maxReceiveCount}` : ''}${last})`;
    });
    const why = wholeBatchReason ? `whole batch failed: ${wholeBatchReason}` : 'reported in batchItemFailures';
    this.options.log(`${this.label}: ${failed.size} of ${messages.length} message(s) left on ${queueName} for retry after the visibility timeout ` +
      `(${why}): ${details.join(', ')}`);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
