/**
 * The outcome of a submission once there is one to show (loaded on demand, and prefetched as
 * soon as the form is up): the API's answer, and for an accepted order its live status, ids
 * with copy buttons and console links.
 */
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import type { ReactNode } from 'react';
import type { FieldError } from '../../../../lambda/shared/order-contract';
import type { SubmitResult } from '../api';
import type { AppConfig } from '../config';
import type { OrderView } from '../orders-api';
import { describePath, sentence } from '../order-draft';
import { CopyableId } from './CopyableId';
import { OrderLinks } from './OrderLinks';
import { OrderOutcome, outcomeOf } from './OrderOutcome';
import { OrderStatus } from './OrderStatus';
import { StageTimeline } from './StageTimeline';
import type { OutcomeActions } from './OutputPanel';

export interface OutcomeDetailsProps {
  /** Nothing sent: these fields need fixing. */
  readonly invalid?: readonly FieldError[];
  readonly result?: SubmitResult;
  readonly actions: OutcomeActions;
  readonly config: AppConfig;
  readonly order?: OrderView;
}

export default function OutcomeDetails({ invalid, result, actions, config, order }: OutcomeDetailsProps) {
  if (invalid !== undefined) {
    return (
      <Alert type="error" header="Nothing was sent">
        <SpaceBetween size="xs">
          <span>{invalid.length === 1 ? '1 field needs' : `${invalid.length} fields need`} fixing:</span>
          <ErrorList errors={invalid} onFocusField={actions.onFocusField} />
        </SpaceBetween>
      </Alert>
    );
  }
  return result === undefined ? null : <ResultView result={result} actions={actions} config={config} order={order} />;
}

function ResultView({ result, actions, config, order }: { readonly result: SubmitResult; readonly actions: OutcomeActions; readonly config: AppConfig; readonly order?: OrderView }) {
  switch (result.kind) {
    case 'accepted': {
      const status = order?.status;
      const createAnother = <Button onClick={actions.onCreateAnother}>Create another order</Button>;
      return (
        <Alert type={ALERT_TYPE[status ?? 'ACCEPTED']} action={createAnother}
          header={`Order accepted (HTTP ${result.status})`}>
          <SpaceBetween size="s">
            <KeyValuePairs columns={1} items={[
              { label: 'Status', value: <OrderStatus status={status} /> },
              { label: 'Order ID', value: <CopyableId label="Order ID" value={result.orderId} testId="order-id" /> },
              { label: 'Event ID', value: <CopyableId label="Event ID" value={result.eventId} testId="event-id" /> },
              ...(order?.attempts !== undefined ? [{ label: 'Attempts', value: String(order.attempts) }] : []),
              ...(order?.lastError !== undefined ? [{ label: 'Last error', value: order.lastError }] : []),
              ...(order !== undefined && outcomeOf(order) !== undefined
                ? [{ label: outcomeOf(order) === 'reason' ? 'Reason' : 'Result', value: <OrderOutcome order={order} /> }] : []),
              ...(order?.stages !== undefined ? [{ label: 'Stages', value: <StageTimeline order={order} /> }] : []),
            ]} />
            {result.replayed === true && (
              <Box data-testid="replayed-note">
                Already accepted earlier: the API answered with the order it had accepted for this Idempotency-Key
                (Idempotent-Replayed: true). No second order was created.
              </Box>
            )}
            <Box>{statusNote(status, order)}</Box>
            <OrderLinks config={config} orderId={result.orderId} eventId={result.eventId} />
          </SpaceBetween>
        </Alert>
      );
    }
    case 'rejected':
      return (
        <Alert type="error" header={`The API rejected the order (HTTP ${result.status})`}>
          <SpaceBetween size="xs">
            <span>{result.message}{result.errors.length > 0 ? ':' : '.'}</span>
            <ErrorList errors={result.errors} testId="server-errors" onFocusField={actions.onFocusField} />
            <RequestId id={result.requestId} />
          </SpaceBetween>
        </Alert>
      );
    case 'uncertain':
      return (
        <Alert type="warning" header={result.title} action={<RetryButton onRetry={actions.onRetry} />}>
          <SpaceBetween size="xs">
            <span>{result.detail}</span>
            <span data-testid="uncertain-note">
              <strong>The order may or may not have been accepted.</strong> Retrying is safe: Retry sends the same order
              with the same Idempotency-Key, so the API will not create a duplicate; if it did accept the order, it
              answers with that order. If you edit the order instead, submitting it starts a new order.
            </span>
            <RequestId id={result.requestId} />
          </SpaceBetween>
        </Alert>
      );
    case 'in-progress':
      return (
        <Alert type="warning" header={`Still being processed (HTTP ${result.status})`} action={<RetryButton onRetry={actions.onRetry} />}>
          {result.message} Retry after {seconds(result.retryAfterSeconds)} to get the first attempt&apos;s answer.
        </Alert>
      );
    case 'key-reused':
      return (
        <Alert type="error" header={`Idempotency-Key already used for a different order (HTTP ${result.status})`}
          action={<Button onClick={actions.onSendAsNewOrder}>Send as a new order</Button>}>
          {result.message} This request was not accepted; sending it as a new order uses a new key.
        </Alert>
      );
    case 'unauthorized':
      return (
        <Alert type="warning" header={`Sign-in needed${result.status !== undefined ? ` (HTTP ${result.status})` : ''}`}
          action={<RetryButton onRetry={actions.onRetry} />}>
          <SpaceBetween size="xs">
            <span>{result.message}</span>
            <span data-testid="unauthorized-note">
              <strong>The order was not accepted.</strong>{' '}
              {result.status !== undefined ? 'The API refused the request before it reached the order service.' : 'Nothing was sent.'}{' '}
              Once you are signed in again, Retry sends the same order with the same Idempotency-Key.
            </span>
          </SpaceBetween>
        </Alert>
      );
    case 'failed':
      return (
        <Alert type="error" header={result.title}>
          <SpaceBetween size="xs">
            <span>{result.detail}</span>
            <RequestId id={result.requestId} />
          </SpaceBetween>
        </Alert>
      );
  }
}

