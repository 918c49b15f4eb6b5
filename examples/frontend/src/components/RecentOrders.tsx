import type { RecentOrder } from '../recent-orders';
import { summarizeItems } from '../order-draft';

interface RecentOrdersProps {
  readonly orders: readonly RecentOrder[];
  readonly onClear: () => void;
}

const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** What this browser session submitted, newest first, with the API's answer to each. */
export function RecentOrders({ orders, onClear }: RecentOrdersProps) {
  return (
    <section className="container" aria-labelledby="recent-heading">
      <div className="container__header container__header--with-actions">
        <h2 id="recent-heading">
          Recent orders <span className="counter">({orders.length})</span>
        </h2>
        <button type="button" className="btn btn--normal btn--small" onClick={onClear} disabled={orders.length === 0}>
          Clear
        </button>
      </div>
      <div className="container__body">
        {orders.length === 0 ? (
          <p className="muted">Orders you submit in this session appear here.</p>
        ) : (
          <ol className="recent-list" data-testid="recent-orders">
            {orders.map((order) => (
              <li key={order.id} className="recent-list__entry">
                <div className="recent-list__line">
                  <StatusBadge order={order} />
                  <time dateTime={order.submittedAt} className="muted">{TIME.format(new Date(order.submittedAt))}</time>
                </div>
                <p className="recent-list__items">{summarizeItems(order.items)}</p>
                {order.customerId !== undefined && <p className="muted">Customer: {order.customerId}</p>}
                <ResultLine order={order} />
              </li>
            ))}
          </ol>
        )}
      </div>
    </section>
  );
}

const BADGE_LABELS: Record<RecentOrder['result']['kind'], string> = {
  'accepted': 'Accepted',
  'rejected': 'Rejected',
  'uncertain': 'Unconfirmed',
  'in-progress': 'In progress',
  'key-reused': 'Key reused',
  'unauthorized': 'Sign-in needed',
  'failed': 'Failed',
};

function StatusBadge({ order }: { readonly order: RecentOrder }) {
  const { result } = order;
  const status = result.status !== undefined ? ` ${result.status}` : '';
  return <span className={`badge badge--${result.kind}`}>{BADGE_LABELS[result.kind]}{status}</span>;
}

function ResultLine({ order }: { readonly order: RecentOrder }) {
  const { result } = order;
  const attempts = (order.attempts ?? 1) > 1 ? <p className="muted">{order.attempts} attempts with the same Idempotency-Key</p> : null;
  switch (result.kind) {
    case 'accepted':
      return (
        <>
          <dl className="key-values key-values--compact">
            <div><dt>Order ID</dt><dd><code>{result.orderId}</code></dd></div>
            <div><dt>Event ID</dt><dd><code>{result.eventId}</code></dd></div>
          </dl>
          {attempts}
        </>
      );
    case 'rejected':
      return <p className="muted">{result.message}: {result.errors.map((error) => error.path).join(', ') || 'no field details'}</p>;
    case 'uncertain':
      return <>{attempts}<p className="muted">{result.title}: may or may not have been accepted</p></>;
    case 'in-progress':
      return <>{attempts}<p className="muted">Still being processed</p></>;
    case 'key-reused':
      return <p className="muted">Not accepted: the key was used for a different order</p>;
    case 'unauthorized':
      return <>{attempts}<p className="muted">Not accepted: {result.message}</p></>;
    case 'failed':
      return <p className="muted">{result.title}</p>;
  }
}
