/**
 * docs/cost.md from bench/results.json and the price table: `npm run cost` (also the last step
 * of `npm run bench`). Deterministic: the same results and prices give the same page, so a
 * test can tell when the committed page is stale.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ALARMS_PER_STAGE, Assumptions, Configuration, costPerMillionOrders, CostBreakdown, DEFAULT_ASSUMPTIONS, OUTCOME_EVENTS_SERVICE, UsageFacts,
} from './model';
import { PRICES, PriceTable } from './prices';
import { BUSINESS_METRICS, REJECTION_REASONS } from '../../src/observability/business-metric-names';
import type { BenchResults } from '../results';
import { DYNAMO_READS, DYNAMO_WRITES } from '../throughput/dynamo-units';

/**
 * Every custom metric the handlers can create, not only those a run of good orders shows: each
 * business metric once (dimension `service`), OrdersRejected once per `reason`.
 */
const CUSTOM_METRICS = Object.keys(BUSINESS_METRICS).length - 1 + REJECTION_REASONS.length;

/** The per-order usage the benchmark measured. */
export function usageFromResults(results: BenchResults): UsageFacts {
  const cold = (name: string) => results.coldInit.find((row) => row.name === name && row.kind === 'function');
  const callsOf = (set: ReadonlySet<string>, name: string) => Object.entries(results.throughput.calls.perOrder[name] ?? {})
    .reduce((sum, [operation, calls]) => sum + (set.has(operation) ? calls : 0), 0);
  const count = (set: ReadonlySet<string>, functions: string[]) => functions.reduce((total, name) => total + callsOf(set, name), 0);
  const allFunctions = Object.keys(results.throughput.calls.perOrder);
  const writes = count(DYNAMO_WRITES, allFunctions);
  const reads = count(DYNAMO_READS, allFunctions);
  const logBytes = results.throughput.endToEnd.logBytesPerOrder;
  const { dynamo } = results.throughput.calls;
  // Units per order are kept to two decimals (dynamo-units.ts); sums and differences stay so.
  const units = (value: number) => Math.round(value * 100) / 100;
  const sumOf = (byFunction: Record<string, number>) => units(Object.values(byFunction).reduce((sum, value) => sum + value, 0));
  return {
    apiDurationMs: results.warm.api.handler.wallMs.median,
    apiInitMs: cold('api')?.moduleMs.median ?? 0,
    workerDurationPerRecordMs: results.warm.worker.handler.wallMs.median,
    workerInitMs: cold('worker')?.moduleMs.median ?? 0,
    dynamoWritesPerOrder: writes,
    dynamoReadsPerOrder: reads,
    dynamoWriteUnitsPerOrder: sumOf(dynamo.writeUnitsPerOrder),
    dynamoReadUnitsPerOrder: sumOf(dynamo.readUnitsPerOrder),
    dynamoIndexWriteUnitsPerOrder: sumOf(dynamo.indexWriteUnitsPerOrder),
    handlerLogBytesPerOrder: (logBytes.api ?? 0) + (logBytes.worker ?? 0),
    workerDynamoWritesPerOrder: count(DYNAMO_WRITES, ['worker']),
    workerDynamoReadsPerOrder: count(DYNAMO_READS, ['worker']),
    workerDynamoWriteUnitsPerOrder: units(dynamo.writeUnitsPerOrder.worker - (dynamo.indexWriteUnitsPerOrder.worker ?? 0)),
    workerDynamoReadUnitsPerOrder: dynamo.readUnitsPerOrder.worker,
    workerLogBytesPerOrder: logBytes.worker ?? 0,
    customMetrics: CUSTOM_METRICS,
    alarms: results.stack.alarms,
    dashboards: results.stack.dashboards,
  };
}

