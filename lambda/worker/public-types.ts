/**
 * The types of `cdk-orders-workflow/worker`, as a processor's author sees them. Self-contained
 * on purpose: the package ships them as declarations, and they may name nothing that only this
 * repository installs (Powertools, @types/aws-lambda), so they are written out here.
 */

/** A JSON value, as attributes and results hold them. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** One line of an order. */
export interface OrderItem {
  readonly sku: string;
  /** A whole number from 1 to 10,000. */
  readonly qty: number;
  /** The team's own fields of this item, as the client sent them (keys sorted). */
  readonly attributes?: JsonObject;
}

/** Who created the order, as API Gateway verified them; absent when the API's authorization is `none`. */
export interface SubmittedBy {
  /** `cognito`, `iam` or `apiKey` today; a newer API may add a type. */
  readonly type: string;
  readonly id: string;
  readonly username?: string;
}

/** The order a processor receives: the validated detail of its OrderCreated event. */
export interface Order {
  /** `1.0` (no attributes yet) or `1.1`. */
  readonly schemaVersion: '1.0' | '1.1';
  readonly orderId: string;
  /** The event's id: the worker processes each eventId exactly once. */
  readonly eventId: string;
  /** When the API accepted the order (ISO 8601). */
  readonly createdAt: string;
  readonly customerId?: string;
  readonly items: readonly OrderItem[];
  /** The team's own fields of the order, as the client sent them (keys sorted). */
  readonly attributes?: JsonObject;
  readonly submittedBy?: SubmittedBy;
}

/** The log methods a processor uses: a Powertools Logger whose lines carry the order's ids. */
export interface OrderLogger {
  debug(message: string, ...extra: Array<Record<string, unknown> | Error | string>): void;
  info(message: string, ...extra: Array<Record<string, unknown> | Error | string>): void;
  warn(message: string, ...extra: Array<Record<string, unknown> | Error | string>): void;
  error(message: string, ...extra: Array<Record<string, unknown> | Error | string>): void;
}

/** A CloudWatch unit of Powertools Metrics: `Count`, `Milliseconds`, `Bytes`, `None`... */
export type MetricUnit = string;

/**
 * Powertools Metrics of the worker (namespace and `service` dimension set by the construct):
 * what a processor adds is published with the batch's other metrics, as one EMF line.
 */
export interface OrderMetrics {
  addMetric(name: string, unit: MetricUnit, value: number): void;
  addMetadata(key: string, value: string): void;
}

/** The parts of the Lambda context a processor may need. */
export interface LambdaContext {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly awsRequestId: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  getRemainingTimeInMillis(): number;
}

/** What a processor gets beside the order. */
export interface OrderProcessingContext {
  /** Logs with `orderId` and `eventId` on every line. */
  readonly logger: OrderLogger;
  readonly metrics: OrderMetrics;
  /** This delivery of the order: 1 on the first. */
  readonly attempt: number;
  /** The queue's maxReceiveCount: the attempt after which a failing order goes to the dead-letter queue. */
  readonly maxAttempts: number;
  /** A failure now makes the order FAILED and sends it to the dead-letter queue. */
  readonly isLastAttempt: boolean;
  readonly lambdaContext: LambdaContext;
  /** With stages: the step this is (`main` for the workflow's own processor, else the stage's id); undefined without stages. */
  readonly step?: string;
  /** With stages: what the earlier steps returned, by step name (those that returned something). */
  readonly results?: { readonly [step: string]: JsonObject };
  /** In a stage's compensation: which step refused the order, and why. */
  readonly compensation?: { readonly rejectedStep: string; readonly reason: string };
  /** Milliseconds until the invocation times out. */
  remainingTimeInMillis(): number;
}

/**
 * The team's business step. Runs at most once to completion per eventId; a throw retries the
 * order (a `PermanentOrderError` rejects it instead). What it returns, a JSON object of at most
 * 4,096 bytes or nothing, is kept on the order and on its OrderProcessed event.
 */
