import { useEffect, useMemo, useRef, useState } from 'react';
import type { FieldError, OrderRequest } from '../../../lambda/shared/order-contract';
import { ordersUrl, submitOrder, type SubmitResult } from './api';
import { DraftNotice, type DraftNoticeKind } from './components/DraftNotice';
import { OrderForm } from './components/OrderForm';
import { OutputPanel, type Outcome } from './components/OutputPanel';
import { RecentOrders } from './components/RecentOrders';
import { TopNavigation } from './components/TopNavigation';
import type { AppConfig } from './config';
import { keyForBody, newDraftKey, type DraftKey } from './idempotency';
import { emptyDraft, groupByPath, inputIdFor, isFormPath, newItem, validateDraft, type ItemDraft, type OrderDraft } from './order-draft';
import { loadRecentOrders, recordAttempt, saveRecentOrders, type RecentOrder } from './recent-orders';

const OUTPUT_HEADING_ID = 'output-heading';
/**
 * A 409 is retried once by itself after its Retry-After, when that is this short; a longer
 * wait (the API's claim lasts until the first request's function would have timed out) is
 * left to the Retry button, so the page never sits busy for long.
 */
export const MAX_AUTOMATIC_WAIT_SECONDS = 10;

/** One request as sent: Retry resends exactly this and restores the form to `draft`. */
interface Attempt {
  readonly key: string;
  readonly body: string;
  readonly request: OrderRequest;
  readonly draft: OrderDraft;
}

