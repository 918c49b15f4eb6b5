/**
 * EventBridge rules whose target is a Lambda function of the stack (a subscriber of the
 * workflow's events, say). moto would invoke its own Lambda (Docker); instead provisioning
 * points the target at a queue the runner owns (emulator/lambda-target-queues.ts), moto
 * delivers the event there, and this invokes the function's local instances with it,
 * as EventBridge invokes a Lambda target asynchronously: the event is the payload, a failed
 * invocation is retried twice (Lambda's default for asynchronous invocations), then dropped.
 */
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { LambdaRuleTarget } from '../emulator/lambda-target-queues';
import type { LocalFunction } from '../lambda/local-function';

/** Lambda's asynchronous invocation: the first attempt and two retries (MaximumRetryAttempts 2). */
const ATTEMPTS = 3;
/** Lambda waits a minute, then two, between retries; locally a second, so a subscriber's failure shows at once. */
const RETRY_DELAY_SECONDS = 1;

/** Polls the stand-in queue and invokes the function with each event; returns the stop function. */
export function deliverToFunction(
  sqs: SQSClient, target: LambdaRuleTarget, fn: LocalFunction, log: (message: string) => void,
): () => Promise<void> {
  let stopped = false;
  const label = `rule ${target.ruleName} -> ${fn.options.functionName}`;
  const deliver = async (body: string, receiptHandle: string, receiveCount: number) => {
    const outcome = await fn.invoke(JSON.parse(body));
    if (outcome.ok) {
      await sqs.send(new DeleteMessageCommand({ QueueUrl: target.queueUrl, ReceiptHandle: receiptHandle }));
      return;
    }
    const reason = `${outcome.kind}: ${outcome.error.errorType}: ${outcome.error.errorMessage}`;
    if (receiveCount >= ATTEMPTS) {
      log(`${label}: attempt ${receiveCount} of ${ATTEMPTS} failed (${reason}); the event is dropped, as Lambda drops it after its retries`);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: target.queueUrl, ReceiptHandle: receiptHandle }));
    } else {
      log(`${label}: attempt ${receiveCount} of ${ATTEMPTS} failed (${reason}); retried in ${RETRY_DELAY_SECONDS} s`);
      await sqs.send(new ChangeMessageVisibilityCommand({
        QueueUrl: target.queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: RETRY_DELAY_SECONDS,
      }));
    }
  };
  const loop = (async () => {
    while (!stopped) {
      try {
        const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({
          QueueUrl: target.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }));
        await Promise.all(Messages.map((message) =>
          deliver(message.Body ?? 'null', message.ReceiptHandle!, Number(message.Attributes?.ApproximateReceiveCount ?? 1))));
      } catch (error) {
        if (stopped) break;
        log(`${label}: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}
