/**
 * The JSON Schemas shipped in schemas/: the committed files are what the generator writes, the
 * events the handlers really build validate, and wrong ones are refused. ajv's 2020-12 validator
 * stands in for a consumer's; `date-time` is checked with the worker's own rule (a consumer adds
 * ajv-formats).
 */
import { readFileSync } from 'fs';
import * as path from 'path';
import Ajv2020 from 'ajv/dist/2020';
import * as z from 'zod';
import { buildOrderCreatedDetail } from '../../lambda/api/order-created';
import type { OrderCreatedDetail } from '../../lambda/shared/order-contract';
import type { OrderRecord } from '../../lambda/shared/order-state';
import { parseOrderCreatedRecord } from '../../lambda/worker/order-event';
import { outcomeEvent } from '../../lambda/worker/outcome-events';
import { compensationRequestDetail, stepCompletedDetail } from '../../lambda/worker/step-events';
import { EVENT_SCHEMA_FILES, EventDetailType, renderEventSchemas, STEP_COMPLETED_SCHEMA_FILE } from '../../projenrc/event-schemas';
import { OrderDetailType } from '../../src';

const SCHEMAS_DIR = path.join(__dirname, '..', '..', 'schemas');
const committed = (detailType: EventDetailType) => JSON.parse(readFileSync(path.join(SCHEMAS_DIR, EVENT_SCHEMA_FILES[detailType]), 'utf8'));

const ajv = new Ajv2020({ strict: true, allErrors: true });
const isoDateTime = z.iso.datetime({ offset: true });
ajv.addFormat('date-time', (value: string) => isoDateTime.safeParse(value).success);
for (const detailType of Object.keys(EVENT_SCHEMA_FILES) as EventDetailType[]) ajv.addSchema(committed(detailType));
const stepCompleted = JSON.parse(readFileSync(path.join(SCHEMAS_DIR, STEP_COMPLETED_SCHEMA_FILE), 'utf8'));
ajv.addSchema(stepCompleted);
/** The schema of a step's completed event, whatever its detail type. */
const STEP_COMPLETED = 'step completed';
const validatorOf = (detailType: EventDetailType | typeof STEP_COMPLETED) =>
  ajv.getSchema(detailType === STEP_COMPLETED ? stepCompleted.$id : committed(detailType).$id)!;

/** The errors ajv reports, or [] when the detail validates. */
function errorsOf(detailType: EventDetailType | typeof STEP_COMPLETED, detail: unknown): string[] {
  const validate = validatorOf(detailType);
  return validate(detail) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message}`);
}

test('the committed schemas are what the generator writes (run `npx projen generate:event-schemas`)', () => {
  const expected = renderEventSchemas();
  expect([...expected.keys()].map((file) => path.relative(SCHEMAS_DIR, file)).sort())
    .toEqual([...Object.values(EVENT_SCHEMA_FILES), STEP_COMPLETED_SCHEMA_FILE].sort());
  for (const [file, content] of expected) expect(readFileSync(file, 'utf8')).toBe(content);
});

test('one schema per detail type the construct names, each with its $id, title and draft 2020-12', () => {
  expect(Object.keys(EVENT_SCHEMA_FILES).sort()).toEqual(Object.values({ ...OrderDetailType }).sort());
  for (const detailType of Object.keys(EVENT_SCHEMA_FILES) as EventDetailType[]) {
    const schema = committed(detailType);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe(`https://unpkg.com/cdk-orders-workflow/schemas/${EVENT_SCHEMA_FILES[detailType]}`);
    expect(schema.title).toBe(`${detailType} event detail`);
  }
});

