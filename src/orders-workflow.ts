import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { OrdersApi } from './api/orders-api';
import { AuthorizationMode } from './auth/authorization-mode';
import {
  warnAboutGrantOperationsWithoutIam, warnAboutGrantWithoutIam, warnAboutNoOperators, warnAboutOpenApi,
} from './auth/authorization-warnings';
import { OrderAlarms } from './observability/alarms';
import { OrdersDashboard, stepDashboardRow } from './observability/dashboard';
import { OrderRejectionReason } from './observability/order-rejection-reason';
import { OrderQueryDefinitions } from './observability/query-definitions';
import { WorkflowMetrics } from './observability/workflow-metrics';
import { OrderOperations } from './operations/order-operations';
import { applyOrderRetention } from './orders/order-retention';
import { OrdersTable } from './orders/orders-table';
import { OrdersWorkflowProps } from './orders-workflow-props';
import { allowLogsToUseKey, workflowLogGroupNames } from './protection/log-encryption-key';
import { OrderQueues } from './queues/order-queues';
import { ResolvedProps, resolveProps } from './resolved-props';
import { OrderDetailType } from './routing/order-detail-type';
import { OrderRouting } from './routing/order-routing';
import { addStackOutputs } from './stack-outputs';
import { OrderStage } from './stages/order-stage';
import { OrderStageProps } from './stages/order-stage-props';
import { StepWorkflowParts } from './stages/order-step';
import { MAIN_STEP_NAME } from './stages/step-contract';
import { StepList } from './stages/step-list';
import { validateStage } from './stages/validate-stage';
import { recordBusRoute, validateProps } from './validate-props';
import { OrderWorker } from './worker/order-worker';

/**
 * An event-driven orders pipeline from a REST API to an idempotent worker, with alarms and a dashboard.
 *
 * API Gateway `POST /orders` -> API function (validate, deduplicate retries per idempotency
 * key on the orders table, mint ids, PutEvents `OrderCreated`) -> custom EventBridge bus ->
 * rule -> encrypted SQS queue (DLQ after `maxReceiveCount`) -> worker function (batches,
 * partial batch response, idempotent per eventId on DynamoDB) -> structured logs, saved Logs
 * Insights queries, alarms and a dashboard.
 *
 * `addStage()` adds processors that run after the workflow's own, one after the other, each
 * with a queue pair, rule and worker of its own (and, optionally, a compensation).
 */
