/**
 * Reads an SQS record body as the EventBridge envelope of an OrderCreated event.
 */
import { en } from 'zod/locales';
import * as z from 'zod/mini';
import { ATTRIBUTE_LIMITS, FieldError, READABLE_SCHEMA_VERSIONS } from '../shared/order-contract';
import { attributesSchema, identifierSchema, orderItemsSchema, toFieldErrors } from '../shared/order-validation';

// zod/mini loads no messages of its own ("Invalid input" for everything): the envelope's checks
// without a message of ours (schema version, createdAt, submittedBy, source) keep zod's English
// ones in the error that sends a bad record to the DLQ. Only the worker bundle loads this.
z.config(en());

/**
 * The same field rules the API enforced, as a tolerant reader: unknown fields are
 * ignored so a producer can add fields without breaking this consumer. The schema
 * version must be one this worker knows (1.0 and 1.1: 1.1 only added optional fields): a
 * worker must not half-understand a newer event (it goes to the DLQ and can be replayed once
 * a worker that knows it is deployed).
 */
/**
 * `detail.submittedBy` (optional, added within 1.0), read as tolerantly as the rest: extra keys
 * are dropped and a `type` this worker does not know is kept, so a newer API can add an
 * authorization mode. What it does define must hold: strings, bounded (an IAM ARN fits).
 */
const boundedString = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));
const submittedBySchema = z.object({
  type: boundedString(32),
  id: boundedString(2048),
  username: z.optional(boundedString(256)),
});

export const orderCreatedDetailSchema = z.object({
  schemaVersion: z.enum(READABLE_SCHEMA_VERSIONS),
  eventId: identifierSchema,
  orderId: identifierSchema,
  createdAt: z.iso.datetime({ offset: true }),
  customerId: z.optional(identifierSchema),
  items: orderItemsSchema,
  submittedBy: z.optional(submittedBySchema),
  attributes: attributesSchema(ATTRIBUTE_LIMITS.maxOrderBytes),
});

/**
 * An OrderCreated detail as this worker reads it: the contract's `OrderCreatedDetail`, except
 * that `submittedBy.type` may be a type a newer producer added.
 */
export type ReceivedOrderDetail = z.output<typeof orderCreatedDetailSchema>;
export type ReceivedSubmittedBy = z.output<typeof submittedBySchema>;

/** Source and detail-type are configurable on the producer, so only their presence is checked. `account` is absent on moto. */
const envelopeSchema = z.object({
  'source': z.string(),
  'detail-type': z.string(),
  'detail': orderCreatedDetailSchema,
});

const MAX_FIELD_ERRORS = 20;

/** A record that can never succeed; thrown so that SQS retries it into the DLQ for a human. */
export class InvalidOrderEventError extends Error {
  /** Explicit: the bundle is minified, so the class's own name is not kept. */
  public readonly name = 'InvalidOrderEventError';
  constructor(
    message: string,
    public readonly fieldErrors: FieldError[],
    /** Best-effort ids (and the caller, when well-formed) from the raw body, for the failure log line. */
    public readonly ids: RawIds,
  ) {
    super(message);
  }
}

export function parseOrderCreatedRecord(body: string): ReceivedOrderDetail {
  let envelope: unknown;
  try {
    envelope = JSON.parse(body);
  } catch {
    throw new InvalidOrderEventError('Record body is not valid JSON', [{ path: '(root)', message: 'must be valid JSON' }], {});
  }
  const result = envelopeSchema.safeParse(envelope);
  if (!result.success) {
    // Bounded: the error is logged whole, and one log line must stay one CloudWatch event.
    const fieldErrors = toFieldErrors(result.error.issues).slice(0, MAX_FIELD_ERRORS);
    const summary = fieldErrors.slice(0, 5).map((error) => `${error.path} ${error.message}`).join('; ');
    throw new InvalidOrderEventError(`Invalid OrderCreated event: ${summary}`, fieldErrors, rawIds(envelope));
  }
  return result.data.detail;
}

export interface RawIds {
  readonly eventId?: string;
  readonly orderId?: string;
  readonly submittedBy?: ReceivedSubmittedBy;
}

function rawIds(envelope: unknown): RawIds {
  const detail = (envelope as { detail?: { eventId?: unknown; orderId?: unknown; submittedBy?: unknown } } | null)?.detail;
  const submittedBy = submittedBySchema.safeParse(detail?.submittedBy);
  return {
    eventId: typeof detail?.eventId === 'string' ? detail.eventId : undefined,
    orderId: typeof detail?.orderId === 'string' ? detail.orderId : undefined,
    submittedBy: submittedBy.success ? submittedBy.data : undefined,
  };
}
