import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { ValidatedStep } from './validate-stage';
import { createStepAlarms, StepAlarms, StepAlarmWording } from '../observability/step-alarms';
import { applyOrderRetention } from '../orders/order-retention';
import { OrdersTable } from '../orders/orders-table';
import { OrderQueues } from '../queues/order-queues';
import { queueRule, ruleMetricDimensions } from '../routing/queue-rule';
import { OrderWorker } from '../worker/order-worker';

/** What a step shares with the workflow. */
export interface StepWorkflowParts {
  readonly eventBus: events.IEventBus;
  /** See `OrderRouting.keyPolicyBusName`. */
  readonly keyPolicyBusName: string;
  readonly queueEncryptionKey?: kms.IKey;
  readonly ordersTable: OrdersTable;
  /** The workflow's (the main worker's): every step's worker shares it. */
  readonly idempotencyTable: dynamodb.Table;
  readonly alarmActions: cloudwatch.IAlarmAction[];
}

export interface OrderStepProps {
  readonly step: ValidatedStep;
  readonly workflow: StepWorkflowParts;
  /** What the step's rule matches on the workflow's bus. */
  readonly eventPattern: events.EventPattern;
  readonly ruleDescription: string;
  /** Names the rule in the queue and key policies' statement ids; unique in the workflow. */
  readonly ruleLabel: string;
  readonly workerDescription: string;
  /** How the alarms name and describe the step. */
  readonly wording: Omit<StepAlarmWording, 'namePart' | 'queueNamePart' | 'recordsFailedMetricName'>;
}

/** One step's resources. */
export interface OrderStepResources {
  readonly queues: OrderQueues;
  readonly rule: events.Rule;
  readonly worker: OrderWorker;
  readonly alarms: StepAlarms;
}

/**
 * Builds one step of a stage in `scope`: its queue pair (the main pair's defaults and checks),
 * the rule from the workflow's bus to its queue (with its DLQ, and its own statement on a
 * customer-managed queue key), its worker (the shared idempotency and orders tables), and the
 * main step's alarms, with the workflow's alarm actions.
 */
export function buildStep(scope: Construct, props: OrderStepProps): OrderStepResources {
  const { step, workflow } = props;
  const { settings, names } = step;

  const queues = new OrderQueues(scope, 'Queues', {
    settings,
    encryptionKey: workflow.queueEncryptionKey,
    names: { queue: names.queue, deadLetterQueue: names.deadLetterQueue },
  });

  const rule = queueRule(scope, 'Rule', {
    ruleName: names.ruleName,
    description: props.ruleDescription,
    eventPattern: props.eventPattern,
    eventBus: workflow.eventBus,
    keyPolicyBusName: workflow.keyPolicyBusName,
    queue: queues.mainQueue,
    deadLetterQueue: queues.deadLetterQueue,
    queueEncryptionKey: workflow.queueEncryptionKey,
    ruleLabel: props.ruleLabel,
  });

  const worker = new OrderWorker(scope, 'Worker', {
    settings,
    queue: queues.mainQueue,
    ordersTable: workflow.ordersTable,
    processor: step.processor,
    eventBus: workflow.eventBus,
    idempotencyTable: workflow.idempotencyTable,
    name: names.functionName,
    description: props.workerDescription,
  });
  applyOrderRetention(settings, [worker.function]);

  const alarms = createStepAlarms(new Construct(scope, 'Alarms'), {
    settings,
    wording: { ...props.wording, namePart: `${names.key}-`, queueNamePart: 'queue', recordsFailedMetricName: `RecordsFailed-${names.key}` },
    ruleMetricDimensions: ruleMetricDimensions(workflow.eventBus, names.ruleName),
    queue: queues.mainQueue,
    deadLetterQueue: queues.deadLetterQueue,
    workerFunction: worker.function,
    workerLogGroup: worker.logGroup,
  });
  if (workflow.alarmActions.length > 0) {
    for (const alarm of alarms.all) alarm.addAlarmAction(...workflow.alarmActions);
  }
  return { queues, rule, worker, alarms };
}