export type OrderProcessorFunction = (order: Order, context: OrderProcessingContext) => Promise<JsonObject | void> | JsonObject | void;

/** The SQS event Lambda passes to the worker (the fields the worker reads; `SQSEvent` of @types/aws-lambda fits). */
export interface SqsBatchEvent {
  readonly Records: ReadonlyArray<{
    readonly messageId: string;
    readonly body: string;
    readonly attributes: { readonly ApproximateReceiveCount: string };
  }>;
}

/** The partial batch response: the records SQS must deliver again. */
export interface SqsBatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

/** The Lambda handler `createOrderWorker` returns. */
export type OrderWorkerHandler = (event: SqsBatchEvent, context: LambdaContext) => Promise<SqsBatchResponse>;

/** What every outcome event's detail holds: the order and what became of it. */
export interface OrderOutcomeDetailBase extends Omit<Order, 'schemaVersion'> {
  /** The version of the outcome event (`1.1`). */
  readonly schemaVersion: '1.1';
  /** The same for every publication of this outcome: deduplicate on it (publication is at least once). */
  readonly outcomeId: string;
  /** When the worker recorded the outcome (ISO 8601). */
  readonly occurredAt: string;
  /** Deliveries of the order to the worker so far. */
  readonly attempts: number;
}

/** `detail` of an OrderProcessed event. */
export interface OrderProcessedDetail extends OrderOutcomeDetailBase {
  readonly status: 'PROCESSED';
  /** What the processor returned, when it returned something (with stages: the last stage's). */
  readonly result?: JsonObject;
  /** With stages: what every step returned, by step name. */
  readonly results?: { readonly [step: string]: JsonObject };
}

/** `detail` of an OrderRejected event. */
export interface OrderRejectedDetail extends OrderOutcomeDetailBase {
  readonly status: 'REJECTED';
  /** The PermanentOrderError's message. */
  readonly reason: string;
}

/** `detail` of an OrderFailed event: the last attempt failed, the message is in the dead-letter queue. */
export interface OrderFailedDetail extends OrderOutcomeDetailBase {
  readonly status: 'FAILED';
  /** The last attempt's error message. */
  readonly error: string;
}

/** The EventBridge `detail` of any outcome event. */
export type OrderOutcomeDetail = OrderProcessedDetail | OrderRejectedDetail | OrderFailedDetail;

/** `detail` of an OrderCreated event (schema 1.1). */
export interface OrderCreatedDetail extends Omit<Order, 'schemaVersion'> {
  readonly schemaVersion: '1.0' | '1.1';
}

/** `detail` of a step's completed event (a stage's `completedEvent`, or the workflow processor's when stages follow). */
export interface OrderStepCompletedDetail extends Omit<Order, 'schemaVersion'> {
  readonly schemaVersion: '1.1';
  /** The step that completed. */
  readonly step: string;
  /** What every step so far returned, this one included, by step name. */
  readonly results: { readonly [step: string]: JsonObject };
  /** When the step completed (ISO 8601). */
  readonly completedAt: string;
  /** `<eventId>:<step>:completed`, the same for every publication: deduplicate on it. */
  readonly outcomeId: string;
}

/** `detail` of an OrderCompensationRequested event: undo `step`, then the `remaining` ones in order. */
export interface OrderCompensationRequestedDetail extends Omit<Order, 'schemaVersion'> {
  readonly schemaVersion: '1.1';
  /** The step to compensate now. */
  readonly step: string;
  /** The steps to compensate after it, latest first. */
  readonly remaining: readonly string[];
  /** The step that refused the order. */
  readonly rejectedStep: string;
  /** Its PermanentOrderError's message. */
  readonly reason: string;
  /** What the completed steps returned, by step name. */
  readonly results: { readonly [step: string]: JsonObject };
  /** `<eventId>:<step>:compensate`: deduplicate on it. */
  readonly outcomeId: string;
}
