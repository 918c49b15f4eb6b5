import StatusIndicator, { type StatusIndicatorProps } from '@cloudscape-design/components/status-indicator';
import type { OrderStatus as Status } from '../../../../lambda/shared/order-status';

const SHOWN: Record<Status, { type: StatusIndicatorProps.Type; text: string }> = {
  ACCEPTED: { type: 'in-progress', text: 'Accepted, waiting for the worker' },
  PROCESSED: { type: 'success', text: 'Processed' },
  // Final, like PROCESSED, but refused by the processor: a warning, not the DLQ's error.
  REJECTED: { type: 'warning', text: 'Rejected' },
  FAILED: { type: 'error', text: 'Failed (in the dead-letter queue)' },
};

/** An order's status as the API reports it; `undefined` while it is not known yet. */
export function OrderStatus({ status }: { readonly status?: Status }) {
  if (status === undefined) return <StatusIndicator type="loading">Checking the status</StatusIndicator>;
  const { type, text } = SHOWN[status];
  return <span data-testid="order-status" data-status={status}><StatusIndicator type={type}>{text}</StatusIndicator></span>;
}
