/**
 * Why an order was refused (the `reason` dimension of the OrdersRejected metric): by the API
 * before anything was published, or by the processor (`PROCESSOR`). 5xx answers are not
 * rejections: the order may be retried and accepted.
 */
export enum OrderRejectionReason {
  /** 400: the body or the Idempotency-Key header broke the contract. */
  VALIDATION = 'validation',
  /** 415: the body was not application/json. */
  UNSUPPORTED_MEDIA_TYPE = 'unsupported_media_type',
  /** 422: the Idempotency-Key was already used for a different order. */
  KEY_REUSED = 'key_reused',
  /** 409: a request with the same Idempotency-Key was still being processed. */
  IN_PROGRESS = 'in_progress',
  /** 403: no verified caller identity reached the function (a misconfigured route). */
  UNIDENTIFIED = 'unidentified',
  /** 405: a method other than POST reached the function. */
  METHOD_NOT_ALLOWED = 'method_not_allowed',
  /** The worker's processor refused the order for good (`PermanentOrderError`): the order is REJECTED. */
  PROCESSOR = 'processor',
}
