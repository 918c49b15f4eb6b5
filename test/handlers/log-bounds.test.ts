/**
 * Every line the shared Logger writes stays one bounded CloudWatch event (well under the
 * 256 KiB event limit), whatever producer-controlled values it carries.
 */
import { captureLogs, LogCapture, LogLine } from './support/log-capture';
import { LOG_EVENTS, logOutcome } from '../../lambda/shared/log';
import { LOG_LIMITS, truncate } from '../../lambda/shared/log-bounds';

let logs: LogCapture;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

const KiB = 1024;
const huge = (char: string, length = 200 * KiB) => char.repeat(length);

function onlyLineAndBytes(): { line: LogLine; bytes: number } {
  const lines = logs.lines();
  expect(lines).toHaveLength(1);
  return { line: lines[0], bytes: Buffer.byteLength(JSON.stringify(lines[0])) };
}

test('huge ids are cut to a recognisable prefix that says how long they were', () => {
  logOutcome('error', LOG_EVENTS.processingFailed, { eventId: huge('E'), orderId: huge('O'), messageId: huge('M'), sku: huge('S') });

  const { line, bytes } = onlyLineAndBytes();
  expect(bytes).toBeLessThan(4 * KiB);
  for (const [field, char] of [['eventId', 'E'], ['orderId', 'O'], ['messageId', 'M'], ['sku', 'S']]) {
    expect(line[field]).toBe(`${char.repeat(LOG_LIMITS.idChars)}...[truncated, ${200 * KiB} chars]`);
  }
  expect(line).toMatchObject({ level: 'ERROR', msg: 'processing_failed', outcome: 'failed' });
});

test('valid ids (up to 128 characters) are never touched', () => {
  const id = 'x'.repeat(128);
  logOutcome('info', LOG_EVENTS.orderProcessed, { eventId: id, orderId: id, customerId: id });

  expect(onlyLineAndBytes().line).toMatchObject({ eventId: id, orderId: id, customerId: id });
});

test('an error whose message embeds a huge attacker key, with huge own properties and cause, stays bounded', () => {
  const attackerKey = huge('k');
  const cause = new Error(`inner ${huge('c')}`);
  const error = Object.assign(new Error(`Unrecognized key: "${attackerKey}"`, { cause }), {
    fieldErrors: Array.from({ length: 10_000 }, (_, index) => ({ path: `detail.${attackerKey}.${index}`, message: 'is not allowed' })),
    [attackerKey]: 'a property named by the attacker',
  });

  logOutcome('error', LOG_EVENTS.processingFailed, { eventId: 'e-1', errorMessage: error.message, error });

  const { line, bytes } = onlyLineAndBytes();
  expect(bytes).toBeLessThan(LOG_LIMITS.lineBytes + 4 * KiB);
  expect(line).toMatchObject({ level: 'ERROR', msg: 'processing_failed', outcome: 'failed', eventId: 'e-1' });
  expect(line.errorMessage).toMatch(/^Unrecognized key: "k+\.\.\.\[truncated, \d+ chars\]$/);
  expect(String(line.errorMessage).length).toBeLessThanOrEqual(LOG_LIMITS.stringChars + 40);
  // The property named by the attacker is dropped rather than written under its huge name.
  expect(longestKey(line)).toBeLessThanOrEqual(LOG_LIMITS.keyChars);
  expect((line.error as { fieldErrors: unknown[] }).fieldErrors.length).toBeLessThanOrEqual(LOG_LIMITS.arrayItems + 1);
});

function longestKey(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  return Math.max(0, ...Object.entries(value).map(([key, child]) => Math.max(key.length, longestKey(child))));
}

test('big arrays and objects keep their first entries and say how many were left out', () => {
  const manyKeys = Object.fromEntries(Array.from({ length: 500 }, (_, index) => [`key${index}`, index]));
  logOutcome('info', LOG_EVENTS.validationFailed, { items: Array.from({ length: 1_000 }, (_, index) => index), manyKeys });

  const { line } = onlyLineAndBytes();
  expect(line.items).toEqual([...Array.from({ length: LOG_LIMITS.arrayItems }, (_, index) => index), `...[${1_000 - LOG_LIMITS.arrayItems} more items]`]);
  expect(Object.keys(line.manyKeys as object)).toHaveLength(LOG_LIMITS.objectKeys + 1);
  expect((line.manyKeys as Record<string, unknown>)['...']).toBe(`${500 - LOG_LIMITS.objectKeys} more keys`);
});

test('past the line budget the rest is omitted, but msg, outcome and level (written first) always survive', () => {
  const attributes = Object.fromEntries(Array.from({ length: 40 }, (_, index) => [`field${index}`, huge(String(index % 10), 5 * KiB)]));

  logOutcome('error', LOG_EVENTS.processingFailed, attributes);

  const { line, bytes } = onlyLineAndBytes();
  expect(bytes).toBeLessThan(LOG_LIMITS.lineBytes + 4 * KiB);
  expect(line).toMatchObject({ level: 'ERROR', msg: 'processing_failed', message: 'processing_failed', outcome: 'failed' });
  expect(Object.values(line)).toContain('[omitted: log line size limit]');
  expect(line.field39).toBeUndefined();
  // The budget is per line: the next line starts afresh.
  logOutcome('info', LOG_EVENTS.orderProcessed, { eventId: 'e-2' });
  expect(logs.lines()[1]).toMatchObject({ msg: 'order_processed', eventId: 'e-2' });
});

test('an attribute cannot overwrite msg or outcome', () => {
  logOutcome('info', LOG_EVENTS.duplicate, { msg: 'order_processed', outcome: 'processed' });

  expect(onlyLineAndBytes().line).toMatchObject({ msg: 'duplicate', outcome: 'duplicate_ignored' });
});

test('truncation never splits a surrogate pair', () => {
  const cut = truncate(`${'a'.repeat(9)}😀tail`, 10);

  expect(cut.startsWith(`${'a'.repeat(9)}...`)).toBe(true);
  expect(/[\uD800-\uDFFF]/.test(cut)).toBe(false);
});
