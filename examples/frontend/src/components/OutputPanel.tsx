import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import type { ReactNode, RefObject } from 'react';
import type { FieldError } from '../../../../lambda/shared/order-contract';
import type { SubmitResult } from '../api';
import type { AppConfig } from '../config';
import type { OrderView } from '../orders-api';
import { describePath, sentence } from '../order-draft';
import { CopyableId } from './CopyableId';
import { OrderLinks } from './OrderLinks';
import { OrderStatus } from './OrderStatus';

export type Outcome =
  | { readonly kind: 'idle' }
  | { readonly kind: 'submitting' }
  /** A 409: the same request goes out again by itself after `seconds`. */
  | { readonly kind: 'waiting'; readonly seconds: number }
  /** Client-side rules failed: nothing was sent. */
  | { readonly kind: 'invalid'; readonly errors: readonly FieldError[] }
  | { readonly kind: 'result'; readonly result: SubmitResult };

interface OutputPanelProps {
  readonly outcome: Outcome;
  readonly config: AppConfig;
  /** The accepted order as the API reports it now (GET /orders); undefined until known. */
  readonly order?: OrderView;
  /** Receives focus after each submission. */
  readonly headingRef?: RefObject<HTMLSpanElement | null>;
  /** Resends the last request (same key, same body); undefined when nothing was sent. */
  readonly onRetry?: () => void;
  /** Clears the form and starts a new draft with a new key. */
  readonly onCreateAnother: () => void;
  /** Sends the form under a new key (after a 422). */
  readonly onSendAsNewOrder: () => void;
  /** Moves the focus to the field an error is about. */
  readonly onFocusField: (path: string) => void;
}

type Actions = Omit<OutputPanelProps, 'outcome' | 'headingRef' | 'config' | 'order'>;

/**
 * The API's answer, and then the order's life: its status follows GET /orders until it is final.
 * The body is a polite live region, so screen readers announce each new outcome; the heading
 * takes the focus after a submission (see App), so the next Tab reaches the outcome's buttons.
 */
export function OutputPanel({ outcome, headingRef, config, order, ...actions }: OutputPanelProps) {
  return (
    <Container header={<Header variant="h2"><span id="output-heading" ref={headingRef} tabIndex={-1}>Response</span></Header>}>
      <div aria-live="polite" data-testid="output" data-outcome={outcome.kind === 'result' ? outcome.result.kind : outcome.kind}>
        <OutcomeView outcome={outcome} actions={actions} config={config} order={order} />
      </div>
    </Container>
  );
}

function OutcomeView({ outcome, actions, config, order }: { readonly outcome: Outcome; readonly actions: Actions; readonly config: AppConfig; readonly order?: OrderView }) {
  switch (outcome.kind) {
    case 'idle':
      return <Box color="text-body-secondary">Submit an order to see the API&apos;s response here.</Box>;
    case 'submitting':
      return <StatusIndicator type="loading">Sending the order to POST /orders</StatusIndicator>;
    case 'waiting':
      return (
        <StatusIndicator type="loading">
          The first attempt is still being processed (HTTP 409). Asking again in {seconds(outcome.seconds)}.
        </StatusIndicator>
      );
    case 'invalid':
      return (
        <Alert type="error" header="Nothing was sent">
          <SpaceBetween size="xs">
            <span>{outcome.errors.length === 1 ? '1 field needs' : `${outcome.errors.length} fields need`} fixing:</span>
            <ErrorList errors={outcome.errors} onFocusField={actions.onFocusField} />
          </SpaceBetween>
        </Alert>
      );
    case 'result':
      return <ResultView result={outcome.result} actions={actions} config={config} order={order} />;
  }
}

function ResultView({ result, actions, config, order }: { readonly result: SubmitResult; readonly actions: Actions; readonly config: AppConfig; readonly order?: OrderView }) {
  switch (result.kind) {
    case 'accepted': {
      const status = order?.status;
      const createAnother = <Button onClick={actions.onCreateAnother}>Create another order</Button>;
      return (
        <Alert type={status === 'FAILED' ? 'error' : status === 'PROCESSED' ? 'success' : 'info'} action={createAnother}
          header={`Order accepted (HTTP ${result.status})`}>
          <SpaceBetween size="s">
            <KeyValuePairs columns={1} items={[
              { label: 'Status', value: <OrderStatus status={status} /> },
              { label: 'Order ID', value: <CopyableId label="Order ID" value={result.orderId} testId="order-id" /> },
              { label: 'Event ID', value: <CopyableId label="Event ID" value={result.eventId} testId="event-id" /> },
              ...(order?.attempts !== undefined ? [{ label: 'Attempts', value: String(order.attempts) }] : []),
              ...(order?.lastError !== undefined ? [{ label: 'Last error', value: order.lastError }] : []),
            ]} />
            {result.replayed === true && (
              <Box data-testid="replayed-note">
                Already accepted earlier: the API answered with the order it had accepted for this Idempotency-Key
                (Idempotent-Replayed: true). No second order was created.
              </Box>
            )}
            <Box>{statusNote(status)}</Box>
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

function statusNote(status: OrderView['status'] | undefined): ReactNode {
  switch (status) {
    case 'PROCESSED': return 'The worker processed it.';
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
