import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { OrderStageProps } from './order-stage-props';
import { buildStep } from './order-step';
import { StageContext, StageRuleFactory, StageStep } from './stage-context';
import { ORDER_COMPENSATION_REQUESTED_DETAIL_TYPE } from '../event-contract';
import { allowLogsToUseKey } from '../protection/log-encryption-key';

/**
 * One stage of an `OrdersWorkflow`, added with `addStage()`: a processor that runs after the
 * previous step (the workflow's own processor, step `main`, or the stage added before) has
 * completed the order.
 *
 * The previous step's completed event -> this stage's rule -> its queue (and dead-letter queue)
 * -> its worker (the same worker runtime, sharing the workflow's idempotency and orders tables)
 * -> `completedEvent` on the workflow's bus. With a `compensation`, a second queue pair and
 * worker undo the stage when a later step refuses the order.
 */
export class OrderStage extends Construct {
  /** @internal */
  public static _create(scope: Construct, id: string, props: OrderStageProps, context: StageContext): OrderStage {
    return new OrderStage(scope, id, props, context);
  }

  /** The stage's id: its step name in events (`detail.step`), order records and the workers' STEP_NAMES. */
  public readonly stageName: string;
  /** The detail type the stage publishes on the workflow's bus when it completes an order. */
  public readonly completedEvent: string;
  /** Routes the previous step's completed event (from the workflow's source) to the stage's queue. */
  public readonly rule: events.Rule;
  /** Holds the orders until the stage's worker has processed them. */
  public readonly queue: sqs.Queue;
  /** Where an order lands after `maxReceiveCount` failed receives in the stage (or an undeliverable event). */
  public readonly deadLetterQueue: sqs.Queue;
  /** Runs the stage's processor on batches from its queue. Grant it what the processor needs. */
  public readonly workerFunction: lambda.Function;
  /** Log group of the stage's worker. */
  public readonly workerLogGroup: logs.LogGroup;
  /**
   * With `compensation`: routes `OrderCompensationRequested` events whose `detail.step` is this
   * stage to the compensation queue.
   *
   * @default - undefined without `compensation`
   */
  public readonly compensationRule?: events.Rule;
  /**
   * With `compensation`: holds the requests to undo the stage.
   *
   * @default - undefined without `compensation`
   */
  public readonly compensationQueue?: sqs.Queue;
  /**
   * With `compensation`: where a request to undo the stage lands after `maxReceiveCount` failed receives.
   *
   * @default - undefined without `compensation`
   */
  public readonly compensationDeadLetterQueue?: sqs.Queue;
  /**
   * With `compensation`: runs the compensation processor on batches from the compensation queue.
   *
   * @default - undefined without `compensation`
   */
  public readonly compensationFunction?: lambda.Function;
  /**
   * With `compensation`: log group of the compensation worker.
   *
   * @default - undefined without `compensation`
   */
  public readonly compensationLogGroup?: logs.LogGroup;
  /**
   * The stage's alarms (and its compensation's), with the workflow's `alarmActions`: dead-letter
   * queue not empty, new dead-letter messages, worker errors, failed records, queue backlog,
   * rule failed invocations and rule DLQ send failures. They are in the workflow's `alarms` too.
   */
  public readonly alarms: cloudwatch.Alarm[];

  /** @internal */
  public readonly _steps: StageStep[];
  private readonly ruleFor: StageRuleFactory;

  private constructor(scope: Construct, id: string, props: OrderStageProps, context: StageContext) {
    super(scope, id);
    const { validated, parts, workflowSettings: settings, steps, index } = context;
    this.stageName = id;
    this.completedEvent = props.completedEvent;
    this.ruleFor = context.ruleFor;
    const source = settings.eventSource;

    const process = buildStep(this, {
      step: validated.process,
      workflow: parts,
      eventPattern: { source: [source], detailType: [context.previousCompletedEvent] },
      ruleDescription: `Routes ${context.previousCompletedEvent} events from ${source} to the queue of stage ${id}`,
      ruleLabel: `Stage${index}Rule`,
      workerDescription: `Stage ${id}: processes ${context.previousCompletedEvent} events from SQS, exactly once per eventId`,
      wording: {
        prefix: `Stage '${id}': `, eventName: context.previousCompletedEvent, queue: 'stage\'s queue', worker: 'stage\'s worker',
      },
    });
    process.worker.enableSteps(parts.eventBus, steps.environment({ stepName: id, completedEvent: props.completedEvent }, parts.eventBus));
    this.rule = process.rule;
    this.queue = process.queues.mainQueue;
    this.deadLetterQueue = process.queues.deadLetterQueue;
    this.workerFunction = process.worker.function;
    this.workerLogGroup = process.worker.logGroup;
    this._steps = [{ label: `Stage ${id}`, resources: process }];

    if (validated.compensation) {
      const compensation = buildStep(new Construct(this, 'Compensation'), {
        step: validated.compensation,
        workflow: parts,
        eventPattern: { source: [source], detailType: [ORDER_COMPENSATION_REQUESTED_DETAIL_TYPE], detail: { step: [id] } },
        ruleDescription: `Routes ${ORDER_COMPENSATION_REQUESTED_DETAIL_TYPE} events for stage ${id} from ${source} to its compensation queue`,
        ruleLabel: `Stage${index}CompensationRule`,
        workerDescription: `Stage ${id}: undoes the stage (${ORDER_COMPENSATION_REQUESTED_DETAIL_TYPE} events from SQS), exactly once per eventId`,
        wording: {
          prefix: `Compensation of stage '${id}': `,
          eventName: `${ORDER_COMPENSATION_REQUESTED_DETAIL_TYPE} (step ${id})`,
          queue: 'compensation queue',
          worker: 'compensation worker',
        },
      });
      compensation.worker.enableSteps(parts.eventBus, steps.environment({ stepName: id }, parts.eventBus));
      this.compensationRule = compensation.rule;
      this.compensationQueue = compensation.queues.mainQueue;
      this.compensationDeadLetterQueue = compensation.queues.deadLetterQueue;
      this.compensationFunction = compensation.worker.function;
      this.compensationLogGroup = compensation.worker.logGroup;
      this._steps.push({ label: `Stage ${id} compensation`, resources: compensation });
    }
    this.alarms = this._steps.flatMap((step) => step.resources.alarms.all);

    if (settings.logEncryptionKey) {
      const logGroupNames = [validated.process, ...validated.compensation ? [validated.compensation] : []]
        .map((step) => step.names.logGroupName);
      allowLogsToUseKey(this, settings.logEncryptionKey, logGroupNames, `AllowCloudWatchLogsToEncryptStage${index}Logs`);
    }
  }

  /**
   * A rule on the workflow's bus for this stage's `completedEvent` from the workflow's source:
   * the stage completed an order (`detail.results` holds every step's result so far).
   *
   * Publication is at least once: deduplicate on `detail.outcomeId`.
   *
   * @param id the rule's construct id, in this stage's scope
   * @param options target, rule name, description, and more event pattern to match (on `detail` only)
   */
  public onCompleted(id: string, options: events.OnEventOptions = {}): events.Rule {
    return this.ruleFor(this, id, this.completedEvent, options);
  }
}