export class OrdersWorkflow extends Construct {
  /** The REST API (`POST /orders`, `GET /orders`, `GET /orders/{orderId}` on stage `stageName`). */
  public readonly api: apigateway.RestApi;
  /** Base URL of the API's stage (`stageName`), ending in `/`. POST orders to `${apiEndpoint}orders`. */
  public readonly apiEndpoint: string;
  /** Validates requests, deduplicates retries and publishes OrderCreated events. */
  public readonly apiFunction: lambda.Function;
  /** Log group of the API function. */
  public readonly apiLogGroup: logs.LogGroup;
  /**
   * Answers `GET /orders/{orderId}` and `GET /orders` (the caller's orders and their status):
   * a function of its own, so the POST path's bundle and cold start carry none of it.
   */
  public readonly readsFunction: lambda.Function;
  /** Log group of the reads function. */
  public readonly readsLogGroup: logs.LogGroup;
  /**
   * Answers the operators' routes `GET /ops/queues` (both queues' depth), `POST /ops/redrive`
   * and `GET /ops/redrive` (SQS's native message move task from the dead-letter queue back to the
   * main queue). Never open: AWS_IAM methods, or with `OrdersApiAuthorization.cognito()` the
   * Cognito authorizer plus membership of its `operatorsGroup`. Its role is the only one that may
   * redrive.
   */
  public readonly operationsFunction: lambda.Function;
  /** Log group of the operations function. */
  public readonly operationsLogGroup: logs.LogGroup;
  /**
   * With `OrdersApiAuthorization.apiKey()`: the API key callers send in the `x-api-key` header.
   * Only its id is in the template; read the value with
   * `aws apigateway get-api-key --api-key <keyId> --include-value`.
   *
   * @default - undefined in the other authorization modes
   */
  public readonly apiKey?: apigateway.IApiKey;
  /**
   * With `OrdersApiAuthorization.apiKey()`: the usage plan (throttle, quota) on the API's stage
   * that `apiKey` belongs to; add more keys with `usagePlan.addApiKey()`.
   *
   * @default - undefined in the other authorization modes
   */
  public readonly usagePlan?: apigateway.UsagePlan;
  /**
   * With `accessLogging`: the API stage's JSON access logs, one line per request.
   *
   * @default - undefined without `accessLogging`
   */
  public readonly accessLogGroup?: logs.LogGroup;
  /**
   * With `accessLogging`: API Gateway's ERROR-level execution logs of the stage
   * (`API-Gateway-Execution-Logs_<api id>/<stageName>`), created here so that it has a retention and key.
   *
   * @default - undefined without `accessLogging`
   */
  public readonly executionLogGroup?: logs.LogGroup;
  /**
   * With `waf`: the ARN of the web ACL associated with the API's stage (created by
   * `OrdersApiWaf.managed()`, or the one passed to `OrdersApiWaf.fromWebAclArn()`).
   *
   * @default - undefined without `waf`
   */
  public readonly webAclArn?: string;
  /**
   * The orders store, partition key `id`, TTL attribute `expiration`. It holds the API's request
   * idempotency records (Powertools defaults, one per deduplication key, kept
   * `requestIdempotencyWindow`) and each order's state (`order#<caller scope>#<orderId>`: status,
   * attempts, lastError, history; written ACCEPTED by the API, PROCESSED or FAILED by the worker).
   */
  public readonly ordersTable: dynamodb.Table;
  /** The bus OrderCreated events are published to (created, or the one passed in `eventBus`). */
  public readonly eventBus: events.IEventBus;
  /** Routes OrderCreated events from `eventSource` to the main queue. */
  public readonly orderCreatedRule: events.Rule;
  /** Holds orders until the worker has processed them. */
  public readonly mainQueue: sqs.Queue;
  /** Where an order lands after `maxReceiveCount` failed receives (or an undeliverable event). */
  public readonly deadLetterQueue: sqs.Queue;
  /**
   * Processes batches from the main queue: the `processor` inside the worker runtime. Grant it
   * what the processor needs, e.g. `inventory.grantReadWriteData(orders.workerFunction)`.
   */
  public readonly workerFunction: lambda.Function;
  /** Log group of the worker function. */
  public readonly workerLogGroup: logs.LogGroup;
  /** Powertools idempotency records, one per eventId (partition key `id`, TTL `expiration`). */
  public readonly idempotencyTable: dynamodb.Table;
  /**
   * ALARM while the dead-letter queue holds any message (`ApproximateNumberOfMessagesVisible` > 0):
   * an order failed `maxReceiveCount` times or EventBridge could not deliver it. OK again only
   * when the queue is empty (replayed or purged).
   */
  public readonly deadLetterQueueAlarm: cloudwatch.Alarm;
  /**
   * ALARM when new messages arrive in the dead-letter queue. It returns to OK after two quiet
   * minutes, so each later arrival notifies again, even while `deadLetterQueueAlarm` stays in ALARM.
   */
  public readonly deadLetterArrivalsAlarm: cloudwatch.Alarm;
  /** ALARM when the worker fails a whole invocation (crash, timeout, every record failed) in 5 minutes. */
  public readonly workerErrorsAlarm: cloudwatch.Alarm;
  /** ALARM when the worker fails any record, even one whose batch mates succeed (its `processing_failed` log line). */
  public readonly recordFailuresAlarm: cloudwatch.Alarm;
  /** ALARM when the oldest message in the main queue is older than `queueAgeAlarmThreshold`. */
  public readonly queueAgeAlarm: cloudwatch.Alarm;
  /** ALARM when the rule fails to deliver an event to the main queue for good (AWS/Events `FailedInvocations`). */
  public readonly ruleFailedInvocationsAlarm: cloudwatch.Alarm;
  /** ALARM when the rule can send an undeliverable event to no DLQ either: the order is lost (`InvocationsFailedToBeSentToDlq`). */
  public readonly ruleDeadLetterFailuresAlarm: cloudwatch.Alarm;
  /** ALARM when the API answers 5xx (API Gateway `5XXError`). */
  public readonly apiServerErrorsAlarm: cloudwatch.Alarm;
  /**
   * ALARM when more than `failureRateAlarmThreshold` of the worker's processing attempts in
   * 5 minutes failed (business metrics OrdersFailed / (OrdersProcessed + OrdersFailed)).
   */
  public readonly failureRateAlarm: cloudwatch.Alarm;
  /** Every alarm above, then every stage's (`OrderStage.alarms`, appended by `addStage()`). Each gets the `alarmActions`. */
  public readonly alarms: cloudwatch.Alarm[];
  /** The alarms' status, the business metrics, the API, the rule, both functions and both queues on one page. */
  public readonly dashboard: cloudwatch.Dashboard;
  /**
   * The saved Logs Insights queries: duplicates, worker failures, correlation by id. The
   * worker's queries run against every stage's workers as well.
   */
  public readonly queryDefinitions: logs.QueryDefinition[];

