/**
 * Says when the dead-letter queue's depth changes. SQS moves a message there silently (on a
 * receive, after maxReceiveCount), so without this the terminal would never show it arrive.
 */
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';

const INTERVAL_MS = 1_000;

export function watchQueueDepth(sqs: SQSClient, queueUrl: string, queueName: string, log: (message: string) => void): () => Promise<void> {
  let last = 0;
  let running = true;
  let inFlight: Promise<void> = Promise.resolve();
  const check = async () => {
    try {
      const { Attributes } = await sqs.send(new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }));
      // In flight counts too: a message someone is reading (a replay dry run) is still in the queue.
      const depth = Number(Attributes?.ApproximateNumberOfMessages ?? 0) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
      if (running && depth !== last) {
        log(`${queueName} now holds ${depth} message(s)${depth > last ? ` (+${depth - last})` : ''}`);
        last = depth;
      }
    } catch {
      // The emulator is stopping, or busy: the next check will tell.
    }
  };
  const timer = setInterval(() => {
    inFlight = check();
  }, INTERVAL_MS);
  timer.unref();
  return async () => {
    running = false;
    clearInterval(timer);
    await inFlight;
  };
}
