import type { FormEvent, ReactNode } from 'react';
import { FAILURE_INJECTION_SKU, ORDER_LIMITS } from '../../../../lambda/shared/order-contract';
import type { ErrorsByPath, ItemDraft, OrderDraft } from '../order-draft';
import { FieldErrors } from './FieldErrors';
import { Spinner } from './icons';
import { ItemRow } from './ItemRow';

interface OrderFormProps {
  readonly draft: OrderDraft;
  /** Messages to show next to fields, by API path (client rules, or the server's 400). */
  readonly errors: ErrorsByPath;
  readonly submitting: boolean;
  /** The stack's failure injection: true, false or not known. */
  readonly failureInjection?: boolean;
  /** Shown above the buttons: what Submit will do with the form as it is now. */
  readonly notice?: ReactNode;
  readonly onCustomerIdChange: (customerId: string) => void;
  readonly onItemChange: (key: string, change: Partial<Pick<ItemDraft, 'sku' | 'qty'>>) => void;
  readonly onAddItem: () => void;
  readonly onRemoveItem: (key: string) => void;
  readonly onReset: () => void;
  readonly onSubmit: () => void;
}

export function OrderForm(props: OrderFormProps) {
  const { draft, errors, submitting } = props;
  const customerIdErrors = errors.get('customerId');
  const itemsErrors = errors.get('items');
  const atItemLimit = draft.items.length >= ORDER_LIMITS.maxItems;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!submitting) {
      props.onSubmit();
    }
  };

  return (
    // noValidate: the shared rules (not the browser's) decide, and their messages are shown.
    <form className="order-form" noValidate onSubmit={submit} aria-busy={submitting}>
      <div className="form-field">
        <label htmlFor="customerId">
          Customer ID <span className="form-field__optional">- optional</span>
        </label>
        <p className="form-field__hint" id="customerId-hint">
          Up to {ORDER_LIMITS.maxIdLength} characters. Leave empty for an anonymous order.
        </p>
        <input
          id="customerId"
          name="customerId"
          type="text"
          value={draft.customerId}
          maxLength={ORDER_LIMITS.maxIdLength}
          autoComplete="off"
          spellCheck={false}
          disabled={submitting}
          aria-invalid={(customerIdErrors?.length ?? 0) > 0}
          aria-describedby={customerIdErrors ? 'customerId-hint customerId-error' : 'customerId-hint'}
          onChange={(event) => props.onCustomerIdChange(event.target.value)}
        />
        <FieldErrors id="customerId-error" messages={customerIdErrors} />
      </div>

      <fieldset className="items" aria-describedby={itemsErrors ? 'items-hint items-error' : 'items-hint'}>
        <legend className="items__legend">Items</legend>
        <p className="form-field__hint" id="items-hint">
          1 to {ORDER_LIMITS.maxItems} items. Quantity is a whole number from 1 to {ORDER_LIMITS.maxQty.toLocaleString('en-US')}.
          {props.failureInjection === true && <>
            {' '}A SKU of <code>{FAILURE_INJECTION_SKU}</code> makes the worker fail, so the order ends in the dead-letter queue.
          </>}
          {props.failureInjection === undefined && <>
            {' '}If the stack has failure injection on (dev), a SKU of <code>{FAILURE_INJECTION_SKU}</code> makes the worker fail,
            so the order ends in the dead-letter queue.
          </>}
        </p>
        {draft.items.length === 0 ? (
          <p className="items__empty">No items yet. Add at least one item.</p>
        ) : (
          <ol className="items__list">
            {draft.items.map((item, index) => (
              <ItemRow
                key={item.key}
                item={item}
                index={index}
                skuErrors={errors.get(`items[${index}].sku`)}
                qtyErrors={errors.get(`items[${index}].qty`)}
                rowErrors={errors.get(`items[${index}]`)}
                disabled={submitting}
                onChange={props.onItemChange}
                onRemove={props.onRemoveItem}
              />
            ))}
          </ol>
        )}
        <FieldErrors id="items-error" messages={itemsErrors} />
        <button
          id="add-item"
          type="button"
          className="btn btn--normal"
          disabled={submitting || atItemLimit}
          onClick={props.onAddItem}
        >
          Add item
        </button>
        {atItemLimit && <p className="form-field__hint">An order holds at most {ORDER_LIMITS.maxItems} items.</p>}
      </fieldset>

      <div>
        {props.notice}
        <div className="form-actions">
          <button type="button" className="btn btn--link" disabled={submitting} onClick={props.onReset}>
            Reset
          </button>
          <button type="submit" className="btn btn--primary" disabled={submitting}>
            {submitting && <Spinner />}
            Submit order
          </button>
        </div>
      </div>
    </form>
  );
}