  private readonly createOrderMethod: apigateway.Method;
  private readonly worker: OrderWorker;
  private readonly outcomeEventsProp?: boolean;
  private readonly eventSource: string;
  private readonly ordersStore: OrdersTable;
  private readonly metrics: WorkflowMetrics;
  private readonly operations: OrderOperations;
  private readonly authorizationMode: AuthorizationMode;
  private readonly props: OrdersWorkflowProps;
  private readonly settings: ResolvedProps;
  private readonly keyPolicyBusName: string;
  private readonly queries: OrderQueryDefinitions;
  private readonly steps = new StepList();
  private readonly stageList: OrderStage[] = [];
  /** Where the stages are built (created with the first one): their ids cannot meet the workflow's own children's. */
  private stagesScope?: Construct;

  /**
   * @param scope the parent construct, usually a Stack
   * @param id the construct id; without `namePrefix` it also seeds the physical names
   * @param props optional settings; every one has a default (see `OrdersWorkflowProps`)
   */
  constructor(scope: Construct, id: string, props: OrdersWorkflowProps = {}) {
    super(scope, id);
    const settings = resolveProps(this, props);
    validateProps(this, props, settings);
    this.props = props;
    this.settings = settings;

    const queues = new OrderQueues(this, 'Queues', { settings, encryptionKey: props.queueEncryptionKey });
    this.mainQueue = queues.mainQueue;
    this.deadLetterQueue = queues.deadLetterQueue;

    const routing = new OrderRouting(this, 'Routing', {
      settings,
      mainQueue: this.mainQueue,
      deadLetterQueue: this.deadLetterQueue,
      eventBus: props.eventBus,
      queueEncryptionKey: props.queueEncryptionKey,
    });
    this.eventBus = routing.eventBus;
    this.orderCreatedRule = routing.rule;
    this.keyPolicyBusName = routing.keyPolicyBusName;
    recordBusRoute(this, this.eventBus, settings.eventSource);

    const ordersTable = new OrdersTable(this, 'OrdersStore', { settings });
    this.ordersTable = ordersTable.table;
    this.ordersStore = ordersTable;
    this.metrics = new WorkflowMetrics(settings.metricsNamespace);

    const api = new OrdersApi(this, 'Api', { settings, eventBus: this.eventBus, ordersTable });
    this.api = api.api;
    this.apiEndpoint = api.api.url;
    this.apiFunction = api.function;
    this.apiLogGroup = api.logGroup;
    this.readsFunction = api.readsFunction;
    this.readsLogGroup = api.readsLogGroup;
    this.accessLogGroup = api.accessLogGroup;
    this.executionLogGroup = api.executionLogGroup;
    this.webAclArn = api.webAcl?.webAclArn;
    this.apiKey = api.access.apiKey;
    this.usagePlan = api.access.usagePlan;
    this.createOrderMethod = api.createOrderMethod;
    this.authorizationMode = api.access.mode;
    warnAboutOpenApi(this, this.authorizationMode, settings.failureInjection);

    this.operations = new OrderOperations(this, 'Operations', {
      settings,
      api: this.api,
      access: api.access,
      mainQueue: this.mainQueue,
      deadLetterQueue: this.deadLetterQueue,
      queueEncryptionKey: props.queueEncryptionKey,
    });
    this.operationsFunction = this.operations.function;
    this.operationsLogGroup = this.operations.logGroup;
    warnAboutNoOperators(this, this.authorizationMode, settings.authorization._cognito?.operatorsGroup);

    const worker = new OrderWorker(this, 'Worker', {
      settings, queue: this.mainQueue, ordersTable, processor: settings.processor, eventBus: this.eventBus,
    });
    this.worker = worker;
    this.outcomeEventsProp = props.outcomeEvents;
    this.eventSource = settings.eventSource;
    this.workerFunction = worker.function;
    this.workerLogGroup = worker.logGroup;
    this.idempotencyTable = worker.idempotencyTable;

    applyOrderRetention(settings, [this.apiFunction, this.workerFunction]);

    if (settings.logEncryptionKey) {
      allowLogsToUseKey(this, settings.logEncryptionKey, workflowLogGroupNames(settings));
    }

    const alarms = new OrderAlarms(this, 'Alarms', {
      settings,
      api: this.api,
      ruleMetricDimensions: routing.metricDimensions,
      mainQueue: this.mainQueue,
      deadLetterQueue: this.deadLetterQueue,
      workerFunction: this.workerFunction,
      workerLogGroup: this.workerLogGroup,
      alarmActions: props.alarmActions ?? [],
    });
    this.deadLetterQueueAlarm = alarms.deadLetterQueueAlarm;
    this.deadLetterArrivalsAlarm = alarms.deadLetterArrivalsAlarm;
    this.workerErrorsAlarm = alarms.workerErrorsAlarm;
    this.recordFailuresAlarm = alarms.recordFailuresAlarm;
    this.queueAgeAlarm = alarms.queueAgeAlarm;
    this.ruleFailedInvocationsAlarm = alarms.ruleFailedInvocationsAlarm;
    this.ruleDeadLetterFailuresAlarm = alarms.ruleDeadLetterFailuresAlarm;
    this.apiServerErrorsAlarm = alarms.apiServerErrorsAlarm;
    this.failureRateAlarm = alarms.failureRateAlarm;
    this.alarms = alarms.all;

    this.dashboard = new OrdersDashboard(this, 'Dashboard', {
      settings,
      api: this.api,
      apiFunction: this.apiFunction,
      readsFunction: this.readsFunction,
      operationsFunction: this.operationsFunction,
      workerFunction: this.workerFunction,
      mainQueue: this.mainQueue,
      deadLetterQueue: this.deadLetterQueue,
      alarms,
      statusAlarms: this.alarms,
    }).dashboard;

    this.queries = new OrderQueryDefinitions(this, 'Queries', {
      folder: settings.functionNamePrefix,
      logGroups: { api: this.apiLogGroup, worker: this.workerLogGroup },
    });
    this.queryDefinitions = this.queries.queryDefinitions;

    if (props.stackOutputs) {
      addStackOutputs(this, {
        ApiEndpoint: this.apiEndpoint,
        EventBusName: this.eventBus.eventBusName,
        MainQueueUrl: this.mainQueue.queueUrl,
        DlqUrl: this.deadLetterQueue.queueUrl,
        DynamoTableName: this.idempotencyTable.tableName,
        IdempotencyTableName: this.idempotencyTable.tableName,
        OrdersTableName: this.ordersTable.tableName,
        ...(this.apiKey ? { ApiKeyId: this.apiKey.keyId } : {}),
      });
    }
  }

