/**
 * SQS's message move task (dead-letter queue redrive), which moto 5.2 does not implement:
 * `StartMessageMoveTask`, `ListMessageMoveTasks` and `CancelMessageMoveTask`, emulated for the
 * local run by a small HTTP proxy in front of moto. It answers those three actions the way SQS
 * does (JSON protocol, `X-Amz-Target: AmazonSQS.<Action>`, the same request, response and error
 * shapes) and forwards every other request to moto unchanged, so the functions (through
 * `AWS_ENDPOINT_URL_SQS`), tests and tools (the `SqsEndpoint` output) use the SDK's own commands.
 *
 * As in SQS: one active task per source queue (a second start is `UnsupportedOperation`); the
 * source must be a dead-letter queue of another queue and a standard queue; the destination
 * defaults to the source queue's origin; `ApproximateNumberOfMessagesToMove` is the source's
 * visible count when the task starts; messages move oldest-first as moto hands them out, body
 * and message attributes kept (a new message, so its receive count starts again), at most
 * `MaxNumberOfMessagesPerSecond` per second; RUNNING -> COMPLETED (or CANCELLING -> CANCELLED,
 * or FAILED with a reason); `ListMessageMoveTasks` lists the last 10 tasks of a source, newest
 * first, with a `TaskHandle` only while a task runs. Everything runs on 127.0.0.1.
 */
import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, request as httpRequest, Server, ServerResponse } from 'node:http';
import { buffer } from 'node:stream/consumers';
import {
  DeleteMessageBatchCommand, GetQueueAttributesCommand, GetQueueUrlCommand, ListDeadLetterSourceQueuesCommand,
  ReceiveMessageCommand, SendMessageBatchCommand, SQSClient,
} from '@aws-sdk/client-sqs';
import { emulatorClientConfig } from '../emulator/clients';

/** SQS's own default is "system optimized"; locally a bound keeps a big redrive from starving the worker's receives on moto. */
export const LOCAL_DEFAULT_MESSAGES_PER_SECOND = 50;
/** SQS keeps the 10 most recent tasks of a source queue. */
const TASKS_KEPT = 10;
/** How long moved-but-not-yet-deleted messages stay hidden in the source (a crashed runner lets them reappear). */
const MOVE_VISIBILITY_SECONDS = 30;
const TARGET_PREFIX = 'AmazonSQS.';
/** SQS's legacy query-protocol codes where they differ from the error's name (the SQS API model's awsQueryError). */
const QUERY_ERROR_CODES: Record<string, string> = { UnsupportedOperation: 'AWS.SimpleQueueService.UnsupportedOperation' };

type Status = 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED';

interface MoveTask {
  readonly taskHandle: string;
  readonly sourceArn: string;
  readonly destinationArn?: string;
  readonly maxNumberOfMessagesPerSecond?: number;
  readonly startedTimestamp: number;
  readonly approximateNumberOfMessagesToMove: number;
  status: Status;
  moved: number;
  failureReason?: string;
}

/** An error SQS would answer with: HTTP 400 and its error code. */
class SqsError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export interface MessageMoveTaskProxyOptions {
  /** moto's endpoint: everything but the three move-task actions goes there unchanged. */
  readonly upstream: string;
  /** Rate when a start names none. @default LOCAL_DEFAULT_MESSAGES_PER_SECOND */
  readonly defaultMessagesPerSecond?: number;
  readonly log?: (message: string) => void;
}