export function defaultConfiguration(results: BenchResults): Configuration {
  const worker = results.functions.worker ?? { memorySize: 256, architecture: 'arm64', batchSize: 5 };
  return {
    memoryMb: worker.memorySize,
    architecture: worker.architecture === 'x86_64' ? 'x86_64' : 'arm64',
    batchSize: worker.batchSize ?? 5,
    waf: false,
    // The construct's default: only `outcomeEvents: true` or an outcome rule turns them on.
    outcomeEvents: false,
  };
}

const usd = (value: number) => (value >= 100 ? `$${value.toFixed(0)}` : value >= 0.01 ? `$${value.toFixed(2)}` : `$${value.toFixed(4)}`);

/**
 * The default assumptions, but no platform lines when the functions' system log level is WARN
 * (the construct's default): Lambda then drops START, END and the REPORT of every successful
 * invocation, and writes platform lines only for a failed one.
 */
export function assumptionsFor(results: BenchResults): Assumptions {
  const levels = ['api', 'worker'].map((name) => results.functions[name]?.systemLogLevel);
  return { ...DEFAULT_ASSUMPTIONS, platformLogBytesPerInvocation: levels.every((level) => level === 'WARN') ? 0 : DEFAULT_ASSUMPTIONS.platformLogBytesPerInvocation };
}

