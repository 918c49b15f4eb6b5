/**
 * The cost model's arithmetic on a tiny price table (every figure worked out by hand below),
 * and docs/cost.md being what the generator makes of the committed bench/results.json.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assumptionsFor, costPage } from '../../bench/cost/generate';
import { Assumptions, Configuration, costPerMillionOrders, DEFAULT_ASSUMPTIONS, OUTCOME_EVENTS_SERVICE, UsageFacts } from '../../bench/cost/model';
import { PRICES, Price, PriceId, PriceTable } from '../../bench/cost/prices';
import { parseBenchOptions } from '../../bench/options';
import { BenchResults } from '../../bench/results';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

function table(usd: Partial<Record<PriceId, number>>): PriceTable {
  const entries = (Object.keys(PRICES) as PriceId[]).map((id): [PriceId, Price] => [id, { ...PRICES[id], usd: usd[id] ?? 0 }]);
  return Object.fromEntries(entries) as Record<PriceId, Price>;
}

const FACTS: UsageFacts = {
  apiDurationMs: 99.2, // billed 100 ms
  apiInitMs: 400,
  workerDurationPerRecordMs: 20, // 100 ms per batch of 5
  workerInitMs: 500,
  dynamoWritesPerOrder: 6,
  dynamoReadsPerOrder: 2,
  // Billed by units, not calls: one write of a 1.5 KB item is 2 units, and the index adds 1.
  dynamoWriteUnitsPerOrder: 8,
  dynamoReadUnitsPerOrder: 2,
  dynamoIndexWriteUnitsPerOrder: 1,
  handlerLogBytesPerOrder: 1000,
  workerDynamoWritesPerOrder: 3,
  workerDynamoReadsPerOrder: 1,
  workerDynamoWriteUnitsPerOrder: 4,
  workerDynamoReadUnitsPerOrder: 1,
  workerLogBytesPerOrder: 400,
  customMetrics: 7,
  alarms: 8,
  dashboards: 1,
};
const CONFIG: Configuration = { memoryMb: 1024, architecture: 'arm64', batchSize: 5, waf: false };
const ASSUMPTIONS: Assumptions = { coldStartShare: 0.01, platformLogBytesPerInvocation: 500, idlePollers: 5, wafRules: 4 };

const line = (breakdown: ReturnType<typeof costPerMillionOrders>, service: string) =>
  [...breakdown.lines, ...breakdown.fixedPerMonth].find((candidate) => candidate.service === service)?.usdPerMillionOrders;

test('per-request prices: one API Gateway request, one event, SQS send + receive + delete per batch, DynamoDB units', () => {
  const prices = table({
    apiGatewayRestPerMillion: 3,
    eventBridgeCustomEventsPerMillion: 2,
    sqsRequestsPerMillion: 1,
    dynamoWriteUnitsPerMillion: 10,
    dynamoReadUnitsPerMillion: 100,
  });
  const cost = costPerMillionOrders(FACTS, CONFIG, prices, ASSUMPTIONS);
  expect(line(cost, 'API Gateway')).toBe(3);
  expect(line(cost, 'EventBridge')).toBe(2);
  // 1,000,000 sends + 200,000 batches x (receive + delete) = 1.4 million requests.
  expect(line(cost, 'SQS')).toBeCloseTo(1.4, 10);
  expect(line(cost, 'DynamoDB')).toBeCloseTo(8 * 10 + 2 * 100, 10);
  expect(line(cost, 'AWS WAF')).toBeUndefined();
});

test('Lambda: requests plus GB-seconds of the billed duration (rounded up to 1 ms) and of INIT on the cold-start share', () => {
  const prices = table({ lambdaRequestsPerMillion: 1, lambdaArmGbSecond: 1, lambdaX86GbSecond: 2 });
  const cost = costPerMillionOrders(FACTS, CONFIG, prices, ASSUMPTIONS);
  // API: 1e6 requests -> $1; 1e6 x (100 ms + 1% x 400 ms) = 104,000 s x 1 GB x $1.
  expect(line(cost, 'Lambda (API)')).toBeCloseTo(1 + 104_000, 6);
  // Worker: 200,000 invocations -> $0.2; 200,000 x (100 ms + 1% x 500 ms) = 21,000 s.
  expect(line(cost, 'Lambda (worker)')).toBeCloseTo(0.2 + 21_000, 6);
  const x86 = costPerMillionOrders(FACTS, { ...CONFIG, architecture: 'x86_64', memoryMb: 512 }, prices, ASSUMPTIONS);
  expect(line(x86, 'Lambda (API)')).toBeCloseTo(1 + 104_000 * 0.5 * 2, 6);
  const batchOfTen = costPerMillionOrders(FACTS, { ...CONFIG, batchSize: 10 }, prices, ASSUMPTIONS);
  // 100,000 invocations of 200 ms (+ 1% x 500 ms).
  expect(line(batchOfTen, 'Lambda (worker)')).toBeCloseTo(0.1 + 100_000 * 0.205, 6);
});

test('logs per GB ingested; fixed monthly costs: idle pollers, metrics, alarms, dashboard, WAF when on', () => {
  const prices = table({
    logsIngestionPerGb: 1,
    sqsRequestsPerMillion: 1,
    customMetricPerMonth: 1,
    alarmPerMonth: 10,
    dashboardPerMonth: 100,
    wafWebAclPerMonth: 1000,
    wafRulePerMonth: 10_000,
    wafRequestsPerMillion: 7,
  });
  const cost = costPerMillionOrders(FACTS, CONFIG, prices, ASSUMPTIONS);
  // 1e6 x 1000 bytes + 1.2e6 invocations x 500 bytes = 1.6 GB.
  expect(line(cost, 'CloudWatch Logs')).toBeCloseTo(1.6, 10);
  // 5 pollers, one receive per 20 s, 30 days: 648,000 receives.
  expect(line(cost, 'SQS (idle pollers)')).toBeCloseTo(0.648, 10);
  expect(line(cost, 'CloudWatch metrics')).toBe(7);
  expect(line(cost, 'CloudWatch alarms')).toBe(80);
  expect(line(cost, 'CloudWatch dashboard')).toBe(100);
  expect(cost.totalFixedPerMonth).toBeCloseTo(0.648 + 7 + 80 + 100, 10);
  const withWaf = costPerMillionOrders(FACTS, { ...CONFIG, waf: true }, prices, ASSUMPTIONS);
  expect(withWaf.lines.find((candidate) => candidate.service === 'AWS WAF')?.usdPerMillionOrders).toBe(7);
  expect(withWaf.fixedPerMonth.find((candidate) => candidate.service === 'AWS WAF')?.usdPerMillionOrders).toBe(1000 + 4 * 10_000);
  expect(withWaf.totalPerMillionOrders - cost.totalPerMillionOrders).toBeCloseTo(7, 10);
});

test('outcome events: one custom event per order at the OrderCreated price and the worker\'s claim completion, only when on', () => {
  const prices = table({ eventBridgeCustomEventsPerMillion: 2, dynamoWriteUnitsPerMillion: 10 });
  const off = costPerMillionOrders(FACTS, CONFIG, prices, ASSUMPTIONS);
  expect(line(off, OUTCOME_EVENTS_SERVICE)).toBeUndefined();
  const on = costPerMillionOrders(FACTS, { ...CONFIG, outcomeEvents: true }, prices, ASSUMPTIONS);
  // The event, and one write unit: the worker completes its claim after publishing.
  expect(line(on, OUTCOME_EVENTS_SERVICE)).toBe(2 + 10);
  // OrderCreated is still billed once; the outcome is a second event, nothing else moves.
  expect(line(on, 'EventBridge')).toBe(2);
  expect(on.totalPerMillionOrders - off.totalPerMillionOrders).toBeCloseTo(12, 10);
  expect(on.totalFixedPerMonth).toBe(off.totalFixedPerMonth);
});

test('a stage repeats the worker\'s share per order (its event, SQS, a worker run, its writes and read, its logs) and adds seven alarms and its pollers', () => {
  const prices = table({
    eventBridgeCustomEventsPerMillion: 2,
    sqsRequestsPerMillion: 1,
    dynamoWriteUnitsPerMillion: 10,
    dynamoReadUnitsPerMillion: 100,
    lambdaRequestsPerMillion: 1,
    lambdaArmGbSecond: 1,
    logsIngestionPerGb: 1,
    alarmPerMonth: 10,
  });
  const none = costPerMillionOrders(FACTS, CONFIG, prices, ASSUMPTIONS);
  const two = costPerMillionOrders(FACTS, { ...CONFIG, stages: 2 }, prices, ASSUMPTIONS);
  // Per stage: $2 event + $1.4 SQS + worker Lambda ($0.2 + 21,000) + 4 write units and its claim's completion x $10 + 1 read unit x $100
  // + logs (1e6 x 400 + 200,000 x 500 bytes = 0.5 GB); once: the main step's claim completion (it publishes too), 1 write unit.
  const perStage = 2 + 1.4 + 0.2 + 21_000 + 50 + 100 + 0.5;
  expect(line(two, 'Stages')).toBeCloseTo(10 + 2 * perStage, 6);
  expect(two.totalPerMillionOrders - none.totalPerMillionOrders).toBeCloseTo(10 + 2 * perStage, 6);
  // With outcome events the main step's completion is already in their line.
  const withOutcomes = costPerMillionOrders(FACTS, { ...CONFIG, stages: 2, outcomeEvents: true }, prices, ASSUMPTIONS);
  expect(line(withOutcomes, 'Stages')).toBeCloseTo(2 * perStage, 6);
  expect(line(none, 'Stages')).toBeUndefined();
  expect(line(two, 'CloudWatch alarms')! - line(none, 'CloudWatch alarms')!).toBe(2 * 7 * 10);
  expect(line(two, 'SQS (idle pollers)')).toBeCloseTo(3 * line(none, 'SQS (idle pollers)')!, 10);
});

test('platform log lines are counted only when a function\'s system log level lets Lambda write them for every invocation', () => {
  const withLevels = (api?: string, worker?: string) => ({
    functions: {
      api: { memorySize: 256, timeoutSeconds: 10, architecture: 'arm64', ...(api ? { systemLogLevel: api } : {}) },
      worker: { memorySize: 256, timeoutSeconds: 30, architecture: 'arm64', batchSize: 5, ...(worker ? { systemLogLevel: worker } : {}) },
    },
  }) as unknown as BenchResults;
  expect(assumptionsFor(withLevels('WARN', 'WARN')).platformLogBytesPerInvocation).toBe(0);
  expect(assumptionsFor(withLevels('WARN', 'INFO')).platformLogBytesPerInvocation).toBe(DEFAULT_ASSUMPTIONS.platformLogBytesPerInvocation);
  expect(assumptionsFor(withLevels()).platformLogBytesPerInvocation).toBe(DEFAULT_ASSUMPTIONS.platformLogBytesPerInvocation);
});

test('docs/cost.md: the headline is without outcome events, which show as an optional line', () => {
  const results = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'bench', 'results.json'), 'utf8')) as BenchResults;
  const page = costPage(results);
  const total = /\*\*Headline: \$([\d.]+) per million orders\*\*/.exec(page)![1];
  expect(page).toContain(`| **Total** | | **$${total}** |\n| Optional: ${OUTCOME_EVENTS_SERVICE} |`);
  expect(page).toContain('outcome events off)');
  // $1.00 the event, $0.625 the worker's claim completion (one write unit).
  expect(page).toMatch(/With outcome events on \([^)]*off by default\): \+\$1\.63 per million orders\./);
  expect(page).toMatch(/\| outcome events on \| \$[\d.]+ \| \+\$1\.63 \|/);
  // From the price table, not a constant: another price moves the line.
  const dearer = { ...PRICES, eventBridgeCustomEventsPerMillion: { ...PRICES.eventBridgeCustomEventsPerMillion, usd: 1.5 } };
  expect(costPage(results, dearer)).toMatch(/With outcome events on \([^)]*\): \+\$2\.13 per million orders\./);
});

