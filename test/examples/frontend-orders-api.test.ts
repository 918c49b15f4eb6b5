/**
 * The console's reads of the orders API (examples/frontend/src/orders-api.ts) with stages: an
 * order's `stages` read strictly, the stages' queue pairs of GET /ops/queues, and the stage a
 * redrive names (the POST's body, GET /ops/redrive's query). fetch is replaced by the test.
 */
import * as path from 'node:path';
import { buildSync } from 'esbuild';

/**
 * What the test uses of orders-api.ts. Declared here rather than imported: the frontend is
 * type-checked by its own tsconfig (bundler resolution), which this project's cannot load.
 */
type Order = Record<string, unknown> & { readonly stages?: unknown[]; readonly rejectedStep?: string; readonly failedStep?: string };
interface OrdersApi {
  listOrders(apiUrl: string, limit: number, cursor: string | undefined): Promise<{ orders: Order[] }>;
  queueDepths(apiUrl: string): Promise<Record<string, unknown> & { stages?: unknown[] }>;
  startRedrive(apiUrl: string, options?: { token?: string; stage?: string }): Promise<unknown>;
  latestRedrive(apiUrl: string, options?: { token?: string; stage?: string }): Promise<unknown>;
  withParsedStages(order: unknown): Order;
}

/**
 * The frontend is an ES module package (`"type": "module"`, built by Vite), which jest's CommonJS
 * runtime cannot require: the module is bundled to CommonJS with esbuild, as it is, and loaded.
 */
function loadFrontendModule<T>(file: string): T {
  const [output] = buildSync({
    entryPoints: [path.resolve(__dirname, '..', '..', 'examples', 'frontend', 'src', file)],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  }).outputFiles;
  const module = { exports: {} };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function('module', 'exports', 'require', output.text)(module, module.exports, require);
  return module.exports as T;
}

const { latestRedrive, listOrders, queueDepths, startRedrive, withParsedStages } = loadFrontendModule<OrdersApi>('orders-api.ts');

const API = 'https://api.example.test/prod/';
const ORDER = { orderId: 'o-1', eventId: 'e-1', status: 'REJECTED', createdAt: '2026-12-07T06:00:00.000Z', items: [{ sku: 'A', qty: 1 }] };

let calls: Array<{ url: string; init: RequestInit }>;
let answer: unknown;
const realFetch = global.fetch;

beforeEach(() => {
  calls = [];
  global.fetch = jest.fn(async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    return new Response(JSON.stringify(answer), { status: 200, headers: { 'Content-Type': 'application/json' } });
  }) as typeof fetch;
});

afterAll(() => {
  global.fetch = realFetch;
});

describe('an order\'s stages', () => {
  test('kept in order with their fields; rejectedStep and failedStep kept', async () => {
    answer = {
      orders: [{
        ...ORDER,
        rejectedStep: 'stock',
        reason: 'out of stock',
        stages: [
          { name: 'main', status: 'COMPLETED', at: '2026-12-07T06:00:01.000Z', attempts: 1, result: { ok: true } },
          { name: 'payment', status: 'COMPENSATED', at: '2026-12-07T06:00:03.000Z', attempts: 2, lastError: 'timeout' },
          { name: 'stock', status: 'REJECTED', at: '2026-12-07T06:00:02.000Z', attempts: 1, reason: 'out of stock' },
          { name: 'later', status: 'PENDING', attempts: 0 },
        ],
      }],
    };
    const [order] = (await listOrders(API, 20, undefined)).orders;
    expect(order.stages).toEqual([
      { name: 'main', status: 'COMPLETED', at: '2026-12-07T06:00:01.000Z', attempts: 1 },
      { name: 'payment', status: 'COMPENSATED', at: '2026-12-07T06:00:03.000Z', attempts: 2, lastError: 'timeout' },
      { name: 'stock', status: 'REJECTED', at: '2026-12-07T06:00:02.000Z', attempts: 1, reason: 'out of stock' },
      { name: 'later', status: 'PENDING', attempts: 0 },
    ]);
    expect(order.rejectedStep).toBe('stock');
    expect(order.failedStep).toBeUndefined();
  });

  test('entries without a name or with an unknown status are dropped, fields of the wrong type left out', () => {
    const order = withParsedStages({
      ...ORDER,
      failedStep: 7,
      stages: [
        { status: 'COMPLETED', attempts: 1 }, { name: 'x', status: 'DONE', attempts: 1 }, 'main', null,
        { name: 'payment', status: 'FAILED', at: 5, attempts: '3', lastError: '', reason: null },
      ],
    });
    expect(order.stages).toEqual([{ name: 'payment', status: 'FAILED', attempts: 0 }]);
    expect('failedStep' in order).toBe(false);
  });

  test('an order without stages (or with an empty or unreadable list) has none, and keeps its other fields', () => {
    for (const stages of [undefined, [], 'main', { main: 'COMPLETED' }]) {
      const order = withParsedStages({ ...ORDER, reason: 'no', stages });
      expect('stages' in order).toBe(false);
      expect(order).toMatchObject({ ...ORDER, reason: 'no' });
    }
  });
});

describe('the stages\' queues and their redrive', () => {
  test('GET /ops/queues: the stages\' pairs, in order; without stages none', async () => {
    const depth = { visible: 2, inFlight: 1, oldestAgeSeconds: null };
    answer = { mainQueue: depth, deadLetterQueue: depth, stages: [{ name: 'payment', mainQueue: depth, deadLetterQueue: { visible: 4, inFlight: 0 } }, { mainQueue: depth }] };
    expect((await queueDepths(API)).stages).toEqual([
      { name: 'payment', mainQueue: { visible: 2, inFlight: 1, oldestAgeSeconds: undefined }, deadLetterQueue: { visible: 4, inFlight: 0, oldestAgeSeconds: undefined } },
    ]);
    answer = { mainQueue: depth, deadLetterQueue: depth };
    expect('stages' in await queueDepths(API)).toBe(false);
  });

  test('POST /ops/redrive: {"stage": name} as JSON for a stage, no body for the main pair', async () => {
    answer = { taskHandle: 't', approximateNumberOfMessagesToMove: 2 };
    await startRedrive(API, { token: 'tok', stage: 'payment/compensation' });
    await startRedrive(API, { token: 'tok' });
    expect(calls.map(({ url, init }) => [url, init.method, init.body, (init.headers as Record<string, string>)['Content-Type']])).toEqual([
      [`${API}ops/redrive`, 'POST', '{"stage":"payment/compensation"}', 'application/json'],
      [`${API}ops/redrive`, 'POST', undefined, undefined],
    ]);
  });

  test('GET /ops/redrive: ?stage=<name> for a stage', async () => {
    answer = { status: 'RUNNING' };
    await latestRedrive(API, { stage: 'payment/compensation' });
    await latestRedrive(API);
    expect(calls.map(({ url }) => url)).toEqual([`${API}ops/redrive?stage=payment%2Fcompensation`, `${API}ops/redrive`]);
  });
});