export function costPage(results: BenchResults, prices: PriceTable = PRICES): string {
  const facts = usageFromResults(results);
  const base = defaultConfiguration(results);
  const assumptions = assumptionsFor(results);
  const breakdown = costPerMillionOrders(facts, base, prices, assumptions);
  // Optional, off by default: priced apart so the headline stays the default configuration's.
  const withOutcomes = costPerMillionOrders(facts, { ...base, outcomeEvents: true }, prices, assumptions);
  const outcomeLine = withOutcomes.lines.find((line) => line.service === OUTCOME_EVENTS_SERVICE)!;
  const outcomeExtra = withOutcomes.totalPerMillionOrders - breakdown.totalPerMillionOrders;
  const lines: string[] = [];
  lines.push('# What a million orders cost', '');
  lines.push(`Generated by \`npm run cost\` (also the last step of \`npm run bench\`) from bench/results.json (benchmark of ${results.date.slice(0, 10)}` +
    `${results.quick ? ', a quick run: re-run `npm run bench` for figures to quote' : ''}) and the price table in bench/cost/prices.ts. Do not edit by hand.`, '');
  lines.push(`**Headline: ${usd(breakdown.totalPerMillionOrders)} per million orders** in us-east-1 with the default configuration ` +
    `(${describe(base)}), plus ${usd(breakdown.totalFixedPerMonth)} a month whatever the traffic. Free tiers are not deducted.`, '');
  lines.push('With outcome events on (`outcomeEvents: true` or any `onOrderProcessed` / `onOrderRejected` / `onOrderFailed` rule; off by default): ' +
    `+${usd(outcomeExtra)} per million orders.`, '');
  const oneStage = costPerMillionOrders(facts, { ...base, stages: 1 }, prices, assumptions);
  const twoStages = costPerMillionOrders(facts, { ...base, stages: 2 }, prices, assumptions);
  const stageExtra = oneStage.totalPerMillionOrders - breakdown.totalPerMillionOrders;
  const furtherStage = twoStages.totalPerMillionOrders - oneStage.totalPerMillionOrders;
  const stageFixed = oneStage.totalFixedPerMonth - breakdown.totalFixedPerMonth;
  lines.push(`A pipeline's first stage (\`addStage\`, see docs/stages.md) adds +${usd(stageExtra)} per million orders and +${usd(stageFixed)} a month ` +
    `(${ALARMS_PER_STAGE} alarms, idle pollers), each further stage +${usd(furtherStage)} and +${usd(stageFixed)}: the first also makes the main step ` +
    'complete its claim after publishing (one write unit); a stage\'s compensation runs only for refused orders.', '');
  lines.push('## Per million orders, default configuration', '');
  lines.push(...table(breakdown.lines, 'Per million orders'));
  lines.push(`| **Total** | | **${usd(breakdown.totalPerMillionOrders)}** |`);
  lines.push(`| Optional: ${outcomeLine.service} | ${outcomeLine.detail}; off by default, not in the total | +${usd(outcomeLine.usdPerMillionOrders)} |`, '');
  lines.push('## Fixed, per month', '');
  lines.push(...table(breakdown.fixedPerMonth, 'Per month'));
  lines.push(`| **Total** | | **${usd(breakdown.totalFixedPerMonth)}** |`, '');

  lines.push('## How it moves', '');
  lines.push('Each row changes one setting of the default configuration; durations stay at the measured figures (more memory also means more CPU, ' +
    'which would shorten the CPU-bound part of a duration: the memory rows are an upper bound).', '');
  lines.push('| Change | Per million orders | Difference | Fixed per month |', '|---|---:|---:|---:|');
  const variants: Array<[string, Configuration]> = [
    ['default', base],
    ...[1, 10].filter((size) => size !== base.batchSize).map((size): [string, Configuration] => [`batch size ${size}`, { ...base, batchSize: size }]),
    ...[128, 512, 1024].filter((mb) => mb !== base.memoryMb).map((mb): [string, Configuration] => [`memory ${mb} MB`, { ...base, memoryMb: mb }]),
    [`architecture ${base.architecture === 'arm64' ? 'x86_64' : 'arm64'}`, { ...base, architecture: base.architecture === 'arm64' ? 'x86_64' : 'arm64' }],
    ['WAF on', { ...base, waf: true }],
    ['outcome events on', { ...base, outcomeEvents: true }],
    ['one stage', { ...base, stages: 1 }],
    ['two stages', { ...base, stages: 2 }],
  ];
  for (const [label, config] of variants) {
    const variant = costPerMillionOrders(facts, config, prices, assumptions);
    const difference = variant.totalPerMillionOrders - breakdown.totalPerMillionOrders;
    lines.push(`| ${label} | ${usd(variant.totalPerMillionOrders)} | ${label === 'default' ? '-' : `${difference >= 0 ? '+' : '-'}${usd(Math.abs(difference))}`} | ${usd(variant.totalFixedPerMonth)} |`);
  }
  lines.push('');

  lines.push('## Where the numbers come from', '');
  lines.push(`- Lambda durations: the warm medians of bench/RESULTS.md section 3 (API ${facts.apiDurationMs} ms per request, worker ${facts.workerDurationPerRecordMs} ms per record ` +
    `in batches of ${results.warm.workerBatchSize}), measured against moto on this machine; on AWS the calls' latency differs (DynamoDB single-digit ms, ` +
    'PutEvents tens of ms), so treat them as an order of magnitude. Billed per 1 ms, rounded up.');
  lines.push(`- INIT (billed since August 2025): the measured cold-start process time (API ${facts.apiInitMs} ms, worker ${facts.workerInitMs} ms, section 2) on ` +
    `${DEFAULT_ASSUMPTIONS.coldStartShare * 100}% of invocations (assumption: steady traffic keeps environments warm; bursts raise the share).`);
  const largest = Object.entries(results.throughput.calls.dynamo.largestItemBytes).map(([kind, bytes]) => `${kind} ${bytes} bytes`).join(', ');
  lines.push(`- DynamoDB: the calls counted per order through a proxy (section 4): ${facts.dynamoWritesPerOrder} writes (API: Powertools' claim PutItem and the ACCEPTED PutItem; ` +
    'worker: the claim and the PROCESSED PutItem; each record write is its claim\'s completion, so there is no completion UpdateItem) and ' +
    `${facts.dynamoReadsPerOrder} strongly consistent GetItem${facts.dynamoReadsPerOrder === 1 ? '' : 's'} (the worker reads the order record once per attempt). ` +
    `Billed in request units by item size (largest items of the run: ${largest}; a write unit per started KB, a strongly consistent read unit per started 4 KB), ` +
    `plus the caller-scope index: keys only, so written once per order, when the API creates the order record (${facts.dynamoIndexWriteUnitsPerOrder} unit). ` +
    'An order with many items or large attributes makes bigger records and more units per write. TTL deletes are free.');
  lines.push('- SQS: EventBridge\'s delivery is a SendMessage billed to the queue; the event source mapping receives and deletes once per batch, and with full batches ' +
    `(steady load) one batch holds ${base.batchSize} orders. Idle, Lambda keeps ${DEFAULT_ASSUMPTIONS.idlePollers} pollers long-polling (20 s): the empty receives are a fixed monthly cost.`);
  lines.push(`- Logs: the handlers' own lines per order, EMF lines included, measured in the end-to-end run (${facts.handlerLogBytesPerOrder.toFixed(1)} bytes)` +
    (assumptions.platformLogBytesPerInvocation === 0
      ? '. No Lambda platform lines: the functions\' system log level is WARN, so Lambda writes START, END and REPORT only for a failed invocation ' +
        `(at INFO they would add about ${DEFAULT_ASSUMPTIONS.platformLogBytesPerInvocation} bytes per invocation).`
      : `, plus an assumed ${assumptions.platformLogBytesPerInvocation} bytes of Lambda platform lines per invocation.`) +
    ' Storage (two weeks\' retention) is not counted.');
  lines.push(`- Metrics, alarms, dashboard: ${facts.customMetrics} custom metrics the handlers can emit (each business metric, OrdersRejected once per reason), ${facts.alarms} alarms and ${facts.dashboards} dashboard(s) in the synthesized template.`);
  lines.push('- Outcome events (off by default): the worker publishes one per order with its own PutEvents (OrderProcessed, OrderRejected, or OrderFailed on the last attempt), ' +
    'a custom event on the workflow\'s bus priced like OrderCreated. Not counted: a republication (publication is at least once), a FAILED order replayed and then ' +
    'processed (a second outcome), events over 64 KB (billed per 64 KB chunk), the PutEvents call\'s time in the worker\'s duration (the benchmark runs with them off), ' +
    'and what each subscriber\'s rule delivers to its target (billed by the target, e.g. an SQS SendMessage).');
  lines.push(`- WAF (off by default): one web ACL with ${DEFAULT_ASSUMPTIONS.wafRules} rules (three AWS managed rule groups and a rate-based rule) and every request inspected.`, '');

  lines.push(...targetSection(breakdown, facts, prices), '');

  lines.push('## Prices (us-east-1)', '');
  lines.push('| Price | USD | Unit | Source | Taken | Basis |', '|---|---:|---|---|---|---|');
  for (const [id, price] of Object.entries(prices)) {
    lines.push(`| ${id} | ${price.usd} | ${price.unit} | ${price.source} | ${price.taken} | ${price.basis} |`);
  }
  lines.push('', '"memory": no stored copy of the page was available offline; the list price as known on that date. Check it against the source before quoting.', '');
  return `${lines.join('\n')}\n`;
}