  /** The stages added with `addStage()`, in order (the order the steps run in, after step `main`). */
  public get stages(): OrderStage[] {
    return [...this.stageList];
  }

  /**
   * Adds a stage after the last step: the workflow's own processor (step `main`) when this is
   * the first stage, else the stage added before. When that step completes an order it
   * publishes its completed event (`processorCompletedEvent` for `main`, a stage's
   * `completedEvent`) on the workflow's bus; the new stage's rule routes it to the stage's
   * queue and worker.
   *
   * The stage gets the main step's queue settings, checks and alarms, and shares the workflow's
   * idempotency and orders tables. Once a workflow has a stage, every step's worker knows the
   * steps (STEP_* environment variables) and may publish on the workflow's bus.
   *
   * Synth fails, naming the stage and the prop, for a duplicate id (case-insensitive), the id
   * `main`, an id that is not a letter followed by at most 31 letters, digits or '-', and a
   * `completedEvent` that is empty, built in, the `processorCompletedEvent` or another stage's.
   *
   * @param id the stage's id and step name, e.g. `payment`: it names the stage's resources
   * @param props the stage's processor, completed event and optional compensation
   */
  public addStage(id: string, props: OrderStageProps): OrderStage {
    const existing = this.stageList.map((stage) => ({
      stageName: stage.stageName, completedEvent: stage.completedEvent, compensated: stage.compensationFunction !== undefined,
    }));
    const validated = validateStage(this, id, props, this.props, this.settings, existing);
    const previousCompletedEvent = this.stageList[this.stageList.length - 1]?.completedEvent ?? this.settings.processorCompletedEvent;
    if (this.stageList.length === 0) {
      this.worker.enableSteps(this.eventBus, this.steps.environment(
        { stepName: MAIN_STEP_NAME, completedEvent: this.settings.processorCompletedEvent }, this.eventBus));
    }
    const parts: StepWorkflowParts = {
      eventBus: this.eventBus,
      keyPolicyBusName: this.keyPolicyBusName,
      queueEncryptionKey: this.props.queueEncryptionKey,
      ordersTable: this.ordersStore,
      idempotencyTable: this.idempotencyTable,
      alarmActions: this.props.alarmActions ?? [],
    };
    this.stagesScope ??= new Construct(this, 'Stages');
    const stage = OrderStage._create(this.stagesScope, id, props, {
      validated,
      index: this.stageList.length + 1,
      workflowSettings: this.settings,
      previousCompletedEvent,
      parts,
      steps: this.steps,
      ruleFor: (scope, ruleId, detailType, options) => this.ruleFor(scope, ruleId, detailType, options),
    });
    this.steps.add(id, props.compensation !== undefined);
    this.stageList.push(stage);

    for (const step of stage._steps) {
      if (this.worker.outcomeEventsEnabled) step.resources.worker.enableOutcomeEvents(this.eventBus);
      this.queries.addWorkerLogGroup(step.resources.worker.logGroup);
      this.dashboard.addWidgets(...stepDashboardRow(step.label, {
        workerFunction: step.resources.worker.function,
        queue: step.resources.queues.mainQueue,
        deadLetterQueue: step.resources.queues.deadLetterQueue,
        alarms: step.resources.alarms,
      }));
    }
    this.operations.addQueuePair(id, stage.queue, stage.deadLetterQueue);
    if (stage.compensationQueue && stage.compensationDeadLetterQueue) {
      this.operations.addQueuePair(`${id}/compensation`, stage.compensationQueue, stage.compensationDeadLetterQueue);
    }
    this.alarms.push(...stage.alarms);
    return stage;
  }

