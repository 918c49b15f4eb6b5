/**
 * The cost model: cost per million orders, by service, for one configuration, from a price
 * table and per-order facts the benchmark measured (durations, INIT, AWS calls per order, log
 * bytes). Pure arithmetic, so a test can check it on a tiny table.
 */
import type { PriceTable } from './prices';

/** What one order costs in usage, measured by `npm run bench` (see fromResults in generate.ts). */
export interface UsageFacts {
  /** API function: billed duration per request (ms) and INIT duration per cold start (ms). */
  readonly apiDurationMs: number;
  readonly apiInitMs: number;
  /** Worker: duration per record (ms): a batch's duration over its records (they run in parallel within it). */
  readonly workerDurationPerRecordMs: number;
  readonly workerInitMs: number;
  /** DynamoDB calls per order: writes (PutItem, UpdateItem, DeleteItem) and strongly consistent reads (GetItem). */
  readonly dynamoWritesPerOrder: number;
  readonly dynamoReadsPerOrder: number;
  /** What those calls are billed: write request units (1 KB each, the index's writes included) and read request units (4 KB each). */
  readonly dynamoWriteUnitsPerOrder: number;
  readonly dynamoReadUnitsPerOrder: number;
  /** Of the write units, the caller-scope index's. */
  readonly dynamoIndexWriteUnitsPerOrder: number;
  /** Handler log bytes per order (structured lines and EMF), both functions. */
  readonly handlerLogBytesPerOrder: number;
  /** The worker's own share of the above: what one more step (a stage) repeats per order. */
  readonly workerDynamoWritesPerOrder: number;
  readonly workerDynamoReadsPerOrder: number;
  /** The worker's units; a stage's writes never create the order record, so none of them is the index's. */
  readonly workerDynamoWriteUnitsPerOrder: number;
  readonly workerDynamoReadUnitsPerOrder: number;
  readonly workerLogBytesPerOrder: number;
  /** Distinct custom metrics the EMF lines create. */
  readonly customMetrics: number;
  readonly alarms: number;
  readonly dashboards: number;
}

export interface Configuration {
  readonly memoryMb: number;
  readonly architecture: 'arm64' | 'x86_64';
  readonly batchSize: number;
  readonly waf: boolean;
  /**
   * Outcome events (OrderProcessed / OrderRejected / OrderFailed) published by the worker. Off
   * by default, as in the construct (`outcomeEvents`, or any `onOrderProcessed`-style rule, turns them on).
   */
  readonly outcomeEvents?: boolean;
  /** Stages after the workflow's own processor (`addStage`), none by default. */
  readonly stages?: number;
}

/** Assumptions the facts do not give; each one is stated on the generated page. */
export interface Assumptions {
  /** Share of invocations that are cold starts (billed INIT). */
  readonly coldStartShare: number;
  /** Lambda's platform log lines (START/END/REPORT, or their JSON form) per invocation, in bytes. */
  readonly platformLogBytesPerInvocation: number;
  /** Event source pollers that long-poll an idle queue (20 s receives). */
  readonly idlePollers: number;
  /** WAF rules and rule groups of the default web ACL. */
  readonly wafRules: number;
}

export const DEFAULT_ASSUMPTIONS: Assumptions = {
  coldStartShare: 0.001,
  platformLogBytesPerInvocation: 450,
  idlePollers: 5,
  wafRules: 4,
};

export interface CostLine {
  readonly service: string;
  readonly detail: string;
  readonly usdPerMillionOrders: number;
}

export interface CostBreakdown {
  readonly configuration: Configuration;
  readonly lines: CostLine[];
  readonly totalPerMillionOrders: number;
  /** Fixed costs per month, whatever the traffic. */
  readonly fixedPerMonth: CostLine[];
  readonly totalFixedPerMonth: number;
}

/** The cost line of the stages, present only with stages. */
export const STAGES_SERVICE = 'Stages';
/** The alarms a stage adds: the main pair's seven. */
export const ALARMS_PER_STAGE = 7;

/** The cost line of outcome events, present only when they are on. */
export const OUTCOME_EVENTS_SERVICE = 'EventBridge (outcome events)';

/**
 * A worker that publishes after its record write (outcome events; every step of a pipeline) also
 * completes its claim, so that a duplicate publishes nothing again: Powertools' UpdateItem of a
 * record under 1 KB. Without publication the record write is the completion (the measured default).
 */