export interface MessageMoveTaskProxy {
  /** `http://127.0.0.1:<port>`: an SQS endpoint with the move task (and, forwarded, moto's every other API). */
  readonly url: string;
  /** Resolves when no task is running (for an orderly stop). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export async function startMessageMoveTaskProxy(options: MessageMoveTaskProxyOptions): Promise<MessageMoveTaskProxy> {
  const tasks = new MessageMoveTasks(new SQSClient(emulatorClientConfig(options.upstream)), options);
  const server: Server = createServer((incoming, outgoing) => {
    void handle(incoming, outgoing, options.upstream, tasks).catch(() => outgoing.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    idle: () => tasks.idle(),
    close: async () => {
      await tasks.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function handle(incoming: IncomingMessage, outgoing: ServerResponse, upstream: string, tasks: MessageMoveTasks): Promise<void> {
  const body = await buffer(incoming);
  const target = String(incoming.headers['x-amz-target'] ?? '');
  const action = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined;
  const emulated = action === 'StartMessageMoveTask' || action === 'ListMessageMoveTasks' || action === 'CancelMessageMoveTask';
  if (!emulated) {
    forward(incoming, outgoing, body, upstream);
    return;
  }
  try {
    const input = body.length > 0 ? JSON.parse(body.toString('utf8')) as Record<string, unknown> : {};
    const output = action === 'StartMessageMoveTask' ? await tasks.start(input)
      : action === 'ListMessageMoveTasks' ? await tasks.list(input)
        : tasks.cancel(input);
    answer(outgoing, 200, output);
  } catch (error) {
    const sqsError = error instanceof SqsError ? error : new SqsError('InternalError', (error as Error).message);
    const status = sqsError.code === 'InternalError' ? 500 : sqsError.code === 'ResourceNotFoundException' ? 404 : 400;
    answer(outgoing, status, { __type: `com.amazonaws.sqs#${sqsError.code}`, message: sqsError.message }, {
      // SQS's JSON protocol also sends the legacy (query) code, which the SDK prefers as the error's name.
      'x-amzn-query-error': `${QUERY_ERROR_CODES[sqsError.code] ?? sqsError.code};${status >= 500 ? 'Receiver' : 'Sender'}`,
    });
  }
}

class MessageMoveTasks {
  /** By source queue ARN, newest first. */
  private readonly bySource = new Map<string, MoveTask[]>();
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly sqs: SQSClient, private readonly options: MessageMoveTaskProxyOptions) {}

  async start(input: Record<string, unknown>): Promise<{ TaskHandle: string }> {
    const sourceArn = requiredArn(input.SourceArn, 'SourceArn');
    const destinationArn = input.DestinationArn === undefined ? undefined : requiredArn(input.DestinationArn, 'DestinationArn');
    const rate = input.MaxNumberOfMessagesPerSecond;
    if (rate !== undefined && !(Number.isInteger(rate) && (rate as number) >= 1 && (rate as number) <= 500)) {
      throw new SqsError('InvalidParameterValue', 'Value for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: must be between 1 and 500.');
    }
    const sourceUrl = await this.queueUrl(sourceArn);
    if (sourceArn.endsWith('.fifo')) throw new SqsError('UnsupportedOperation', 'Source queue must be a standard queue: FIFO queues do not support message move tasks here.');
    const { queueUrls = [] } = await this.sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: sourceUrl }))
      .then((result) => ({ queueUrls: result.queueUrls }));
    if (queueUrls.length === 0) throw new SqsError('UnsupportedOperation', 'Source queue must be configured as a Dead Letter Queue.');
    if (destinationArn === undefined && queueUrls.length > 1) {
      // SQS sends each message back to its own origin; moto does not record it, so name one.
      throw new SqsError('UnsupportedOperation', 'This dead-letter queue has several source queues: the local emulation needs a DestinationArn.');
    }
    const destinationUrl = destinationArn !== undefined ? await this.queueUrl(destinationArn) : queueUrls[0];
    const { Attributes = {} } = await this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: sourceUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
    // Checked and claimed with no await in between: of two concurrent starts, exactly one wins.
    if (this.active(sourceArn)) {
      throw new SqsError('UnsupportedOperation', 'There is already a task running. Only one active task is allowed for a source queue arn at a given time.');
    }
    const task: MoveTask = {
      taskHandle: Buffer.from(JSON.stringify({ taskId: randomUUID(), sourceArn })).toString('base64'),
      sourceArn,
      destinationArn,
      maxNumberOfMessagesPerSecond: rate as number | undefined,
      startedTimestamp: Date.now(),
      approximateNumberOfMessagesToMove: Number(Attributes.ApproximateNumberOfMessages ?? 0),
      status: 'RUNNING',
      moved: 0,
    };
    const list = [task, ...(this.bySource.get(sourceArn) ?? [])].slice(0, TASKS_KEPT);
    this.bySource.set(sourceArn, list);
    this.options.log?.(`message move task started: ${task.approximateNumberOfMessagesToMove} message(s) from ${arnName(sourceArn)} to ` +
      `${destinationArn !== undefined ? arnName(destinationArn) : destinationUrl} (emulated by the runner; moto has no move task)`);
    const run = this.move(task, sourceUrl, destinationUrl).finally(() => this.running.delete(run));
    this.running.add(run);
    return { TaskHandle: task.taskHandle };
  }

  async list(input: Record<string, unknown>): Promise<{ Results: Array<Record<string, unknown>> }> {
    const sourceArn = requiredArn(input.SourceArn, 'SourceArn');
    const max = input.MaxResults ?? 1;
    if (!(Number.isInteger(max) && (max as number) >= 1 && (max as number) <= TASKS_KEPT)) {
      throw new SqsError('InvalidParameterValue', `Value for parameter MaxResults is invalid. Reason: must be between 1 and ${TASKS_KEPT}.`);
    }
    await this.queueUrl(sourceArn);
    const tasks = (this.bySource.get(sourceArn) ?? []).slice(0, max as number);
    return { Results: tasks.map(entry) };
  }

  cancel(input: Record<string, unknown>): { ApproximateNumberOfMessagesMoved: number } {
    const taskHandle = typeof input.TaskHandle === 'string' ? input.TaskHandle : '';
    const task = [...this.bySource.values()].flat().find((candidate) => candidate.taskHandle === taskHandle);
    if (!task || task.status !== 'RUNNING') throw new SqsError('ResourceNotFoundException', 'Task does not exist or is not running.');
    task.status = 'CANCELLING';
    return { ApproximateNumberOfMessagesMoved: task.moved };
  }

  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
    this.sqs.destroy();
  }

  private active(sourceArn: string): MoveTask | undefined {
    return (this.bySource.get(sourceArn) ?? []).find((task) => task.status === 'RUNNING' || task.status === 'CANCELLING');
  }

  /** Receive from the source, send to the destination, delete from the source: in batches, at the task's rate. */
  private async move(task: MoveTask, sourceUrl: string, destinationUrl: string): Promise<void> {
    const rate = task.maxNumberOfMessagesPerSecond ?? this.options.defaultMessagesPerSecond ?? LOCAL_DEFAULT_MESSAGES_PER_SECOND;
    try {
      while (task.status === 'RUNNING' && !this.stopped && task.moved < task.approximateNumberOfMessagesToMove) {
        const batchStarted = Date.now();
        const wanted = Math.min(10, rate, task.approximateNumberOfMessagesToMove - task.moved);
        const { Messages = [] } = await this.sqs.send(new ReceiveMessageCommand({
          QueueUrl: sourceUrl,
          MaxNumberOfMessages: wanted,
          VisibilityTimeout: MOVE_VISIBILITY_SECONDS,
          MessageAttributeNames: ['All'],
        }));
        if (Messages.length === 0) break; // the source ran dry (someone else took them): done
        const sent = await this.sqs.send(new SendMessageBatchCommand({
          QueueUrl: destinationUrl,
          Entries: Messages.map((message, index) => ({
            Id: String(index),
            MessageBody: message.Body ?? '',
            ...(Object.keys(message.MessageAttributes ?? {}).length > 0 ? { MessageAttributes: message.MessageAttributes } : {}),
          })),
        }));
        const movedIndexes = (sent.Successful ?? []).map((result) => Number(result.Id));
        if (movedIndexes.length > 0) {
          await this.sqs.send(new DeleteMessageBatchCommand({
            QueueUrl: sourceUrl,
            Entries: movedIndexes.map((index) => ({ Id: String(index), ReceiptHandle: Messages[index].ReceiptHandle! })),
          }));
        }
        task.moved += movedIndexes.length;
        if (sent.Failed && sent.Failed.length > 0) {
          throw new Error(`SendMessageBatch to the destination failed: ${sent.Failed.map((failure) => failure.Message ?? failure.Code).join('; ')}`);
        }
        // At most `rate` messages per second: a batch of n takes at least n / rate seconds.
        await sleep(Math.max(0, (Messages.length / rate) * 1000 - (Date.now() - batchStarted)));
      }
      task.status = task.status === 'CANCELLING' ? 'CANCELLED' : 'COMPLETED';
    } catch (error) {
      task.status = 'FAILED';
      task.failureReason = (error as Error).message;
    }
    this.options.log?.(`message move task ${task.status.toLowerCase()}: ${task.moved} of ${task.approximateNumberOfMessagesToMove} message(s) ` +
      `moved from ${arnName(task.sourceArn)}${task.failureReason ? ` (${task.failureReason})` : ''}`);
  }

  /** The queue's URL in moto, or SQS's error for a queue that does not exist. */
  private async queueUrl(arn: string): Promise<string> {
    const [, , , , account, name] = arn.split(':');
    try {
      const { QueueUrl } = await this.sqs.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }));
      return QueueUrl!;
    } catch {
      throw new SqsError('ResourceNotFoundException', `The resource that you specified for the SourceArn or DestinationArn parameter doesn't exist: ${arn}`);
    }
  }
}

