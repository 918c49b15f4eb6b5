import { InfoIcon, WarningIcon } from './icons';

export type DraftNoticeKind =
  /** The form differs from a request whose outcome is unknown. */
  | { readonly kind: 'unconfirmed' }
  /** The form differs from a request the API accepted. */
  | { readonly kind: 'accepted'; readonly orderId: string };

interface DraftNoticeProps {
  readonly notice?: DraftNoticeKind;
  readonly onUndo: () => void;
}

/**
 * Says, next to Submit, that Submit will now create a new order. A polite live region that is
 * always in the page, so the notice is announced when an edit makes it appear.
 */
export function DraftNotice({ notice, onUndo }: DraftNoticeProps) {
  return (
    <div aria-live="polite" data-testid="draft-notice">
      {notice?.kind === 'unconfirmed' && (
        <div className="alert alert--warning draft-notice">
          <p className="alert__title"><WarningIcon /> This is now a new order</p>
          <p>
            The earlier attempt may have been accepted. Submitting the changed form sends a new order under a new
            Idempotency-Key, so you could end up with both. To retry the earlier order instead, undo your changes.
          </p>
          <div className="alert__actions">
            <button type="button" className="btn btn--normal btn--small" onClick={onUndo}>Undo changes</button>
          </div>
        </div>
      )}
      {notice?.kind === 'accepted' && (
        <p className="alert__note draft-notice">
          <InfoIcon />
          <span>Order <code>{notice.orderId}</code> was accepted. Submitting now sends a new order.</span>
        </p>
      )}
    </div>
  );
}