  /**
   * A rule on the workflow's bus for OrderCreated events (new orders, published by the API).
   *
   * @param id the rule's construct id, in this workflow's scope
   * @param options target, rule name, description, and more event pattern to match
   */
  public onOrderCreated(id: string, options: events.OnEventOptions = {}): events.Rule {
    return this.ruleFor(this, id, OrderDetailType.ORDER_CREATED, options);
  }

  /**
   * A rule on the workflow's bus for OrderProcessed events, which say the processor completed an order.
   *
   * `detail.result` holds what it returned. Turns outcome publication on.
   *
   * Publication is at least once: deduplicate on `detail.outcomeId`.
   *
   * @param id the rule's construct id, in this workflow's scope
   * @param options target, rule name, description, and more event pattern to match
   */
  public onOrderProcessed(id: string, options: events.OnEventOptions = {}): events.Rule {
    return this.outcomeRuleFor(id, OrderDetailType.ORDER_PROCESSED, options, 'onOrderProcessed');
  }

  /**
   * A rule on the workflow's bus for OrderRejected events, which say the processor refused an order.
   *
   * The processor threw `PermanentOrderError`; `detail.reason` says why. Turns outcome publication on.
   *
   * Publication is at least once: deduplicate on `detail.outcomeId`.
   *
   * @param id the rule's construct id, in this workflow's scope
   * @param options target, rule name, description, and more event pattern to match
   */
  public onOrderRejected(id: string, options: events.OnEventOptions = {}): events.Rule {
    return this.outcomeRuleFor(id, OrderDetailType.ORDER_REJECTED, options, 'onOrderRejected');
  }

