/**
 * What the processor made of an order: a REJECTED order's reason, a PROCESSED order's result
 * (for the example app, its stock reservation). The result is the team's own JSON object, so it
 * is shown generically: each top-level field, a scalar as text and anything else as JSON.
 */
import Box from '@cloudscape-design/components/box';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import type { JsonObject, JsonValue } from '../../../../lambda/shared/order-contract';
import type { OrderView } from '../orders-api';

/** What there is to show: `reason`, `result` or nothing (ACCEPTED, FAILED, a processor that returned nothing). */
export function outcomeOf(order: OrderView): 'reason' | 'result' | undefined {
  if (order.status === 'REJECTED' && order.reason !== undefined) return 'reason';
  if (order.status === 'PROCESSED' && order.result !== undefined && Object.keys(order.result).length > 0) return 'result';
  return undefined;
}

/** The reason, or the result's fields; nothing while there is neither. */
export function OrderOutcome({ order, compact = false }: { readonly order: OrderView; readonly compact?: boolean }) {
  const outcome = outcomeOf(order);
  if (outcome === 'reason') {
    return <Box data-testid="order-reason" variant="span">{order.reason}</Box>;
  }
  if (outcome === 'result' && order.result !== undefined) {
    return compact ? <CompactResult result={order.result} /> : (
      <div data-testid="order-result">
        <KeyValuePairs columns={1} items={Object.entries(order.result).map(([key, value]) => ({ label: key, value: <ResultValue value={value} /> }))} />
      </div>
    );
  }
  return null;
}

/** In a table cell: `key: value` lines. */
function CompactResult({ result }: { readonly result: JsonObject }) {
  return (
    <Box data-testid="order-result" variant="span">
      {Object.entries(result).map(([key, value]) => <div key={key}>{key}: {textOf(value)}</div>)}
    </Box>
  );
}

function ResultValue({ value }: { readonly value: JsonValue }) {
  return typeof value === 'object' && value !== null ? <Box variant="code">{textOf(value)}</Box> : <>{textOf(value)}</>;
}

function textOf(value: JsonValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