export function App({ config }: { readonly config: AppConfig }) {
  const [draft, setDraft] = useState<OrderDraft>(emptyDraft);
  /** The draft's Idempotency-Key; see idempotency.ts for when it changes. */
  const [draftKey, setDraftKey] = useState<DraftKey>(newDraftKey);
  /** The latest request sent, whatever the form shows now. */
  const [lastAttempt, setLastAttempt] = useState<Attempt | undefined>(undefined);
  /** After the first submit attempt, the client rules re-run on every edit, so fixed fields clear at once. */
  const [attempted, setAttempted] = useState(false);
  /** Field errors of the last 400, shown next to the fields until the next edit. */
  const [serverErrors, setServerErrors] = useState<readonly FieldError[]>([]);
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });
  const [recent, setRecent] = useState<RecentOrder[]>(loadRecentOrders);
  const [focusTarget, setFocusTarget] = useState<string | null>(null);
  const outputHeading = useRef<HTMLHeadingElement>(null);
  const automaticRetry = useRef<number | undefined>(undefined);
  const busy = outcome.kind === 'submitting' || outcome.kind === 'waiting';

  const validation = useMemo(() => validateDraft(draft), [draft]);
  const clientErrors = useMemo(() => (attempted && !validation.ok ? validation.errors : []), [attempted, validation]);
  const fieldErrors = useMemo(
    () => groupByPath([...clientErrors, ...serverErrors.filter((error) => isFormPath(error.path, draft.items.length))]),
    [clientErrors, serverErrors, draft.items.length],
  );
  // The "nothing was sent" summary follows the fields as they are fixed.
  const shownOutcome: Outcome = outcome.kind === 'invalid'
    ? (clientErrors.length > 0 ? { kind: 'invalid', errors: clientErrors } : { kind: 'idle' })
    : outcome;
  const notice = draftNotice(outcome, lastAttempt, validation.ok ? JSON.stringify(validation.request) : undefined);

  useEffect(() => saveRecentOrders(recent), [recent]);
  useEffect(() => {
    if (focusTarget === null) return;
    const element = focusTarget === OUTPUT_HEADING_ID ? outputHeading.current : document.getElementById(focusTarget);
    element?.focus();
    setFocusTarget(null);
  }, [focusTarget]);
  useEffect(() => () => window.clearTimeout(automaticRetry.current), []);

  const edit = (change: (current: OrderDraft) => OrderDraft) => {
    setDraft(change);
    setServerErrors([]);
  };
  const changeItem = (key: string, change: Partial<Pick<ItemDraft, 'sku' | 'qty'>>) =>
    edit((current) => ({ ...current, items: current.items.map((item) => (item.key === key ? { ...item, ...change } : item)) }));
  const addItem = () => {
    const item = newItem();
    edit((current) => ({ ...current, items: [...current.items, item] }));
    setFocusTarget(`${item.key}-sku`);
  };
  const removeItem = (key: string) => {
    const index = draft.items.findIndex((item) => item.key === key);
    const neighbour = draft.items[index + 1] ?? draft.items[index - 1];
    edit((current) => ({ ...current, items: current.items.filter((item) => item.key !== key) }));
    setFocusTarget(neighbour ? `${neighbour.key}-sku` : 'add-item');
  };
  /** An empty form is a new draft: whatever is typed next goes out under a new key. */
  const clearForm = () => {
    setDraft(emptyDraft());
    setDraftKey(newDraftKey());
    setAttempted(false);
    setServerErrors([]);
  };
  const createAnother = () => {
    window.clearTimeout(automaticRetry.current);
    clearForm();
    setLastAttempt(undefined);
    setOutcome({ kind: 'idle' });
    setFocusTarget('customerId');
  };
  /** Back to the form as it was sent, so Submit is a retry again. */
  const undoChanges = () => {
    if (lastAttempt === undefined) return;
    setDraft(lastAttempt.draft);
    setDraftKey({ key: lastAttempt.key, sentBody: lastAttempt.body });
    setServerErrors([]);
  };

  const send = async (attempt: Attempt, automatic = false) => {
    window.clearTimeout(automaticRetry.current);
    setLastAttempt(attempt);
    setOutcome({ kind: 'submitting' });
    const result = await submitOrder(config.apiUrl, attempt.body, attempt.key);
    setRecent((current) => recordAttempt(current, {
      submittedAt: new Date().toISOString(),
      customerId: attempt.request.customerId,
      items: attempt.request.items,
      result,
      idempotencyKey: attempt.key,
    }));
    if (result.kind === 'rejected') {
      setServerErrors(result.errors);
    }
    if (result.kind === 'in-progress' && !automatic && result.retryAfterSeconds <= MAX_AUTOMATIC_WAIT_SECONDS) {
      const seconds = Math.max(1, result.retryAfterSeconds);
      setOutcome({ kind: 'waiting', seconds });
      automaticRetry.current = window.setTimeout(() => void send(attempt, true), seconds * 1000);
    } else {
      setOutcome({ kind: 'result', result });
    }
    setFocusTarget(OUTPUT_HEADING_ID);
  };

  const submit = (current: DraftKey = draftKey) => {
    setServerErrors([]);
    if (!validation.ok) {
      setAttempted(true);
      setOutcome({ kind: 'invalid', errors: validation.errors });
      setFocusTarget(validation.errors.map((error) => inputIdFor(error.path, draft.items)).find((id) => id !== undefined) ?? OUTPUT_HEADING_ID);
      return;
    }
    const body = JSON.stringify(validation.request);
    const next = keyForBody(current, body);
    setDraftKey(next);
    void send({ key: next.key, body, request: validation.request, draft });
  };
  /** Retry: the same key and the same bytes, whatever the form shows now (it is restored). */
  const retry = () => {
    if (lastAttempt === undefined) return;
    undoChanges();
    void send(lastAttempt);
  };

  return (
    <>
      <TopNavigation envName={config.envName} region={config.region} />
      <main className="page" id="main">
        <div className="page__header">
          <h2 className="page__title">Create order</h2>
          <p className="page__description">
            Sends <code>POST /orders</code>. The API validates the order and publishes an <code>OrderCreated</code> event;
            EventBridge routes it to SQS, and the idempotent worker processes it (retries, then the dead-letter queue).
          </p>
        </div>
        {config.apiUrl === '' && (
          <div className="alert alert--warning" role="note">
            <p className="alert__title">No API URL is configured</p>
            <p>Set <code>VITE_API_URL</code> (e.g. in <code>examples/frontend/.env.local</code>) or serve a <code>config.json</code> next to index.html.</p>
          </div>
        )}
        <div className="page__columns">
          <section className="container" aria-labelledby="order-heading">
            <div className="container__header">
              <h2 id="order-heading">Order details</h2>
            </div>
            <div className="container__body">
              <OrderForm
                draft={draft}
                errors={fieldErrors}
                submitting={busy}
                notice={<DraftNotice notice={notice} onUndo={undoChanges} />}
                onCustomerIdChange={(customerId) => edit((current) => ({ ...current, customerId }))}
                onItemChange={changeItem}
                onAddItem={addItem}
                onRemoveItem={removeItem}
                onReset={clearForm}
                onSubmit={() => submit()}
              />
            </div>
          </section>
          <div className="page__side">
            <OutputPanel
              outcome={shownOutcome}
              headingRef={outputHeading}
              onRetry={lastAttempt === undefined ? undefined : retry}
              onCreateAnother={createAnother}
              onSendAsNewOrder={() => submit(newDraftKey())}
            />
            <RecentOrders orders={recent} onClear={() => setRecent([])} />
          </div>
        </div>
      </main>
      <footer className="footer">
        <span>API: <code data-testid="api-url">{config.apiUrl === '' ? 'not configured' : safeOrdersUrl(config.apiUrl)}</code></span>
        <span className="muted">configured by {config.source === 'config.json' ? '/config.json' : 'the build (VITE_*)'}</span>
      </footer>
    </>
  );
}

/**
 * What the form should say about the next Submit when the draft no longer matches the last
 * request: after an unconfirmed attempt a changed draft is a second order (the first may
 * exist), after an accepted one it is a new order next to it.
 */
function draftNotice(outcome: Outcome, lastAttempt: Attempt | undefined, currentBody: string | undefined): DraftNoticeKind | undefined {
  if (lastAttempt === undefined || currentBody === lastAttempt.body) return undefined;
  const result: SubmitResult | undefined = outcome.kind === 'result' ? outcome.result : undefined;
  if (outcome.kind === 'waiting' || result?.kind === 'uncertain' || result?.kind === 'in-progress') {
    return { kind: 'unconfirmed' };
  }
  if (result?.kind === 'accepted') {
    return { kind: 'accepted', orderId: result.orderId };
  }
  return undefined;
}

function safeOrdersUrl(apiUrl: string): string {
  try {
    return ordersUrl(apiUrl);
  } catch {
    return apiUrl;
  }
}
