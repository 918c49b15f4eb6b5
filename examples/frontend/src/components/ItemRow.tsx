import { ORDER_LIMITS } from '../../../../lambda/shared/order-contract';
import type { ItemDraft } from '../order-draft';
import { FieldErrors } from './FieldErrors';

interface ItemRowProps {
  readonly item: ItemDraft;
  /** 0-based position, as in the API's error paths (`items[0].sku`). */
  readonly index: number;
  readonly skuErrors?: readonly string[];
  readonly qtyErrors?: readonly string[];
  /** Errors about the item as a whole (`items[0]`). */
  readonly rowErrors?: readonly string[];
  readonly disabled: boolean;
  readonly onChange: (key: string, change: Partial<Pick<ItemDraft, 'sku' | 'qty'>>) => void;
  readonly onRemove: (key: string) => void;
}

/** One line of the order: SKU, quantity and a remove button, each labelled with the item number. */
export function ItemRow({ item, index, skuErrors, qtyErrors, rowErrors, disabled, onChange, onRemove }: ItemRowProps) {
  const number = index + 1;
  const skuId = `${item.key}-sku`;
  const qtyId = `${item.key}-qty`;
  const describedBy = (...ids: (string | false)[]) => ids.filter(Boolean).join(' ') || undefined;
  const hasSkuErrors = (skuErrors?.length ?? 0) > 0;
  const hasQtyErrors = (qtyErrors?.length ?? 0) > 0;
  const hasRowErrors = (rowErrors?.length ?? 0) > 0;

  return (
    <li className="item-row" data-testid="item-row">
      <div className="form-field item-row__sku">
        <label htmlFor={skuId}>
          SKU<span className="visually-hidden"> (item {number})</span>
        </label>
        <input
          id={skuId}
          name={`items[${index}].sku`}
          type="text"
          value={item.sku}
          maxLength={ORDER_LIMITS.maxSkuLength}
          autoComplete="off"
          spellCheck={false}
          disabled={disabled}
          aria-invalid={hasSkuErrors || hasRowErrors}
          aria-describedby={describedBy(hasSkuErrors && `${skuId}-error`, hasRowErrors && `${item.key}-error`)}
          onChange={(event) => onChange(item.key, { sku: event.target.value })}
        />
        <FieldErrors id={`${skuId}-error`} messages={skuErrors} />
      </div>
      <div className="form-field item-row__qty">
        <label htmlFor={qtyId}>
          Quantity<span className="visually-hidden"> (item {number})</span>
        </label>
        <input
          id={qtyId}
          name={`items[${index}].qty`}
          type="number"
          inputMode="numeric"
          min={1}
          max={ORDER_LIMITS.maxQty}
          step={1}
          value={item.qty}
          disabled={disabled}
          aria-invalid={hasQtyErrors}
          aria-describedby={describedBy(hasQtyErrors && `${qtyId}-error`)}
          onChange={(event) => onChange(item.key, { qty: event.target.value })}
        />
        <FieldErrors id={`${qtyId}-error`} messages={qtyErrors} />
      </div>
      <div className="item-row__actions">
        <button
          type="button"
          className="btn btn--normal btn--small"
          aria-label={`Remove item ${number}`}
          disabled={disabled}
          onClick={() => onRemove(item.key)}
        >
          Remove
        </button>
      </div>
      <FieldErrors id={`${item.key}-error`} messages={rowErrors} />
    </li>
  );
}
