import { Annotations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeNagFindings } from '../nag-acknowledgements';
import { ResolvedProps } from '../resolved-props';

export interface OrderQueuesProps {
  readonly settings: ResolvedProps;
  readonly encryptionKey?: kms.IKey;
}

/** The main queue and its dead-letter queue: encrypted at rest, TLS-only, redrive after N receives. */
export class OrderQueues extends Construct {
  public readonly mainQueue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: OrderQueuesProps) {
    super(scope, id);
    const { settings, encryptionKey } = props;
    const encryption: Pick<sqs.QueueProps, 'encryption' | 'encryptionMasterKey'> = encryptionKey
      ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: encryptionKey }
      : { encryption: sqs.QueueEncryption.SQS_MANAGED };
    if (encryptionKey) {
      allowEventBridgeToUse(this, encryptionKey);
    }

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      queueName: settings.namePrefix && `${settings.namePrefix}-dlq`,
      retentionPeriod: settings.deadLetterRetentionPeriod,
      enforceSSL: true,
      ...encryption,
    });
    acknowledgeNagFindings(this.deadLetterQueue, [{
      id: 'Serverless-SQSRedrivePolicy',
      reason: 'This is the dead-letter queue: its messages are inspected and replayed by an operator, not redriven again.',
    }]);

    this.mainQueue = new sqs.Queue(this, 'MainQueue', {
      queueName: settings.namePrefix && `${settings.namePrefix}-main-queue`,
      visibilityTimeout: settings.visibilityTimeout,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: settings.maxReceiveCount },
      enforceSSL: true,
      ...encryption,
    });
  }
}

/**
 * EventBridge encrypts what it sends to a KMS-encrypted queue with the queue's key, so the key
 * policy must let events.amazonaws.com use it. Without this nothing errors: orders vanish.
 */
function allowEventBridgeToUse(scope: Construct, key: kms.IKey): void {
  const { statementAdded } = key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowEventBridgeToEncryptOrders',
    principals: [new iam.ServicePrincipal('events.amazonaws.com')],
    actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
    resources: ['*'],
  }));
  if (!statementAdded) {
    Annotations.of(scope).addWarningV2('cdk-orders-workflow:imported-queue-key',
      'queueEncryptionKey is imported, so its key policy cannot be changed here. Add a statement allowing ' +
      'events.amazonaws.com kms:GenerateDataKey and kms:Decrypt, or EventBridge cannot deliver orders to the queue.');
  }
}
