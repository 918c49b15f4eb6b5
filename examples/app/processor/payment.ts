/**
 * The payment stage's logic (authorize-payment.ts and its compensation void-authorization.ts),
 * and which card an order pays with.
 *
 * An order names its card in the order attribute `cardNumber` (12 to 19 digits). An order
 * without one pays with the card on file, which this fake shop has for every customer: the test
 * card 4242424242424242 (the console sends no attributes, so its orders pay with it).
 */
import { PermanentOrderError, type Order, type OrderProcessingContext } from 'cdk-orders-workflow/worker';
import type { FakePaymentGateway } from './payment-gateway';

/** The order attribute that holds the card number. */
export const CARD_NUMBER_ATTRIBUTE = 'cardNumber';
/** The card every customer of the example has on file. */
export const CARD_ON_FILE = '4242424242424242';
const CARD_NUMBER = /^[0-9]{12,19}$/;

/** What the payment stage returns: the step's result, in `ctx.results.payment` of the later steps. */
export type PaymentAuthorization = {
  readonly authorizationId: string;
};

/** Why the order's card can never be charged (the validation step refuses it), or undefined. */
export function cardProblem(order: Pick<Order, 'attributes'>): string | undefined {
  const given = order.attributes?.[CARD_NUMBER_ATTRIBUTE];
  if (given === undefined) return undefined;
  // The reason never repeats the number.
  return typeof given === 'string' && CARD_NUMBER.test(given) ? undefined : `invalid ${CARD_NUMBER_ATTRIBUTE}: 12 to 19 digits expected`;
}

/** The order's card: its `cardNumber` attribute, else the card on file. */
export function cardNumberOf(order: Pick<Order, 'attributes'>): string {
  const given = order.attributes?.[CARD_NUMBER_ATTRIBUTE];
  return typeof given === 'string' ? given : CARD_ON_FILE;
}

/**
 * Authorizes the order's card, once per eventId (the gateway's idempotency key): a redelivery
 * answers with the same authorization. A declined card refuses the order.
 */
export async function authorizePayment(gateway: FakePaymentGateway, order: Pick<Order, 'eventId' | 'orderId' | 'attributes'>): Promise<PaymentAuthorization> {
  const answer = await gateway.authorize({ idempotencyKey: order.eventId, orderId: order.orderId, cardNumber: cardNumberOf(order) });
  if (!answer.approved) throw new PermanentOrderError(answer.declineReason);
  return { authorizationId: answer.authorizationId };
}

/**
 * The compensation: voids the authorization the payment step returned (`ctx.results[ctx.step]`),
 * exactly once however often it runs. Anything missing is an error, retried and then kept in the
 * compensation's dead-letter queue: an undo is never skipped silently.
 */
export async function voidAuthorization(
  gateway: FakePaymentGateway,
  context: Pick<OrderProcessingContext, 'step' | 'results' | 'compensation'>,
): Promise<{ authorizationId: string; voidedNow: boolean }> {
  const step = context.step ?? 'payment';
  const authorizationId = context.results?.[step]?.authorizationId;
  if (typeof authorizationId !== 'string') {
    throw new Error(`no authorizationId in the result of step ${step}: nothing says what to void`);
  }
  const reason = context.compensation
    ? `${context.compensation.rejectedStep}: ${context.compensation.reason}`
    : 'order refused by a later step';
  const { voidedNow } = await gateway.void(authorizationId, reason);
  return { authorizationId, voidedNow };
}
