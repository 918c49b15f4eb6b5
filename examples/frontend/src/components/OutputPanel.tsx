import type { RefObject } from 'react';
import type { FieldError } from '../../../../lambda/shared/order-contract';
import type { SubmitResult } from '../api';
import { describePath } from '../order-draft';
import { sentence } from './FieldErrors';
import { ErrorIcon, InfoIcon, Spinner, SuccessIcon, WarningIcon } from './icons';

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
  /** Receives focus after each submission. */
  readonly headingRef?: RefObject<HTMLHeadingElement | null>;
  /** Resends the last request (same key, same body); undefined when nothing was sent. */
  readonly onRetry?: () => void;
  /** Clears the form and starts a new draft with a new key. */
  readonly onCreateAnother: () => void;
  /** Sends the form under a new key (after a 422). */
  readonly onSendAsNewOrder: () => void;
}

type Actions = Omit<OutputPanelProps, 'outcome' | 'headingRef'>;

/**
 * The API's answer. The body is a polite live region, so screen readers announce each new
 * outcome; the heading takes focus after a submission (see App), so the next Tab reaches the
 * outcome's buttons.
 */
export function OutputPanel({ outcome, headingRef, ...actions }: OutputPanelProps) {
  return (
    <section className="container" aria-labelledby="output-heading">
      <div className="container__header">
        <h2 id="output-heading" ref={headingRef} tabIndex={-1}>Response</h2>
      </div>
      <div className="container__body" aria-live="polite" data-testid="output" data-outcome={outcomeName(outcome)}>
        <OutcomeView outcome={outcome} actions={actions} />
      </div>
    </section>
  );
}

function outcomeName(outcome: Outcome): string {
  return outcome.kind === 'result' ? outcome.result.kind : outcome.kind;
}

function OutcomeView({ outcome, actions }: { readonly outcome: Outcome; readonly actions: Actions }) {
  switch (outcome.kind) {
    case 'idle':
      return <p className="muted">Submit an order to see the API&apos;s response here.</p>;
    case 'submitting':
      return (
        <p className="status-line">
          <Spinner /> Sending the order to <code>POST /orders</code>…
        </p>
      );
    case 'waiting':
      return (
        <p className="status-line">
          <Spinner /> The first attempt is still being processed (HTTP 409). Asking again in {seconds(outcome.seconds)}…
        </p>
      );
    case 'invalid':
      return (
        <div className="alert alert--error">
          <p className="alert__title"><ErrorIcon /> Nothing was sent</p>
          <p>
            {outcome.errors.length === 1 ? '1 field needs' : `${outcome.errors.length} fields need`} fixing; the messages
            are next to the fields.
          </p>
          <ErrorList errors={outcome.errors} />
        </div>
      );
    case 'result':
      return <ResultView result={outcome.result} actions={actions} />;
  }
}

