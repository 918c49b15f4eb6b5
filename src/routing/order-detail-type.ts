import {
  ORDER_COMPENSATION_REQUESTED_DETAIL_TYPE, ORDER_CREATED_DETAIL_TYPE, ORDER_FAILED_DETAIL_TYPE, ORDER_PROCESSED_DETAIL_TYPE,
  ORDER_REJECTED_DETAIL_TYPE,
} from '../event-contract';

/**
 * The EventBridge `detail-type` of each event the workflow publishes on its bus (all with the
 * workflow's `eventSource`). Their `detail` shapes are the TypeScript types of
 * `cdk-orders-workflow/worker` and the JSON Schemas in the package's `schemas/` folder.
 */
export class OrderDetailType {
  /** A new order, published by the API. */
  public static readonly ORDER_CREATED = ORDER_CREATED_DETAIL_TYPE;
  /** The processor completed the order (with its result, if any). */
  public static readonly ORDER_PROCESSED = ORDER_PROCESSED_DETAIL_TYPE;
  /** The processor refused the order for good (`PermanentOrderError`). */
  public static readonly ORDER_REJECTED = ORDER_REJECTED_DETAIL_TYPE;
  /** The order's last attempt failed, and its message is in the dead-letter queue. */
  public static readonly ORDER_FAILED = ORDER_FAILED_DETAIL_TYPE;
  /** With stages: a later stage refused the order, undo `detail.step` (its compensation's rule matches it). */
  public static readonly ORDER_COMPENSATION_REQUESTED = ORDER_COMPENSATION_REQUESTED_DETAIL_TYPE;

  private constructor() {}
}
