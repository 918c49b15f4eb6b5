import { Lazy, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { grantMessageMoveTask } from './move-task-permissions';
import { operationsAuthorization, operationsMethodOptions } from './operations-method-options';
import { OrdersApiAccess } from '../auth/orders-api-access';
import { HandlerFunction } from '../handler-function';
import { acknowledgeNagFindings, METRIC_READS_NEED_WILDCARD } from '../nag-acknowledgements';
import { ResolvedProps } from '../resolved-props';

export interface OrderOperationsProps {
  readonly settings: ResolvedProps;
  readonly api: apigateway.RestApi;
  readonly access: OrdersApiAccess;
  readonly mainQueue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  readonly queueEncryptionKey?: kms.IKey;
}

/**
 * `GET /ops/queues`, `POST /ops/redrive` and `GET /ops/redrive` -> the operations function:
 * queue depths, and SQS's native message move task from the dead-letter queue back to the main
 * queue. Its role is the only one that may redrive.
 */
export class OrderOperations extends Construct {
  public readonly function: lambda.Function;
  public readonly logGroup: logs.LogGroup;
  /** The three ops methods: `grantOperations` grants execute-api:Invoke on exactly these. */
  public readonly methods: apigateway.Method[];
  private readonly stagePairs: Array<{ name: string; queue: sqs.IQueue; deadLetterQueue: sqs.IQueue }> = [];
  private readonly encryptionKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: OrderOperationsProps) {
    super(scope, id);
    const { settings, access, mainQueue, deadLetterQueue } = props;
    const operatorsGroup = access.mode === 'cognito' ? settings.authorization._cognito?.operatorsGroup : undefined;
    const handler = new HandlerFunction(this, 'Handler', {
      handler: 'operations',
      description: 'Answers GET /ops/queues and POST/GET /ops/redrive (DLQ depth and native redrive) for operators',
      timeout: settings.apiTimeout,
      settings,
      environment: {
        MAIN_QUEUE_URL: mainQueue.queueUrl,
        MAIN_QUEUE_ARN: mainQueue.queueArn,
        DEAD_LETTER_QUEUE_URL: deadLetterQueue.queueUrl,
        DEAD_LETTER_QUEUE_ARN: deadLetterQueue.queueArn,
        OPERATIONS_AUTHORIZATION: operationsAuthorization(access),
        ...(operatorsGroup !== undefined ? { OPERATORS_GROUP: operatorsGroup } : {}),
        ...(settings.redriveMessagesPerSecond !== undefined ? { REDRIVE_MESSAGES_PER_SECOND: String(settings.redriveMessagesPerSecond) } : {}),
        CORS_ALLOW_ORIGINS: settings.corsAllowOrigins.join(','),
      },
    });
    this.function = handler.function;
    this.logGroup = handler.logGroup;
    this.encryptionKey = props.queueEncryptionKey;
    grantMessageMoveTask(this.function, { deadLetterQueue, mainQueue, encryptionKey: props.queueEncryptionKey });
    // oldestAgeSeconds: SQS has no attribute for it, CloudWatch's ApproximateAgeOfOldestMessage is it.
    this.function.addToRolePolicy(new iam.PolicyStatement({
      sid: 'ReadQueueAgeMetrics',
      actions: ['cloudwatch:GetMetricData'],
      resources: ['*'],
    }));
    acknowledgeNagFindings(this.function.role!.node.findChild('DefaultPolicy'), [METRIC_READS_NEED_WILDCARD]);

    const integration = new apigateway.LambdaIntegration(this.function);
    const options = operationsMethodOptions(access);
    const ops = props.api.root.addResource('ops');
    const redrive = ops.addResource('redrive');
    this.methods = [
      ops.addResource('queues').addMethod('GET', integration, options),
      redrive.addMethod('POST', integration, options),
      redrive.addMethod('GET', integration, options),
    ];
  }

  /**
   * A stage's queue pair (or its compensation's): listed by `GET /ops/queues`, redriven by
   * `POST /ops/redrive` with `{ "stage": name }`. The pairs reach the function as `STAGE_QUEUES`.
   */
  public addQueuePair(name: string, queue: sqs.IQueue, deadLetterQueue: sqs.IQueue): void {
    if (this.stagePairs.length === 0) {
      this.function.addEnvironment('STAGE_QUEUES', Lazy.string({
        produce: () => Stack.of(this).toJsonString(this.stagePairs.map((pair) => ({
          name: pair.name,
          queueUrl: pair.queue.queueUrl,
          queueArn: pair.queue.queueArn,
          deadLetterQueueUrl: pair.deadLetterQueue.queueUrl,
          deadLetterQueueArn: pair.deadLetterQueue.queueArn,
        }))),
      }));
    }
    this.stagePairs.push({ name, queue, deadLetterQueue });
    // The pair's position, not its name: a stage id may hold characters a statement id may not.
    grantMessageMoveTask(this.function, { deadLetterQueue, mainQueue: queue, encryptionKey: this.encryptionKey, sidSuffix: `Stage${this.stagePairs.length}` });
  }

  /** execute-api:Invoke on the three ops methods of the API's stage, nothing else. */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: this.methods.map((method) => method.methodArn),
    });
  }
}