function ResultView({ result, actions }: { readonly result: SubmitResult; readonly actions: Actions }) {
  switch (result.kind) {
    case 'accepted':
      return (
        <div className="alert alert--success">
          <p className="alert__title"><SuccessIcon /> Order accepted (HTTP {result.status})</p>
          <dl className="key-values">
            <div>
              <dt>Order ID</dt>
              <dd><code data-testid="order-id">{result.orderId}</code></dd>
            </div>
            <div>
              <dt>Event ID</dt>
              <dd><code data-testid="event-id">{result.eventId}</code></dd>
            </div>
          </dl>
          {result.replayed === true && (
            <p className="alert__note" data-testid="replayed-note">
              <InfoIcon />
              <span>
                Already accepted earlier: the API answered with the order it had accepted for this Idempotency-Key
                (<code>Idempotent-Replayed: true</code>). No second order was created.
              </span>
            </p>
          )}
          <p className="alert__note">
            <InfoIcon />
            <span>Published as an <code>OrderCreated</code> event; the worker picks it up from the queue within seconds.</span>
          </p>
          <div className="alert__actions">
            <button type="button" className="btn btn--normal" onClick={actions.onCreateAnother}>Create another order</button>
          </div>
        </div>
      );
    case 'rejected':
      return (
        <div className="alert alert--error">
          <p className="alert__title"><ErrorIcon /> The API rejected the order (HTTP {result.status})</p>
          <p>{result.message}{result.errors.length > 0 ? ':' : '.'}</p>
          <ErrorList errors={result.errors} testId="server-errors" />
          {result.requestId && <p className="muted">Request ID: <code>{result.requestId}</code></p>}
        </div>
      );
    case 'uncertain':
      return (
        <div className="alert alert--warning">
          <p className="alert__title"><WarningIcon /> {result.title}</p>
          <p>{result.detail}</p>
          <p data-testid="uncertain-note">
            <strong>The order may or may not have been accepted.</strong> Retrying is safe: Retry sends the same order
            with the same Idempotency-Key, so the API will not create a duplicate; if it did accept the order, it
            answers with that order. If you edit the order instead, submitting it starts a new order.
          </p>
          {result.requestId && <p className="muted">Request ID: <code>{result.requestId}</code></p>}
          <RetryButton onRetry={actions.onRetry} />
        </div>
      );
    case 'in-progress':
      return (
        <div className="alert alert--warning">
          <p className="alert__title"><WarningIcon /> Still being processed (HTTP {result.status})</p>
          <p>{result.message}</p>
          <p>
            The first attempt with this Idempotency-Key has not finished yet. Retry after {seconds(result.retryAfterSeconds)}:
            it is safe, and you get that attempt&apos;s answer.
          </p>
          <RetryButton onRetry={actions.onRetry} />
        </div>
      );
    case 'key-reused':
      return (
        <div className="alert alert--error">
          <p className="alert__title"><ErrorIcon /> Idempotency-Key already used for a different order (HTTP {result.status})</p>
          <p>{result.message}</p>
          <p>This request was not accepted. To place this order, send it as a new order: it goes out under a new key.</p>
          <div className="alert__actions">
            <button type="button" className="btn btn--normal" onClick={actions.onSendAsNewOrder}>Send as a new order</button>
          </div>
        </div>
      );
    case 'unauthorized':
      return (
        <div className="alert alert--warning">
          <p className="alert__title"><WarningIcon /> Sign-in needed{result.status !== undefined ? ` (HTTP ${result.status})` : ''}</p>
          <p>{result.message}</p>
          <p data-testid="unauthorized-note">
            <strong>The order was not accepted.</strong>{' '}
            {result.status !== undefined ? 'The API refused the request before it reached the order service.' : 'Nothing was sent.'}{' '}
            Once you are signed in again, Retry sends the same order with the same Idempotency-Key.
          </p>
          <RetryButton onRetry={actions.onRetry} />
        </div>
      );
    case 'failed':
      return (
        <div className="alert alert--error">
          <p className="alert__title"><ErrorIcon /> {result.title}</p>
          <p>{result.detail}</p>
          {result.requestId && <p className="muted">Request ID: <code>{result.requestId}</code></p>}
        </div>
      );
  }
}

function RetryButton({ onRetry }: { readonly onRetry?: () => void }) {
  if (onRetry === undefined) return null;
  return (
    <div className="alert__actions">
      <button type="button" className="btn btn--primary" onClick={onRetry}>Retry</button>
    </div>
  );
}

function seconds(count: number): string {
  return count === 1 ? '1 second' : `${count} seconds`;
}

function ErrorList({ errors, testId }: { readonly errors: readonly FieldError[]; readonly testId?: string }) {
  if (errors.length === 0) {
    return null;
  }
  return (
    <ul className="error-list" data-testid={testId}>
      {errors.map((error, index) => (
        <li key={`${error.path}-${index}`}>
          <span className="error-list__field">{describePath(error.path)}</span>{' '}
          <code className="error-list__path">{error.path}</code>: {sentence(error.message)}
        </li>
      ))}
    </ul>
  );
}