/** A ListMessageMoveTasks result entry, as SQS shapes it. */
function entry(task: MoveTask): Record<string, unknown> {
  return {
    ...(task.status === 'RUNNING' ? { TaskHandle: task.taskHandle } : {}),
    Status: task.status,
    SourceArn: task.sourceArn,
    ...(task.destinationArn !== undefined ? { DestinationArn: task.destinationArn } : {}),
    ...(task.maxNumberOfMessagesPerSecond !== undefined ? { MaxNumberOfMessagesPerSecond: task.maxNumberOfMessagesPerSecond } : {}),
    ApproximateNumberOfMessagesMoved: task.moved,
    ApproximateNumberOfMessagesToMove: task.approximateNumberOfMessagesToMove,
    ...(task.failureReason !== undefined ? { FailureReason: task.failureReason } : {}),
    StartedTimestamp: task.startedTimestamp,
  };
}

function requiredArn(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw new SqsError('MissingParameter', `The request must contain the parameter ${name}.`);
  if (!/^arn:[^:]+:sqs:[^:]*:\d{12}:[\w-]{1,80}(\.fifo)?$/.test(value)) {
    throw new SqsError('InvalidParameterValue', `Value ${value} for parameter ${name} is invalid. Reason: not a queue ARN.`);
  }
  return value;
}

function arnName(arn: string): string {
  return arn.slice(arn.lastIndexOf(':') + 1);
}

function answer(outgoing: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  outgoing.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.0', 'x-amzn-RequestId': randomUUID(), ...headers });
  outgoing.end(JSON.stringify(body));
}

/** Everything else: to moto as it came (the Host header too, so queue URLs name this proxy), and moto's answer back. */
function forward(incoming: IncomingMessage, outgoing: ServerResponse, body: Buffer, upstream: string): void {
  const request = httpRequest(new URL(incoming.url ?? '/', upstream), { method: incoming.method, headers: incoming.headers }, (answered) => {
    outgoing.writeHead(answered.statusCode ?? 502, answered.headers);
    answered.pipe(outgoing);
  });
  request.on('error', () => outgoing.destroy());
  request.end(body);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
