/**
 * Thrown by a processor for an order that can never succeed (a declined card, an unknown sku):
 * the order becomes REJECTED with this message as its reason at once, and is not retried.
 */
export class PermanentOrderError extends Error {
  /** Explicit: bundles are minified, so the class's own name is not kept. */
  public readonly name = 'PermanentOrderError';

  /**
   * @param reason why the order is refused; shown on the order (`reason`) and its OrderRejected event
   * @param options `cause`: the error behind it, for the logs
   */
  constructor(reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    Object.defineProperty(this, PERMANENT, { value: true });
  }
}

/** Marks instances across copies of this class (a processor bundled apart from the runtime). */
const PERMANENT = Symbol.for('cdk-orders-workflow.PermanentOrderError');

export function isPermanentOrderError(error: unknown): error is PermanentOrderError {
  return error instanceof Error && (error as unknown as Record<symbol, unknown>)[PERMANENT] === true;
}