/** The goal of at most $8.50 per million orders with every guarantee kept: what each lever bought, and what is left. */
const TARGET_USD = 8.5;

function targetSection(breakdown: CostBreakdown, facts: UsageFacts, prices: PriceTable): string[] {
  const total = breakdown.totalPerMillionOrders;
  const write = prices.dynamoWriteUnitsPerMillion.usd;
  const lineOf = (service: string) => breakdown.lines.find((line) => line.service === service)?.usdPerMillionOrders ?? 0;
  // Every guarantee kept: each side's claim and record write, and the index entry; the rest as measured.
  const fixedServices = ['API Gateway', 'EventBridge', 'SQS', 'Lambda (API)', 'Lambda (worker)'];
  const floor = fixedServices.reduce((sum, service) => sum + lineOf(service), 0) + FLOOR_WRITE_UNITS * write;
  const read = prices.dynamoReadUnitsPerMillion.usd;
  const logs = (bytes: number) => bytes * MILLION_ORDERS / 1e9 * prices.logsIngestionPerGb.usd;
  const met = total <= TARGET_USD;
  return [
    `## The target: ${usd(TARGET_USD)} per million orders`, '',
    met
      ? `Met: ${usd(total)} with every guarantee of the README kept.`
      : `Not met: ${usd(total)}, ${usd(total - TARGET_USD)} above, with every guarantee of the README kept. What was measured and what each lever bought ` +
        '(DynamoDB units from the proxy counts of bench/RESULTS.md section 4, at the prices below):',
    '',
    '| Lever | What changed per order | Per million orders |', '|---|---|---:|',
    `| The worker reads the order record once per attempt | 2 strongly consistent GetItems -> 1 | -${usd(read)} |`,
    `| Fewer handler log bytes | 1,409 bytes when the target was set -> ${Math.round(facts.handlerLogBytesPerOrder)} bytes | -${usd(logs(1409 - facts.handlerLogBytesPerOrder))} |`,
    `| The order record is the claim's completion (API and worker) | Powertools' completion UpdateItem skipped on both sides: 7 write units -> 5 | -${usd(2 * write)} |`,
    '',
    'What is left, and why it is not taken at defaults:', '',
    `- REST API Gateway (${usd(prices.apiGatewayRestPerMillion.usd)}), EventBridge (${usd(prices.eventBridgeCustomEventsPerMillion.usd)}) and SQS are the architecture: ` +
      'an HTTP API costs less per request but has no WAF, usage plans, API keys or request validation.',
    `- The API's claim (${usd(write)}): publishing first and creating the record conditionally saves it, but two different bodies under one key ` +
      'sent at once would then both be published: a doubled order instead of a 422.',
    `- The caller-scope index write (${usd(write)}): the recent-orders list (GET /orders) needs it; a table keyed by caller and time would ` +
      'make it free, at the price of migrating every retained order.',
    `- The worker's GetItem (${usd(read)}): its claim could be a conditional update of the order record that returns the record; ` +
      'that needs the order store to write with UpdateItem instead of whole-item PutItems first.',
    `- Logs (${usd(logs(facts.handlerLogBytesPerOrder))}): fewer bytes per line buy cents; the saved queries and the README's log table must keep matching.`,
    '',
    `The floor with every guarantee and the REST API: API Gateway, EventBridge, SQS and both functions as measured, and ${FLOOR_WRITE_UNITS} write units ` +
      `(each side's claim and record, the index entry) come to ${usd(floor)}${floor > TARGET_USD ? `, above ${usd(TARGET_USD)} before a single log line` : ''}.`,
  ];
}

