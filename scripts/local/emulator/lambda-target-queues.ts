/**
 * Stand-in queues for rules' Lambda targets: moto cannot invoke a function (it would need
 * Docker), so the target is pointed at a queue of the runner's, with the rule's own
 * Input/InputPath/InputTransformer; events/lambda-targets.ts invokes the local function with
 * what arrives there.
 */
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';

/** A Lambda target, delivered through its stand-in queue. */
export interface LambdaRuleTarget {
  readonly ruleName: string;
  readonly targetId: string;
  readonly functionLogicalId: string;
  readonly queueUrl: string;
  readonly queueArn: string;
}

/** The stand-in queue of one target (reused on a kept emulator). Its visibility timeout outlasts an invocation. */
export async function createStandInQueue(
  sqs: SQSClient, target: Omit<LambdaRuleTarget, 'queueUrl' | 'queueArn'>, functionTimeoutSeconds: number,
): Promise<LambdaRuleTarget> {
  const name = `local-target-${target.ruleName}-${target.targetId}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 80);
  const queueUrl = (await sqs.send(new CreateQueueCommand({
    QueueName: name, Attributes: { VisibilityTimeout: String(functionTimeoutSeconds + 5) },
  }))).QueueUrl!;
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  return { ...target, queueUrl, queueArn };
}
