import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';

export interface MoveTaskQueues {
  /** The move task's source: the dead-letter queue. */
  readonly deadLetterQueue: sqs.IQueue;
  /** The move task's destination: the main queue. */
  readonly mainQueue: sqs.IQueue;
  /** The customer-managed key of both queues, if they use one (SSE-SQS needs no KMS permission). */
  readonly encryptionKey?: kms.IKey;
  /** Appended to the statement ids, for a stage's pair (the main pair's have none). */
  readonly sidSuffix?: string;
}

/**
 * The SQS message move task's permissions exactly as the SQS Developer Guide lists them for a
 * dead-letter queue redrive (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-dead-letter-queue-redrive.html):
 * on the source queue StartMessageMoveTask, ListMessageMoveTasks (its progress), ReceiveMessage,
 * DeleteMessage and GetQueueAttributes; on the destination SendMessage. GetQueueAttributes on
 * the main queue serves `GET /ops/queues`. With a customer key: kms:Decrypt to read the source,
 * kms:GenerateDataKey to write the destination. SQS runs the task with the caller's permissions,
 * so these belong on the role that starts it; nothing here allows CancelMessageMoveTask, purge or
 * changing either queue.
 */
export function grantMessageMoveTask(grantee: iam.IGrantable, queues: MoveTaskQueues): void {
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: `RedriveFromDeadLetterQueue${queues.sidSuffix ?? ''}`,
    actions: ['sqs:StartMessageMoveTask', 'sqs:ListMessageMoveTasks', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
    resources: [queues.deadLetterQueue.queueArn],
  }));
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: `RedriveToMainQueue${queues.sidSuffix ?? ''}`,
    actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes'],
    resources: [queues.mainQueue.queueArn],
  }));
  if (queues.encryptionKey && queues.sidSuffix === undefined) {
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'RedriveEncryptedMessages',
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: [queues.encryptionKey.keyArn],
    }));
  }
}