  /**
   * A rule on the workflow's bus for OrderFailed events, which say an order's last attempt failed.
   *
   * Its message went to the dead-letter queue; `detail.error` is the last error. Turns outcome
   * publication on.
   *
   * @param id the rule's construct id, in this workflow's scope
   * @param options target, rule name, description, and more event pattern to match
   */
  public onOrderFailed(id: string, options: events.OnEventOptions = {}): events.Rule {
    return this.outcomeRuleFor(id, OrderDetailType.ORDER_FAILED, options, 'onOrderFailed');
  }

  private outcomeRuleFor(id: string, detailType: string, options: events.OnEventOptions, method: string): events.Rule {
    if (this.outcomeEventsProp === false) {
      throw new Error(`${method}() subscribes to an outcome event, but this workflow has outcomeEvents: false: ` +
        'remove outcomeEvents: false (the worker then publishes them), or do not subscribe.');
    }
    for (const worker of this.workers) worker.enableOutcomeEvents(this.eventBus);
    return this.ruleFor(this, id, detailType, options);
  }

  /** Every step's worker: the main one, then each stage's (and its compensation's). */
  private get workers(): OrderWorker[] {
    return [this.worker, ...this.stageList.flatMap((stage) => stage._steps.map((step) => step.resources.worker))];
  }

  /**
   * Exactly this detail type from this workflow's source, narrowed by whatever else the options'
   * pattern matches; the rule is created in `scope` (this workflow, or one of its stages).
   */
  private ruleFor(scope: Construct, id: string, detailType: string, options: events.OnEventOptions): events.Rule {
    // addEventPattern merges lists, so a source or detail type in the options would widen the rule.
    const widening = (['source', 'detailType'] as const).filter((key) => options.eventPattern?.[key] !== undefined);
    if (widening.length > 0) {
      throw new Error(`The rule '${id}' matches ${detailType} events of source '${this.eventSource}' exactly: its options' eventPattern ` +
        `may not set ${widening.join(' or ')}. Filter on detail fields instead (eventPattern: { detail: { ... } }).`);
    }
    const rule = new events.Rule(scope, id, {
      eventBus: this.eventBus,
      description: options.description ?? `${detailType} events of ${this.node.path}`,
      ruleName: options.ruleName,
      crossStackScope: options.crossStackScope,
    });
    rule.addEventPattern({ source: [this.eventSource], detailType: [detailType] });
    rule.addEventPattern(options.eventPattern);
    if (options.target) rule.addTarget(options.target);
    return rule;
  }

  /**
   * Allows `grantee` to call `POST /orders` with SigV4-signed requests: `execute-api:Invoke`
   * on exactly that method of the API's stage, added to the grantee's policy.
   *
   * This decides who may call only with `OrdersApiAuthorization.iam()`. In the other modes
   * API Gateway does not check IAM for the method: the permission is still added, opens and
   * closes nothing, and synth warns (id `cdk-orders-workflow:grant-invoke-without-iam`).
   *
   * @param grantee the principal (a role, a user, a Lambda function...) that may call
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    warnAboutGrantWithoutIam(this, this.authorizationMode);
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: [this.createOrderMethod.methodArn],
    });
  }

  /**
   * Allows `grantee` (an operator's role, a runbook automation...) to call the operations routes
   * `GET /ops/queues`, `POST /ops/redrive` and `GET /ops/redrive` with SigV4-signed requests:
   * `execute-api:Invoke` on exactly those three methods of the API's stage, added to the
   * grantee's policy. It grants nothing on `/orders`.
   *
   * The ops methods are AWS_IAM in every authorization mode except `cognito()`, where the
   * operators group decides instead: there the permission opens nothing and synth warns (id
   * `cdk-orders-workflow:grant-operations-without-iam`).
   *
   * @param grantee the principal that may operate the workflow
   */
  public grantOperations(grantee: iam.IGrantable): iam.Grant {
    warnAboutGrantOperationsWithoutIam(this, this.authorizationMode);
    return this.operations.grantInvoke(grantee);
  }