export const COMPLETION_WRITE_UNITS = 1;

const MILLION = 1_000_000;
const SECONDS_PER_MONTH = 30 * 24 * 3600;
/** Lambda's SQS pollers long-poll for up to 20 s. */
const LONG_POLL_SECONDS = 20;

export function costPerMillionOrders(
  facts: UsageFacts, config: Configuration, prices: PriceTable, assumptions: Assumptions = DEFAULT_ASSUMPTIONS,
): CostBreakdown {
  const n = MILLION;
  const gbSecondPrice = config.architecture === 'arm64' ? prices.lambdaArmGbSecond.usd : prices.lambdaX86GbSecond.usd;
  const gb = config.memoryMb / 1024;
  const lambdaCost = (invocations: number, durationMs: number, initMs: number) => {
    const billedMs = Math.ceil(durationMs) + assumptions.coldStartShare * Math.ceil(initMs);
    return invocations / MILLION * prices.lambdaRequestsPerMillion.usd + invocations * (billedMs / 1000) * gb * gbSecondPrice;
  };
  const workerInvocations = n / config.batchSize;
  const stages = config.stages ?? 0;
  const invocations = n + workerInvocations;
  const lines: CostLine[] = [
    { service: 'API Gateway', detail: '1 REST request per order', usdPerMillionOrders: prices.apiGatewayRestPerMillion.usd },
    ...(config.waf ? [{ service: 'AWS WAF', detail: '1 inspected request per order', usdPerMillionOrders: prices.wafRequestsPerMillion.usd }] : []),
    {
      service: 'Lambda (API)',
      detail: `1 request, ${Math.ceil(facts.apiDurationMs)} ms at ${config.memoryMb} MB ${config.architecture}, INIT ${Math.ceil(facts.apiInitMs)} ms on ${pct(assumptions.coldStartShare)} of requests`,
      usdPerMillionOrders: lambdaCost(n, facts.apiDurationMs, facts.apiInitMs),
    },
    {
      service: 'Lambda (worker)',
      detail: `1 invocation per ${config.batchSize} orders, ${Math.ceil(facts.workerDurationPerRecordMs * config.batchSize)} ms each, INIT ${Math.ceil(facts.workerInitMs)} ms on ${pct(assumptions.coldStartShare)}`,
      usdPerMillionOrders: lambdaCost(workerInvocations, facts.workerDurationPerRecordMs * config.batchSize, facts.workerInitMs),
    },
    { service: 'EventBridge', detail: '1 custom event per order (OrderCreated)', usdPerMillionOrders: prices.eventBridgeCustomEventsPerMillion.usd },
    // The worker's PutEvents: one outcome per order (processed, rejected, or failed on the last
    // attempt), billed like OrderCreated since it is a custom event on the same bus.
    ...(config.outcomeEvents ? [{
      service: OUTCOME_EVENTS_SERVICE,
      detail: `1 outcome event per order (OrderProcessed, OrderRejected or OrderFailed), and the worker's claim completed after it (${COMPLETION_WRITE_UNITS} write unit)`,
      usdPerMillionOrders: prices.eventBridgeCustomEventsPerMillion.usd + COMPLETION_WRITE_UNITS * prices.dynamoWriteUnitsPerMillion.usd,
    }] : []),
    {
      service: 'SQS',
      detail: `1 SendMessage (the rule's delivery) per order, 1 ReceiveMessage and 1 DeleteMessageBatch per batch of ${config.batchSize}`,
      usdPerMillionOrders: (n + 2 * workerInvocations) / MILLION * prices.sqsRequestsPerMillion.usd,
    },
    {
      service: 'DynamoDB',
      detail: `${facts.dynamoWritesPerOrder} writes and ${facts.dynamoReadsPerOrder} strongly consistent read${facts.dynamoReadsPerOrder === 1 ? '' : 's'} per order: ` +
        `${facts.dynamoWriteUnitsPerOrder} write units (${facts.dynamoIndexWriteUnitsPerOrder} of them the index's) and ${facts.dynamoReadUnitsPerOrder} read unit${facts.dynamoReadUnitsPerOrder === 1 ? '' : 's'}`,
      usdPerMillionOrders: facts.dynamoWriteUnitsPerOrder * prices.dynamoWriteUnitsPerMillion.usd
        + facts.dynamoReadUnitsPerOrder * prices.dynamoReadUnitsPerMillion.usd,
    },
    ...(stages > 0 ? [{
      service: STAGES_SERVICE,
      detail: `${stages} stage${stages === 1 ? '' : 's'}, each per order: the previous step's completed event, 1 SendMessage and a share of a batch's receive and delete, ` +
        `a worker run like the main one's, ${units(facts.workerDynamoWriteUnitsPerOrder + COMPLETION_WRITE_UNITS)} write units (its claim's completion included) and ` +
        `${facts.workerDynamoReadUnitsPerOrder} read unit, ${Math.round(facts.workerLogBytesPerOrder)} log bytes` +
        (config.outcomeEvents ? '' : `; the main step's claim completed too (${COMPLETION_WRITE_UNITS} write unit)`),
      usdPerMillionOrders: (config.outcomeEvents ? 0 : COMPLETION_WRITE_UNITS * prices.dynamoWriteUnitsPerMillion.usd)
        + stages * (prices.eventBridgeCustomEventsPerMillion.usd
        + (n + 2 * workerInvocations) / MILLION * prices.sqsRequestsPerMillion.usd
        + lambdaCost(workerInvocations, facts.workerDurationPerRecordMs * config.batchSize, facts.workerInitMs)
        + (facts.workerDynamoWriteUnitsPerOrder + COMPLETION_WRITE_UNITS) * prices.dynamoWriteUnitsPerMillion.usd
        + facts.workerDynamoReadUnitsPerOrder * prices.dynamoReadUnitsPerMillion.usd
        + (n * facts.workerLogBytesPerOrder + workerInvocations * assumptions.platformLogBytesPerInvocation) / 1e9 * prices.logsIngestionPerGb.usd),
    }] : []),
    {
      service: 'CloudWatch Logs',
      detail: `${Math.round(facts.handlerLogBytesPerOrder)} handler bytes per order (EMF included) + ${assumptions.platformLogBytesPerInvocation} platform bytes per invocation`,
      usdPerMillionOrders: (n * facts.handlerLogBytesPerOrder + invocations * assumptions.platformLogBytesPerInvocation) / 1e9
        * prices.logsIngestionPerGb.usd,
    },
  ];
  const idleReceives = assumptions.idlePollers * (1 + stages) * SECONDS_PER_MONTH / LONG_POLL_SECONDS;
  const alarms = facts.alarms + stages * ALARMS_PER_STAGE;
  const fixedPerMonth: CostLine[] = [
    { service: 'SQS (idle pollers)', detail: `${assumptions.idlePollers * (1 + stages)} pollers x one 20 s long poll each = ${Math.round(idleReceives).toLocaleString('en-US')} empty receives a month`, usdPerMillionOrders: idleReceives / MILLION * prices.sqsRequestsPerMillion.usd },
    { service: 'CloudWatch metrics', detail: `${facts.customMetrics} custom metrics (EMF)`, usdPerMillionOrders: facts.customMetrics * prices.customMetricPerMonth.usd },
    { service: 'CloudWatch alarms', detail: `${alarms} alarms`, usdPerMillionOrders: alarms * prices.alarmPerMonth.usd },
    { service: 'CloudWatch dashboard', detail: `${facts.dashboards} dashboard(s) (3 per account are free)`, usdPerMillionOrders: facts.dashboards * prices.dashboardPerMonth.usd },
    ...(config.waf ? [{ service: 'AWS WAF', detail: `1 web ACL, ${assumptions.wafRules} rules`, usdPerMillionOrders: prices.wafWebAclPerMonth.usd + assumptions.wafRules * prices.wafRulePerMonth.usd }] : []),
  ];
  const sum = (list: CostLine[]) => list.reduce((total, line) => total + line.usdPerMillionOrders, 0);
  return { configuration: config, lines, totalPerMillionOrders: sum(lines), fixedPerMonth, totalFixedPerMonth: sum(fixedPerMonth) };
}

function pct(share: number): string {
  return `${+(share * 100).toPrecision(3)}%`;
}

/** Units to two decimals, as the benchmark reports them. */
function units(value: number): number {
  return Math.round(value * 100) / 100;
}