/** REJECTED is final like PROCESSED, but the order did not go through: a warning, not a success. */
const ALERT_TYPE: Record<OrderView['status'], 'success' | 'error' | 'warning' | 'info'> = {
  ACCEPTED: 'info', PROCESSED: 'success', REJECTED: 'warning', FAILED: 'error',
};

function statusNote(status: OrderView['status'] | undefined, order?: OrderView): ReactNode {
  if (status === 'REJECTED' && order?.rejectedStep !== undefined) {
    return `Stage ${order.rejectedStep} refused it; the compensations of the stages before it undo what they did. ` +
      'That is final: it is not retried and does not go to a dead-letter queue.';
  }
  if (status === 'FAILED' && order?.failedStep !== undefined) {
    return `Stage ${order.failedStep} gave up on it after its retries: it is in that stage's dead-letter queue. An operator can replay it.`;
  }
  switch (status) {
    case 'PROCESSED': return 'The worker processed it.';
    case 'REJECTED': return 'The processor refused it for the reason above. That is final: it is not retried and does not go to the dead-letter queue.';
    case 'FAILED': return 'The worker gave up on it after its retries: it is in the dead-letter queue. An operator can replay it.';
    default: return 'Published as an OrderCreated event; this page follows its status until the worker is done with it.';
  }
}

function RetryButton({ onRetry }: { readonly onRetry?: () => void }) {
  return onRetry === undefined ? null : <Button variant="primary" onClick={onRetry}>Retry</Button>;
}

function RequestId({ id }: { readonly id?: string }) {
  return id === undefined ? null : <Box color="text-body-secondary" fontSize="body-s">Request ID: <Box variant="code">{id}</Box></Box>;
}

function seconds(count: number): string {
  return count === 1 ? '1 second' : `${count} seconds`;
}

/** Each error links to its field: following the link moves the focus there. */
function ErrorList({ errors, testId, onFocusField }: { readonly errors: readonly FieldError[]; readonly testId?: string; readonly onFocusField: (path: string) => void }) {
  if (errors.length === 0) return null;
  return (
    <ul data-testid={testId}>
      {errors.map((error, index) => (
        <li key={`${error.path}-${index}`}>
          <Link href={`#${error.path}`} onFollow={(event) => {
            event.preventDefault();
            onFocusField(error.path);
          }}>{describePath(error.path)}</Link>: {sentence(error.message)}
        </li>
      ))}
    </ul>
  );
}
