import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeNagFindings } from '../nag-acknowledgements';
import { ResolvedProps } from '../resolved-props';

export interface OrderQueuesProps {
  readonly settings: ResolvedProps;
  readonly encryptionKey?: kms.IKey;
  /**
   * With `namePrefix`, the queues' names after it: `<namePrefix>-<queue>` and `<namePrefix>-<deadLetterQueue>`.
   *
   * @default - the main pair's: `main-queue` and `dlq`
   */
  readonly names?: OrderQueueNames;
}

/** The names of a queue pair after the workflow's `namePrefix`. */
export interface OrderQueueNames {
  readonly queue: string;
  readonly deadLetterQueue: string;
}

const MAIN_PAIR_NAMES: OrderQueueNames = { queue: 'main-queue', deadLetterQueue: 'dlq' };

/**
 * The main queue and its dead-letter queue (or a stage's pair): encrypted at rest, TLS-only,
 * redrive after N receives. Who may send to them (the rule only) is decided where the rule is,
 * in routing/.
 */
export class OrderQueues extends Construct {
  public readonly mainQueue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: OrderQueuesProps) {
    super(scope, id);
    const { settings, encryptionKey } = props;
    const names = props.names ?? MAIN_PAIR_NAMES;
    const common: sqs.QueueProps = {
      enforceSSL: true,
      ...(encryptionKey
        ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: encryptionKey }
        : { encryption: sqs.QueueEncryption.SQS_MANAGED }),
    };

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      ...common,
      // Parked orders exist nowhere else until replayed: data, retained by default.
      removalPolicy: settings.dataRemovalPolicy,
      queueName: settings.namePrefix && `${settings.namePrefix}-${names.deadLetterQueue}`,
      retentionPeriod: settings.deadLetterRetentionPeriod,
    });
    acknowledgeNagFindings(this.deadLetterQueue, [{
      id: 'Serverless-SQSRedrivePolicy',
      reason: 'This is the dead-letter queue: its messages are inspected and replayed by an operator, not redriven again.',
    }]);

    this.mainQueue = new sqs.Queue(this, 'MainQueue', {
      ...common,
      // Its messages are retried or parked in the DLQ within the retention period anyway.
      removalPolicy: settings.transientRemovalPolicy,
      queueName: settings.namePrefix && `${settings.namePrefix}-${names.queue}`,
      retentionPeriod: settings.retentionPeriod,
      visibilityTimeout: settings.visibilityTimeout,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: settings.maxReceiveCount },
    });
  }
}