test('what a stage adds, as docs/cost.md works it out, is what the README states', () => {
  const results = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'bench', 'results.json'), 'utf8')) as BenchResults;
  const stated = /first stage \(`addStage`[^)]*\) adds \+(\$[\d.]+) per million orders/.exec(costPage(results))?.[1];
  expect(stated).toMatch(/^\$\d/);
  // The README's wording may change; the figure next to "per million orders" in its stages paragraph may not drift.
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
  expect(readme).toContain(`+${stated} per million orders`);
});

test('the total is the sum of the lines', () => {
  const cost = costPerMillionOrders(FACTS, CONFIG, PRICES, ASSUMPTIONS);
  expect(cost.totalPerMillionOrders).toBeCloseTo(cost.lines.reduce((sum, item) => sum + item.usdPerMillionOrders, 0), 10);
});

test('every price says where it is from and when it was taken', () => {
  for (const price of Object.values(PRICES)) {
    expect(price.source).toMatch(/https:\/\/aws\.amazon\.com\//);
    expect(price.taken).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(price.usd).toBeGreaterThan(0);
  }
});

test('docs/cost.md is what `npm run cost` makes of the committed bench/results.json', () => {
  const results = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'bench', 'results.json'), 'utf8')) as BenchResults;
  expect(fs.readFileSync(path.join(REPO_ROOT, 'docs', 'cost.md'), 'utf8')).toBe(costPage(results));
});

