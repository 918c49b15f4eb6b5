/**
 * A stack with a multi-stage pipeline built by hand, as the construct's `addStage` will build it
 * (the stages' contract): an OrdersWorkflow whose worker is step `main`, and per stage a queue, a
 * DLQ, a rule on the workflow's bus for the previous step's completed event, and a worker (the
 * built-in worker bundle with the STEP_* environment) fed by an SqsEventSource; with a
 * compensation, the same again for OrderCompensationRequested of that step. The local runner
 * reads it like any synthesized app.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { OrdersWorkflow } from '../../../src';
import { handlerAssetDir } from '../../../src/handler-function';

export const STAGED_STACK_NAME = 'StagesLocal';
export const STAGED_NAME_PREFIX = 'stages';
export const STAGED_EVENT_SOURCE = 'stages.orders';
/** What step `main` publishes when it completes. */
export const MAIN_COMPLETED_EVENT = 'OrderValidated';
export const STAGE_MAX_RECEIVE_COUNT = 3;

export interface StageSpec {
  readonly name: string;
  readonly completedEvent: string;
  readonly compensation?: boolean;
  /** The event source mapping's settings (SqsEventSource's defaults otherwise). */
  readonly batchSize?: number;
  readonly maxBatchingWindowSeconds?: number;
  readonly maxConcurrency?: number;
  readonly timeoutSeconds?: number;
}

/** The physical names of a stage's parts. */
export function stageNames(stage: string) {
  return {
    queue: `${STAGED_NAME_PREFIX}-${stage}-queue`,
    deadLetterQueue: `${STAGED_NAME_PREFIX}-${stage}-dlq`,
    worker: `${STAGED_NAME_PREFIX}-${stage}-worker`,
    compensationQueue: `${STAGED_NAME_PREFIX}-${stage}-compensation-queue`,
    compensationDeadLetterQueue: `${STAGED_NAME_PREFIX}-${stage}-compensation-dlq`,
    compensationWorker: `${STAGED_NAME_PREFIX}-${stage}-compensation`,
  };
}

/**
 * Synthesizes the app into `outdir`. The stages are declared last first, so that the template's
 * order is not the steps' order.
 */
export function synthesizeStagedApp(outdir: string, stages: readonly StageSpec[]): void {
  const app = new App({ outdir });
  const stack = new Stack(app, STAGED_STACK_NAME);
  const orders = new OrdersWorkflow(stack, 'Orders', { namePrefix: STAGED_NAME_PREFIX, eventSource: STAGED_EVENT_SOURCE });
  const stepNames = JSON.stringify(['main', ...stages.map((stage) => stage.name)]);
  const compensated = JSON.stringify(stages.filter((stage) => stage.compensation).map((stage) => stage.name));
  const stepEnvironment = {
    STEP_NAMES: stepNames,
    STEP_COMPENSATED: compensated,
    STEP_EVENT_BUS_NAME: orders.eventBus.eventBusName,
  };

  for (const [name, value] of Object.entries({ ...stepEnvironment, STEP_NAME: 'main', STEP_COMPLETED_EVENT: MAIN_COMPLETED_EVENT })) {
    orders.workerFunction.addEnvironment(name, value);
  }
  orders.eventBus.grantPutEventsTo(orders.workerFunction);

  const worker = (id: string, spec: StageSpec, functionName: string, queueName: string, dlqName: string, detail: events.EventPattern,
    environment: Record<string, string>) => {
    const deadLetterQueue = new sqs.Queue(stack, `${id}Dlq`, { queueName: dlqName });
    const queue = new sqs.Queue(stack, `${id}Queue`, {
      queueName,
      visibilityTimeout: Duration.seconds(6 * (spec.timeoutSeconds ?? 30)),
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: STAGE_MAX_RECEIVE_COUNT },
    });
    new events.Rule(stack, `${id}Rule`, {
      eventBus: orders.eventBus,
      eventPattern: { source: [STAGED_EVENT_SOURCE], ...detail },
      targets: [new targets.SqsQueue(queue, { deadLetterQueue })],
    });
    const fn = new lambda.Function(stack, `${id}Worker`, {
      functionName,
      runtime: lambda.Runtime.NODEJS_22_X,
      code: lambda.Code.fromAsset(handlerAssetDir('worker'), { exclude: ['*.meta.json'] }),
      handler: 'index.handler',
      timeout: Duration.seconds(spec.timeoutSeconds ?? 30),
      environment: {
        IDEMPOTENCY_TABLE_NAME: orders.idempotencyTable.tableName,
        ORDERS_TABLE_NAME: orders.ordersTable.tableName,
        MAX_RECEIVE_COUNT: String(STAGE_MAX_RECEIVE_COUNT),
        EVENT_SOURCE: STAGED_EVENT_SOURCE,
        FAILURE_INJECTION_ENABLED: 'false',
        POWERTOOLS_SERVICE_NAME: 'orders-worker',
        POWERTOOLS_METRICS_NAMESPACE: `OrdersWorkflow/${STAGED_NAME_PREFIX}`,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...stepEnvironment,
        ...environment,
      },
    });
    orders.idempotencyTable.grantReadWriteData(fn);
    orders.ordersTable.grantReadWriteData(fn);
    orders.eventBus.grantPutEventsTo(fn);
    fn.addEventSource(new SqsEventSource(queue, {
      batchSize: spec.batchSize,
      maxBatchingWindow: spec.maxBatchingWindowSeconds !== undefined ? Duration.seconds(spec.maxBatchingWindowSeconds) : undefined,
      maxConcurrency: spec.maxConcurrency,
      reportBatchItemFailures: true,
    }));
  };

  const previousEvent = (index: number) => (index === 0 ? MAIN_COMPLETED_EVENT : stages[index - 1].completedEvent);
  for (const [index, stage] of [...stages.entries()].reverse()) {
    const names = stageNames(stage.name);
    const id = stage.name.charAt(0).toUpperCase() + stage.name.slice(1);
    if (stage.compensation) {
      worker(`${id}Compensation`, stage, names.compensationWorker, names.compensationQueue, names.compensationDeadLetterQueue,
        { detailType: ['OrderCompensationRequested'], detail: { step: [stage.name] } },
        { STEP_NAME: stage.name, STEP_MODE: 'compensate' });
    }
    worker(id, stage, names.worker, names.queue, names.deadLetterQueue, { detailType: [previousEvent(index)] },
      { STEP_NAME: stage.name, STEP_COMPLETED_EVENT: stage.completedEvent });
  }
  app.synth();
}
