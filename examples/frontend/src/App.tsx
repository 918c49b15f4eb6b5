import { useEffect, useMemo, useRef, useState } from 'react';
import type { FieldError } from '../../../lambda/shared/order-contract';
import { ordersUrl, submitOrder } from './api';
import { OrderForm } from './components/OrderForm';
import { OutputPanel, type Outcome } from './components/OutputPanel';
import { RecentOrders } from './components/RecentOrders';
import { TopNavigation } from './components/TopNavigation';
import type { AppConfig } from './config';
import { emptyDraft, groupByPath, inputIdFor, isFormPath, newItem, validateDraft, type ItemDraft, type OrderDraft } from './order-draft';
import { addRecentOrder, loadRecentOrders, saveRecentOrders, type RecentOrder } from './recent-orders';

const OUTPUT_HEADING_ID = 'output-heading';

export function App({ config }: { readonly config: AppConfig }) {
  const [draft, setDraft] = useState<OrderDraft>(emptyDraft);
  /** After the first submit attempt, the client rules re-run on every edit, so fixed fields clear at once. */
  const [attempted, setAttempted] = useState(false);
  /** Field errors of the last 400, shown next to the fields until the next edit. */
  const [serverErrors, setServerErrors] = useState<readonly FieldError[]>([]);
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });
  const [recent, setRecent] = useState<RecentOrder[]>(loadRecentOrders);
  const [focusTarget, setFocusTarget] = useState<string | null>(null);
  const outputHeading = useRef<HTMLHeadingElement>(null);
  const submitting = outcome.kind === 'submitting';

  const clientErrors = useMemo(() => {
    if (!attempted) return [];
    const validation = validateDraft(draft);
    return validation.ok ? [] : validation.errors;
  }, [attempted, draft]);
  const fieldErrors = useMemo(
    () => groupByPath([...clientErrors, ...serverErrors.filter((error) => isFormPath(error.path, draft.items.length))]),
    [clientErrors, serverErrors, draft.items.length],
  );
  // The "nothing was sent" summary follows the fields as they are fixed.
  const shownOutcome: Outcome = outcome.kind === 'invalid'
    ? (clientErrors.length > 0 ? { kind: 'invalid', errors: clientErrors } : { kind: 'idle' })
    : outcome;

  useEffect(() => saveRecentOrders(recent), [recent]);
  useEffect(() => {
    if (focusTarget === null) return;
    const element = focusTarget === OUTPUT_HEADING_ID ? outputHeading.current : document.getElementById(focusTarget);
    element?.focus();
    setFocusTarget(null);
  }, [focusTarget]);

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
  const reset = () => {
    setDraft(emptyDraft());
    setAttempted(false);
    setServerErrors([]);
  };

  const submit = async () => {
    const validation = validateDraft(draft);
    setServerErrors([]);
    if (!validation.ok) {
      setAttempted(true);
      setOutcome({ kind: 'invalid', errors: validation.errors });
      setFocusTarget(validation.errors.map((error) => inputIdFor(error.path, draft.items)).find((id) => id !== undefined) ?? OUTPUT_HEADING_ID);
      return;
    }
    setOutcome({ kind: 'submitting' });
    const request = validation.request;
    const result = await submitOrder(config.apiUrl, request);
    setOutcome({ kind: 'result', result });
    if (result.kind === 'rejected') {
      setServerErrors(result.errors);
    }
    setRecent((current) => addRecentOrder(current, {
      submittedAt: new Date().toISOString(),
      customerId: request.customerId,
      items: request.items,
      result,
    }));
    setFocusTarget(OUTPUT_HEADING_ID);
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
                submitting={submitting}
                onCustomerIdChange={(customerId) => edit((current) => ({ ...current, customerId }))}
                onItemChange={changeItem}
                onAddItem={addItem}
                onRemoveItem={removeItem}
                onReset={reset}
                onSubmit={() => void submit()}
              />
            </div>
          </section>
          <div className="page__side">
            <OutputPanel outcome={shownOutcome} headingRef={outputHeading} />
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

function safeOrdersUrl(apiUrl: string): string {
  try {
    return ordersUrl(apiUrl);
  } catch {
    return apiUrl;
  }
}