const NOW = new Date('2025-03-01T12:00:00.000Z');
const plainOrder = buildOrderCreatedDetail({ items: [{ sku: 'SKU-1', qty: 2 }] }, {}, NOW);
const richOrder = buildOrderCreatedDetail({
  orderId: 'order-7',
  customerId: 'customer-1',
  items: [{ sku: 'SKU-1', qty: 1, attributes: { price: 3.5, tags: ['gift'] } }, { sku: 'SKU-2', qty: 10_000 }],
  attributes: { currency: 'EUR', shipTo: { city: 'Lyon', zip: '69001' } },
}, { deduplicationKey: 'caller#key-1', submittedBy: { type: 'cognito', id: 'sub-1', username: 'ana' } }, NOW);
/** An event of schema 1.0, before attributes: still in queues and DLQs during an upgrade. */
const versionOneZero = (({ attributes: _a, ...rest }) => ({ ...rest, schemaVersion: '1.0' }))(plainOrder) as unknown as OrderCreatedDetail;

/** The worker's record of an order, as its status writes leave it for each outcome. */
function recordOf(detail: OrderCreatedDetail, outcome: Partial<OrderRecord> & Pick<OrderRecord, 'status'>): OrderRecord {
  return {
    id: `order#public#${detail.orderId}`,
    scope: 'public',
    orderId: detail.orderId,
    eventId: detail.eventId,
    createdAt: detail.createdAt,
    updatedAt: '2025-03-01T12:00:05.000Z',
    ...(detail.customerId !== undefined ? { customerId: detail.customerId } : {}),
    items: detail.items.map((item) => ({ ...item })),
    ...(detail.submittedBy !== undefined ? { submittedBy: detail.submittedBy } : {}),
    ...(detail.attributes !== undefined ? { attributes: detail.attributes } : {}),
    attempts: 1,
    history: [],
    version: 3,
    ...outcome,
  };
}

describe('OrderCreated details the API builds validate, and the worker reads them', () => {
  test.each<[string, OrderCreatedDetail]>([
    ['without attributes', plainOrder],
    ['with order and item attributes, ids derived from a key, submittedBy', richOrder],
    ['a 1.0 event', versionOneZero],
  ])('%s', (_name, detail) => {
    expect(errorsOf('OrderCreated', detail)).toEqual([]);
    expect(() => parseOrderCreatedRecord(JSON.stringify({ 'source': 's', 'detail-type': 'OrderCreated', detail }))).not.toThrow();
  });
});

describe('outcome details the worker builds validate', () => {
  test.each<[string, EventDetailType, OrderRecord]>([
    ['PROCESSED with a result', 'OrderProcessed', recordOf(richOrder, { status: 'PROCESSED', processedAt: '2025-03-01T12:00:04.000Z', result: { reservationId: 'r-1' } })],
    ['PROCESSED without a result', 'OrderProcessed', recordOf(plainOrder, { status: 'PROCESSED', processedAt: '2025-03-01T12:00:04.000Z' })],
    ['REJECTED', 'OrderRejected', recordOf(richOrder, { status: 'REJECTED', reason: 'unknown sku' })],
    ['FAILED after 5 attempts', 'OrderFailed', recordOf(plainOrder, { status: 'FAILED', attempts: 5, lastError: 'Error: boom' })],
  ])('%s: %s', (_name, detailType, record) => {
    const event = outcomeEvent(record)!;
    expect(event.detailType).toBe(detailType);
    expect(errorsOf(detailType, event.detail)).toEqual([]);
    // An outcome is no other outcome.
    for (const other of ['OrderProcessed', 'OrderRejected', 'OrderFailed'] as const) {
      if (other !== detailType) expect(errorsOf(other, event.detail)).not.toEqual([]);
    }
  });
});