describe('bench options', () => {
  test('full sizes by default, the quick ones with --quick or BENCH_QUICK, each size by flag or variable', () => {
    expect(parseBenchOptions([], {}, REPO_ROOT)).toMatchObject({ pairs: 21, orders: 1000, concurrency: 16, quick: false, cost: true });
    expect(parseBenchOptions(['--quick'], {}, REPO_ROOT)).toMatchObject({ quick: true, pairs: 3 });
    expect(parseBenchOptions([], { BENCH_QUICK: 'true', BENCH_ORDERS: '7' }, REPO_ROOT)).toMatchObject({ quick: true, orders: 7 });
    expect(parseBenchOptions(['--pairs=5', '--raw-calls', '9', '--no-cost'], {}, REPO_ROOT)).toMatchObject({ pairs: 5, rawCalls: 9, cost: false });
  });

  test('a bad option is a clear error', () => {
    expect(() => parseBenchOptions(['--pairs', '0'], {}, REPO_ROOT)).toThrow(/--pairs must be an integer >= 1, got '0'/);
    expect(() => parseBenchOptions(['--orders'], {}, REPO_ROOT)).toThrow(/--orders needs a value/);
    expect(() => parseBenchOptions(['--fast'], {}, REPO_ROOT)).toThrow(/Unknown option --fast/);
    expect(() => parseBenchOptions(['quick'], {}, REPO_ROOT)).toThrow(/Unexpected argument 'quick'/);
    expect(() => parseBenchOptions([], { BENCH_PAIRS: 'many' }, REPO_ROOT)).toThrow(/--pairs must be an integer/);
  });
});

test('docs/cost.md: the target section says whether $8.50 is met, and the floor with every guarantee follows the price table', () => {
  const results = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'bench', 'results.json'), 'utf8')) as BenchResults;
  const page = costPage(results);
  const total = Number(/\*\*Headline: \$([\d.]+) per million orders\*\*/.exec(page)![1]);
  expect(page).toContain(total > 8.5 ? `Not met: $${total.toFixed(2)}` : `Met: $${total.toFixed(2)}`);
  const floor = Number(/come to \$([\d.]+)/.exec(page)![1]);
  expect(floor).toBeLessThan(total);
  expect(page.includes('above $8.50 before a single log line')).toBe(floor > 8.5);
  // A REST request at $1.00 instead of $3.50 moves the total and the floor by $2.50: met, and no floor above it.
  const cheaper = costPage(results, { ...PRICES, apiGatewayRestPerMillion: { ...PRICES.apiGatewayRestPerMillion, usd: 1 } });
  expect(cheaper).toContain(`Met: $${(total - 2.5).toFixed(2)}`);
  expect(cheaper).toContain(`come to $${(floor - 2.5).toFixed(2)}.`);
});
