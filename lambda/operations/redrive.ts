/**
 * `POST /ops/redrive` and `GET /ops/redrive`: SQS's own message move task from the dead-letter
 * queue back to the main queue (StartMessageMoveTask, ListMessageMoveTasks). SQS moves the
 * messages (oldest first, bodies and attributes kept, receive count reset); this function only
 * starts the task and reports on it.
 */
import { ListMessageMoveTasksCommand, ListMessageMoveTasksResultEntry, SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import type { QueuePair } from './config';
import { queueCounts } from './queue-depths';

/** A task that blocks another one on the same source queue ("one active task per queue"). */
const ACTIVE_STATUSES = new Set(['RUNNING', 'CANCELLING']);

/** The contract's view of a move task. */
export interface MoveTaskView {
  /** Only while the task runs (SQS hands it out for cancelling a running task). */
  readonly taskHandle?: string;
  readonly status: string;
  readonly sourceArn?: string;
  readonly destinationArn?: string;
  readonly approximateNumberOfMessagesMoved: number;
  readonly approximateNumberOfMessagesToMove?: number;
  readonly maxNumberOfMessagesPerSecond?: number;
  /** ISO 8601. */
  readonly startedAt?: string;
  readonly failureReason?: string;
}

export type RedriveStart =
  | { readonly kind: 'started'; readonly taskHandle: string; readonly approximateNumberOfMessagesToMove: number }
  /** Nothing visible in the DLQ: no task is started (an empty task would only clutter the list). */
  | { readonly kind: 'empty' }
  | { readonly kind: 'running'; readonly task: MoveTaskView };

export async function latestMoveTask(sqs: SQSClient, deadLetterQueueArn: string): Promise<MoveTaskView | undefined> {
  const tasks = await moveTasks(sqs, deadLetterQueueArn);
  return tasks[0] && view(tasks[0]);
}

/** Moves `pair`'s dead-letter queue back to its queue: the order resumes at that pair's step. */
export async function startRedrive(sqs: SQSClient, pair: QueuePair, messagesPerSecond?: number): Promise<RedriveStart> {
  const running = await activeTask(sqs, pair.deadLetterQueueArn);
  if (running) return { kind: 'running', task: running };
  const { visible } = await queueCounts(sqs, pair.deadLetterQueueUrl);
  if (visible === 0) return { kind: 'empty' };
  try {
    const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({
      SourceArn: pair.deadLetterQueueArn,
      DestinationArn: pair.queueArn,
      ...(messagesPerSecond !== undefined ? { MaxNumberOfMessagesPerSecond: messagesPerSecond } : {}),
    }));
    return { kind: 'started', taskHandle: TaskHandle!, approximateNumberOfMessagesToMove: visible };
  } catch (error) {
    // Two operators at once: both saw no task, SQS let one start. The other is a 409 too.
    const started = await activeTask(sqs, pair.deadLetterQueueArn);
    if (started) return { kind: 'running', task: started };
    throw error;
  }
}

async function activeTask(sqs: SQSClient, deadLetterQueueArn: string): Promise<MoveTaskView | undefined> {
  const active = (await moveTasks(sqs, deadLetterQueueArn)).find((task) => ACTIVE_STATUSES.has(task.Status ?? ''));
  return active && view(active);
}

/** The source queue's recent tasks (SQS keeps up to 10, 14 days), newest first. */
async function moveTasks(sqs: SQSClient, deadLetterQueueArn: string): Promise<ListMessageMoveTasksResultEntry[]> {
  const { Results = [] } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: deadLetterQueueArn, MaxResults: 10 }));
  return [...Results].sort((a, b) => (b.StartedTimestamp ?? 0) - (a.StartedTimestamp ?? 0));
}

function view(task: ListMessageMoveTasksResultEntry): MoveTaskView {
  return {
    ...(task.TaskHandle ? { taskHandle: task.TaskHandle } : {}),
    status: task.Status ?? 'UNKNOWN',
    ...(task.SourceArn ? { sourceArn: task.SourceArn } : {}),
    ...(task.DestinationArn ? { destinationArn: task.DestinationArn } : {}),
    approximateNumberOfMessagesMoved: task.ApproximateNumberOfMessagesMoved ?? 0,
    ...(task.ApproximateNumberOfMessagesToMove !== undefined ? { approximateNumberOfMessagesToMove: task.ApproximateNumberOfMessagesToMove } : {}),
    ...(task.MaxNumberOfMessagesPerSecond !== undefined ? { maxNumberOfMessagesPerSecond: task.MaxNumberOfMessagesPerSecond } : {}),
    ...(task.StartedTimestamp !== undefined ? { startedAt: new Date(task.StartedTimestamp).toISOString() } : {}),
    ...(task.FailureReason ? { failureReason: task.FailureReason } : {}),
  };
}
