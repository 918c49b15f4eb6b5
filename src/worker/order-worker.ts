import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { HandlerFunction } from '../handler-function';
import { grantIdempotencyRecords, idempotencyStoreTable } from '../idempotency-store';
import { acknowledgeNagFindings } from '../nag-acknowledgements';
import { ORDER_RETENTION_ENV } from '../orders/order-retention';
import { OrdersTable } from '../orders/orders-table';
import { OrderProcessor } from '../processing/order-processor';
import { ResolvedProps } from '../resolved-props';
import { STEP_ENVIRONMENT } from '../stages/step-contract';

export interface OrderWorkerProps {
  readonly settings: ResolvedProps;
  readonly queue: sqs.IQueue;
  /** Where the worker records each order's PROCESSED, REJECTED or FAILED status. */
  readonly ordersTable: OrdersTable;
  /** The business step; the built-in one by default. */
  readonly processor: OrderProcessor;
  /** The bus the outcome events go to (the workflow's). */
  readonly eventBus: events.IEventBus;
  /**
   * The idempotency table to use: a stage's worker shares the workflow's.
   *
   * @default - a new table (construct id `IdempotencyTable`), the main worker's
   */
  readonly idempotencyTable?: dynamodb.Table;
  /**
   * The function's name after the workflow's prefix (`<functionNamePrefix>-<name>`).
   *
   * @default 'worker'
   */
  readonly name?: string;
  /**
   * The function's description.
   *
   * @default - the main worker's
   */
  readonly description?: string;
}

/**
 * Environment variables of the worker runtime: a processor's `environment` may not set them.
 * Including the optional ones (OUTCOME_EVENT_BUS_NAME, ORDER_RETENTION_SECONDS): unset by the
 * construct, a processor's value would still reach the runtime and change what it does.
 */
export const WORKER_RUNTIME_ENVIRONMENT = [
  'IDEMPOTENCY_TABLE_NAME', 'IDEMPOTENCY_EXPIRY_SECONDS', 'FAILURE_INJECTION_ENABLED', 'ORDERS_TABLE_NAME', 'MAX_RECEIVE_COUNT',
  'OUTCOME_EVENT_BUS_NAME', 'EVENT_SOURCE', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_LOG_LEVEL',
  ORDER_RETENTION_ENV,
  // Set on every step's worker once the workflow has a stage.
  ...Object.values(STEP_ENVIRONMENT),
];

/**
 * The worker function (the processor inside the runtime), its SQS event source and its
 * idempotency table (its own for the main worker; the workflow's for a stage's).
 */
export class OrderWorker extends Construct {
  public readonly function: lambda.Function;
  public readonly logGroup: logs.LogGroup;
  public readonly idempotencyTable: dynamodb.Table;
  private outcomeEventsOn = false;
  private stepsOn = false;
  private readonly busesPublishedTo = new Set<events.IEventBus>();

  constructor(scope: Construct, id: string, props: OrderWorkerProps) {
    super(scope, id);
    const { settings } = props;

    this.idempotencyTable = props.idempotencyTable ?? idempotencyStoreTable(this, 'IdempotencyTable', settings, 'idempotency');

    const handler = new HandlerFunction(this, 'Handler', {
      handler: 'worker',
      name: props.name,
      description: props.description ?? 'Processes OrderCreated events from SQS, exactly once per eventId',
      timeout: settings.workerTimeout,
      settings,
      processor: { config: props.processor.bind(), options: props.processor.options },
      environment: {
        IDEMPOTENCY_TABLE_NAME: this.idempotencyTable.tableName,
        IDEMPOTENCY_EXPIRY_SECONDS: String(settings.idempotencyExpiry.toSeconds()),
        FAILURE_INJECTION_ENABLED: String(settings.failureInjection),
        ORDERS_TABLE_NAME: props.ordersTable.table.tableName,
        // The receive on which a failing record goes to the DLQ: the worker marks its order FAILED then.
        MAX_RECEIVE_COUNT: String(settings.maxReceiveCount),
        EVENT_SOURCE: settings.eventSource,
      },
    });
    this.function = handler.function;
    this.logGroup = handler.logGroup;

    grantIdempotencyRecords(this.idempotencyTable, this.function);
    props.ordersTable.grantOrderStatusWrites(this.function);
    if (settings.outcomeEvents) this.enableOutcomeEvents(props.eventBus);

    const eventSource = new SqsEventSource(props.queue, {
      batchSize: settings.batchSize,
      maxBatchingWindow: settings.maxBatchingWindow,
      maxConcurrency: settings.workerMaxConcurrency,
      // Only the records that failed go back to the queue; the rest of the batch is done.
      reportBatchItemFailures: true,
    });
    this.function.addEventSource(eventSource);
    const mapping = this.function.node.children.find((c) => c instanceof lambda.EventSourceMapping)!;
    acknowledgeNagFindings(mapping, [{
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason: 'Records that keep failing are moved by the main queue\'s redrive policy to the dead-letter queue after ' +
        'maxReceiveCount receives, with their body and attributes intact for replay; an on-failure destination would ' +
        'only receive invocation metadata.',
    }]);
  }

  /** Whether the worker publishes outcome events (`enableOutcomeEvents()` was called, or `outcomeEvents: true`). */
  public get outcomeEventsEnabled(): boolean {
    return this.outcomeEventsOn;
  }

  /** Turns outcome publication on (once): the worker gets the bus's name and `events:PutEvents` on it alone. */
  public enableOutcomeEvents(eventBus: events.IEventBus): void {
    if (this.outcomeEventsOn) return;
    this.outcomeEventsOn = true;
    this.function.addEnvironment('OUTCOME_EVENT_BUS_NAME', eventBus.eventBusName);
    this.grantPutEvents(eventBus);
  }

  /**
   * Makes the worker one step of a multi-step workflow (once): its STEP_* variables, and
   * `events:PutEvents` on the bus its step events go to.
   */
  public enableSteps(eventBus: events.IEventBus, environment: Record<string, string>): void {
    if (this.stepsOn) return;
    this.stepsOn = true;
    for (const [name, value] of Object.entries(environment)) this.function.addEnvironment(name, value);
    this.grantPutEvents(eventBus);
  }

  /** One PutEvents statement per bus, however many reasons the worker has to publish there. */
  private grantPutEvents(eventBus: events.IEventBus): void {
    if (this.busesPublishedTo.has(eventBus)) return;
    this.busesPublishedTo.add(eventBus);
    eventBus.grantPutEventsTo(this.function);
  }
}
