import Box from '@cloudscape-design/components/box';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import { lazy, Suspense, type RefObject } from 'react';
import type { FieldError } from '../../../../lambda/shared/order-contract';
import type { SubmitResult } from '../api';
import type { AppConfig } from '../config';
import type { OrderView } from '../orders-api';

/** The outcome views (Alert, copy buttons, links...): not needed before the first submission. */
export const loadOutcomeDetails = () => import('./OutcomeDetails');
const OutcomeDetails = lazy(loadOutcomeDetails);

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

export type OutcomeActions = Omit<OutputPanelProps, 'outcome' | 'headingRef' | 'config' | 'order'>;

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

function OutcomeView({ outcome, actions, config, order }: { readonly outcome: Outcome; readonly actions: OutcomeActions; readonly config: AppConfig; readonly order?: OrderView }) {
  switch (outcome.kind) {
    case 'idle':
      return <Box color="text-body-secondary">Submit an order to see the API&apos;s response here.</Box>;
    case 'submitting':
      return <StatusIndicator type="loading">Sending the order to POST /orders</StatusIndicator>;
    case 'waiting':
      return (
        <StatusIndicator type="loading">
          The first attempt is still being processed (HTTP 409). Asking again in {outcome.seconds === 1 ? '1 second' : `${outcome.seconds} seconds`}.
        </StatusIndicator>
      );
    case 'invalid':
    case 'result':
      return (
        <Suspense fallback={<StatusIndicator type="loading">Loading</StatusIndicator>}>
          <OutcomeDetails invalid={outcome.kind === 'invalid' ? outcome.errors : undefined}
            result={outcome.kind === 'result' ? outcome.result : undefined} actions={actions} config={config} order={order} />
        </Suspense>
      );
  }
}
