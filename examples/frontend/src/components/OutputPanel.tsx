import type { RefObject } from 'react';
import type { FieldError } from '../../../../lambda/shared/order-contract';
import type { SubmitResult } from '../api';
import { describePath } from '../order-draft';
import { sentence } from './FieldErrors';
import { ErrorIcon, InfoIcon, Spinner, SuccessIcon } from './icons';

export type Outcome =
  | { readonly kind: 'idle' }
  | { readonly kind: 'submitting' }
  /** Client-side rules failed: nothing was sent. */
  | { readonly kind: 'invalid'; readonly errors: readonly FieldError[] }
  | { readonly kind: 'result'; readonly result: SubmitResult };

interface OutputPanelProps {
  readonly outcome: Outcome;
  /** Receives focus after each submission. */
  readonly headingRef?: RefObject<HTMLHeadingElement | null>;
}

/**
 * The API's answer. The body is a polite live region, so screen readers announce each new
 * outcome; the heading takes focus after a submission (see App).
 */
export function OutputPanel({ outcome, headingRef }: OutputPanelProps) {
  return (
    <section className="container" aria-labelledby="output-heading">
      <div className="container__header">
        <h2 id="output-heading" ref={headingRef} tabIndex={-1}>Response</h2>
      </div>
      <div className="container__body" aria-live="polite" data-testid="output" data-outcome={outcomeName(outcome)}>
        <OutcomeView outcome={outcome} />
      </div>
    </section>
  );
}

function outcomeName(outcome: Outcome): string {
  return outcome.kind === 'result' ? outcome.result.kind : outcome.kind;
}

function OutcomeView({ outcome }: { readonly outcome: Outcome }) {
  switch (outcome.kind) {
    case 'idle':
      return <p className="muted">Submit an order to see the API&apos;s response here.</p>;
    case 'submitting':
      return (
        <p className="status-line">
          <Spinner /> Sending the order to <code>POST /orders</code>…
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
      return <ResultView result={outcome.result} />;
  }
}

function ResultView({ result }: { readonly result: SubmitResult }) {
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
          <p className="alert__note">
            <InfoIcon />
            <span>Published as an <code>OrderCreated</code> event; the worker picks it up from the queue within seconds.</span>
          </p>
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