  /**
   * Allows `grantee` to read orders, and nothing else.
   *
   * `dynamodb:GetItem` and `dynamodb:BatchGetItem` on the orders table read orders by their key
   * `order#<caller scope>#<orderId>`; `dynamodb:Query` on its caller-scope index lists the keys of
   * a caller's orders, newest first (the index holds keys only). The table also holds the API's
   * request-idempotency records, which GetItem can read too.
   *
   * @param grantee the principal that may read orders (a reporting job, another team's function...)
   */
  public grantReadOrders(grantee: iam.IGrantable): iam.Grant {
    return this.ordersStore.grantOrderReads(grantee);
  }

  /**
   * Allows `grantee` to receive and delete the orders parked in the dead-letter queue (and to
   * decrypt them with a customer-managed `queueEncryptionKey`), as `sqs.Queue.grantConsumeMessages`
   * does. A consumer that deletes a message takes the order out of the replay path.
   *
   * @param grantee the principal that may consume the dead-letter queue
   */
  public grantConsumeDeadLetters(grantee: iam.IGrantable): iam.Grant {
    return this.deadLetterQueue.grantConsumeMessages(grantee);
  }

  /**
   * OrdersAccepted: orders the API published (202, not replays of an earlier answer). Namespace
   * `metricsNamespace`, dimension `service=orders-api`, Sum over 5 minutes unless `props` say otherwise.
   *
   * @param props statistic, period, label...; the namespace and dimensions stay the ones the handlers emit
   */
  public metricOrdersAccepted(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metrics.ordersAccepted(props);
  }

  /**
   * OrdersRejected: requests the API refused before publishing anything, or (reason
   * `PROCESSOR`) orders the processor refused for good, for one `reason`. Namespace
   * `metricsNamespace`, dimensions `service` (`orders-api`, or `orders-worker` for `PROCESSOR`)
   * and `reason`, Sum over 5 minutes unless `props` say otherwise.
   *
   * @param reason which refusals to count
   * @param props statistic, period, label...; the namespace and dimensions stay the ones the handlers emit
   */
  public metricOrdersRejected(reason: OrderRejectionReason, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metrics.ordersRejected(reason, props);
  }

  /**
   * OrdersProcessed: orders the worker processed for the first time. Namespace `metricsNamespace`,
   * dimension `service=orders-worker`, Sum over 5 minutes unless `props` say otherwise.
   *
   * @param props statistic, period, label...; the namespace and dimensions stay the ones the worker emits
   */
  public metricOrdersProcessed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metrics.ordersProcessed(props);
  }

  /**
   * OrdersFailed: failed processing attempts (every attempt, not only the last). Namespace
   * `metricsNamespace`, dimension `service=orders-worker`, Sum over 5 minutes unless `props` say otherwise.
   *
   * @param props statistic, period, label...; the namespace and dimensions stay the ones the worker emits
   */
  public metricOrdersFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metrics.ordersFailed(props);
  }

  /**
   * DuplicatesIgnored: redelivered events whose eventId was already processed. Namespace
   * `metricsNamespace`, dimension `service=orders-worker`, Sum over 5 minutes unless `props` say otherwise.
   *
   * @param props statistic, period, label...; the namespace and dimensions stay the ones the worker emits
   */
  public metricDuplicatesIgnored(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metrics.duplicatesIgnored(props);
  }

  /**
   * ProcessingLatency: milliseconds from an order's `createdAt` to its processing. Namespace
   * `metricsNamespace`, dimension `service=orders-worker`, Average over 5 minutes unless `props`
   * say otherwise (for example `statistic: 'p99'`).
   *
   * @param props statistic, period, label...; the namespace and dimensions stay the ones the worker emits
   */
  public metricProcessingLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metrics.processingLatency(props);
  }
}