const MILLION_ORDERS = 1_000_000;
/** The fewest write units per order that keep every guarantee: API claim, ACCEPTED record, index entry; worker claim, status. */
const FLOOR_WRITE_UNITS = 5;

function describe(config: Configuration): string {
  return `${config.memoryMb} MB ${config.architecture} functions, batch size ${config.batchSize}, WAF ${config.waf ? 'on' : 'off'}, ` +
    `outcome events ${config.outcomeEvents ? 'on' : 'off'}`;
}

function table(lines: CostBreakdown['lines'], heading: string): string[] {
  return [`| Service | What | ${heading} |`, '|---|---|---:|', ...lines.map((line) => `| ${line.service} | ${line.detail} | ${usd(line.usdPerMillionOrders)} |`)];
}

export function writeCostPage(results: BenchResults, file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, costPage(results));
}

if (require.main === module) {
  const repoRoot = path.resolve(__dirname, '..', '..');
  const resultsFile = path.join(repoRoot, 'bench', 'results.json');
  if (!fs.existsSync(resultsFile)) {
    console.error(`${resultsFile} does not exist: run \`npm run bench\` first.`);
    process.exit(2);
  }
  const out = path.join(repoRoot, 'docs', 'cost.md');
  writeCostPage(JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as BenchResults, out);
  console.error(`wrote ${path.relative(repoRoot, out)}`);
}
