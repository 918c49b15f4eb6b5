import AttributeEditor, { type AttributeEditorProps } from '@cloudscape-design/components/attribute-editor';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Input from '@cloudscape-design/components/input';
import SpaceBetween from '@cloudscape-design/components/space-between';
import type { FormEvent, ReactNode, Ref } from 'react';
import { FAILURE_INJECTION_SKU, ORDER_LIMITS } from '../../../../lambda/shared/order-contract';
import { sentence, type ErrorsByPath, type ItemDraft, type OrderDraft } from '../order-draft';

interface OrderFormProps {
  readonly draft: OrderDraft;
  /** Messages to show next to fields, by API path (client rules, or the server's 400). */
  readonly errors: ErrorsByPath;
  /**
   * A request is on its way: the fields turn read-only and Submit shows that it is loading,
   * but nothing is disabled, so the keyboard focus stays where it was.
   */
  readonly submitting: boolean;
  /** The stack's failure injection: the FAIL-ME hint is shown only when it is on. */
  readonly failureInjection?: boolean;
  /** Shown above the buttons: what Submit will do with the form as it is now. */
  readonly notice?: ReactNode;
  readonly itemsRef?: Ref<AttributeEditorProps.Ref>;
  readonly onCustomerIdChange: (customerId: string) => void;
  readonly onItemChange: (key: string, change: Partial<Pick<ItemDraft, 'sku' | 'qty'>>) => void;
  readonly onAddItem: () => void;
  readonly onRemoveItem: (key: string) => void;
  readonly onReset: () => void;
  readonly onSubmit: () => void;
}

/**
 * 1,000-style grouping without Intl: the first toLocaleString of a page loads the locale data,
 * which on a phone is a long task in the form's first render.
 */
const MAX_QTY_TEXT = String(ORDER_LIMITS.maxQty).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

const messages = (list?: readonly string[]) => (list === undefined || list.length === 0 ? undefined : list.map(sentence).join(' '));

export function OrderForm(props: OrderFormProps) {
  const { draft, errors, submitting } = props;
  const atItemLimit = draft.items.length >= ORDER_LIMITS.maxItems;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!submitting) props.onSubmit();
  };
  const definition: AttributeEditorProps.FieldDefinition<ItemDraft>[] = [
    {
      label: 'SKU',
      errorText: (_item, index) => messages([...(errors.get(`items[${index}].sku`) ?? []), ...(errors.get(`items[${index}]`) ?? [])]),
      control: (item, index) => (
        <Input controlId={`${item.key}-sku`} name={`items[${index}].sku`} value={item.sku} readOnly={submitting} autoComplete={false} spellcheck={false}
          onChange={({ detail }) => props.onItemChange(item.key, { sku: detail.value.slice(0, ORDER_LIMITS.maxSkuLength) })} />
      ),
    },
    {
      label: 'Quantity',
      errorText: (_item, index) => messages(errors.get(`items[${index}].qty`)),
      control: (item, index) => (
        <Input controlId={`${item.key}-qty`} name={`items[${index}].qty`} type="number" inputMode="numeric" step={1} value={item.qty} readOnly={submitting}
          onChange={({ detail }) => props.onItemChange(item.key, { qty: detail.value })} />
      ),
    },
  ];

  return (
    // noValidate: the shared rules (not the browser's) decide, and their messages are shown.
    <form noValidate onSubmit={submit} aria-busy={submitting} data-testid="order-form">
      <Form
        actions={(
          // Reset before Submit in the DOM, on every screen: the tab order is the order you see.
          <SpaceBetween direction="horizontal" size="xs">
            <Button formAction="none" variant="link" onClick={() => !submitting && props.onReset()}>Reset</Button>
            <Button variant="primary" loading={submitting} loadingText="Sending the order">Submit order</Button>
          </SpaceBetween>
        )}
      >
        <SpaceBetween size="l">
          <FormField label="Customer ID" controlId="customerId" description={`Optional. Up to ${ORDER_LIMITS.maxIdLength} characters; leave empty for an anonymous order.`}
            errorText={messages(errors.get('customerId'))}>
            <Input value={draft.customerId} readOnly={submitting} autoComplete={false} spellcheck={false}
              onChange={({ detail }) => props.onCustomerIdChange(detail.value.slice(0, ORDER_LIMITS.maxIdLength))} />
          </FormField>
          <FormField label="Items" stretch errorText={messages(errors.get('items'))}
            description={<>
              1 to {ORDER_LIMITS.maxItems} items. Quantity is a whole number from 1 to {MAX_QTY_TEXT}.
              {props.failureInjection === true && <>
                {' '}Failure injection is on: a SKU of <Box variant="code">{FAILURE_INJECTION_SKU}</Box> makes the worker fail, so the
                order ends FAILED in the dead-letter queue.
              </>}
            </>}>
            <AttributeEditor
              ref={props.itemsRef}
              items={draft.items}
              definition={definition}
              addButtonText="Add item"
              removeButtonText="Remove"
              removeButtonAriaLabel={(item) => `Remove item ${draft.items.indexOf(item) + 1}`}
              disableAddButton={submitting || atItemLimit}
              additionalInfo={atItemLimit ? `An order holds at most ${ORDER_LIMITS.maxItems} items.` : undefined}
              empty="No items yet. Add at least one item."
              onAddButtonClick={() => !submitting && props.onAddItem()}
              onRemoveButtonClick={({ detail }) => {
                const item = draft.items[detail.itemIndex];
                if (!submitting && item !== undefined) props.onRemoveItem(item.key);
              }}
            />
          </FormField>
          {props.notice}
        </SpaceBetween>
      </Form>
    </form>
  );
}