describe('the step events the worker builds validate (stages)', () => {
  const results = { main: { valid: true }, payment: { authorizationId: 'auth-1' } };

  test('a step\'s completed event, and not as an outcome', () => {
    const detail = stepCompletedDetail(richOrder as any, 'payment', results, '2025-03-01T12:00:04.000Z');
    expect(errorsOf(STEP_COMPLETED, detail)).toEqual([]);
    expect(errorsOf('OrderCompensationRequested', detail)).not.toEqual([]);
    expect(errorsOf(STEP_COMPLETED, { ...detail, results: { payment: 'auth-1' } })).toContain('/results/payment must be object');
  });

  test('OrderCompensationRequested, with and without stages left to undo', () => {
    for (const toCompensate of [['payment'], ['payment', 'fraud-check']]) {
      const detail = compensationRequestDetail(plainOrder as any, toCompensate, 'stock', 'out of stock', results);
      expect(errorsOf('OrderCompensationRequested', detail)).toEqual([]);
      expect(errorsOf(STEP_COMPLETED, detail)).not.toEqual([]);
    }
    const detail = compensationRequestDetail(plainOrder as any, ['payment'], 'stock', 'out of stock', results);
    expect(errorsOf('OrderCompensationRequested', { ...detail, rejectedStep: undefined })).toContain("(root) must have required property 'rejectedStep'");
  });

  test('OrderProcessed with every step\'s results', () => {
    const record = recordOf(plainOrder, {
      status: 'PROCESSED',
      processedAt: '2025-03-01T12:00:04.000Z',
      result: { reservationId: 'r-1' },
      steps: { main: { index: 0, status: 'COMPLETED', attempts: 1, result: { valid: true } }, stock: { index: 1, status: 'COMPLETED', attempts: 1, result: { reservationId: 'r-1' } } },
    });
    const event = outcomeEvent(record)!;
    expect(event.detail).toMatchObject({ results: { main: { valid: true }, stock: { reservationId: 'r-1' } } });
    expect(errorsOf('OrderProcessed', event.detail)).toEqual([]);
  });
});

describe('wrong details are refused', () => {
  const processed = outcomeEvent(recordOf(plainOrder, { status: 'PROCESSED', processedAt: '2025-03-01T12:00:04.000Z' }))!.detail;
  const rejected = outcomeEvent(recordOf(plainOrder, { status: 'REJECTED', reason: 'unknown sku' }))!.detail;
  const without = (detail: object, field: string) => Object.fromEntries(Object.entries(detail).filter(([key]) => key !== field));

  test.each<[string, EventDetailType, unknown, string]>([
    ['an outcome without outcomeId', 'OrderProcessed', without(processed, 'outcomeId'), "(root) must have required property 'outcomeId'"],
    ['a processed outcome with status REJECTED', 'OrderProcessed', { ...processed, status: 'REJECTED' }, '/status must be equal to constant'],
    ['an outcomeId of another outcome', 'OrderProcessed', { ...processed, outcomeId: `${plainOrder.eventId}:rejected` }, '/outcomeId must match pattern ":processed$"'],
    ['a rejection without its reason', 'OrderRejected', without(rejected, 'reason'), "(root) must have required property 'reason'"],
    ['an outcome of schema 1.0', 'OrderRejected', { ...rejected, schemaVersion: '1.0' }, '/schemaVersion must be equal to constant'],
    ['attempts 0', 'OrderProcessed', { ...processed, attempts: 0 }, '/attempts must be >= 1'],
    ['an order of schema 2.0', 'OrderCreated', { ...plainOrder, schemaVersion: '2.0' }, '/schemaVersion must be equal to one of the allowed values'],
    ['an order without items', 'OrderCreated', { ...plainOrder, items: [] }, '/items must NOT have fewer than 1 items'],
    ['a fractional qty', 'OrderCreated', { ...plainOrder, items: [{ sku: 'A', qty: 1.5 }] }, '/items/0/qty must be integer'],
    ['createdAt that is no date-time', 'OrderCreated', { ...plainOrder, createdAt: 'yesterday' }, '/createdAt must match format "date-time"'],
    ['attributes that are an array', 'OrderCreated', { ...plainOrder, attributes: ['gift'] }, '/attributes must be object'],
  ])('%s', (_name, detailType, detail, error) => {
    expect(errorsOf(detailType, detail)).toContain(error);
  });

  test('unknown fields are allowed: a newer producer may add fields (1.0 -> 1.1 only added), as the worker tolerates them', () => {
    expect(errorsOf('OrderCreated', { ...plainOrder, channel: 'web' })).toEqual([]);
    expect(errorsOf('OrderProcessed', { ...processed, region: 'eu' })).toEqual([]);
  });
});
