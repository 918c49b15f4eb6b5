import Alert from '@cloudscape-design/components/alert';
import Button from '@cloudscape-design/components/button';

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
        <Alert type="warning" header="This is now a new order" action={<Button onClick={onUndo}>Undo changes</Button>}>
          The earlier attempt may have been accepted. Submitting the changed form sends a new order under a new
          Idempotency-Key, so you could end up with both. To retry the earlier order instead, undo your changes.
        </Alert>
      )}
      {notice?.kind === 'accepted' && (
        <Alert type="info">Order {notice.orderId} was accepted. Submitting now sends a new order.</Alert>
      )}
    </div>
  );
}
