import { OrderProcessor } from '../processing/order-processor';

/** A stage of the workflow: a processor that runs after the previous step completed the order. */
export interface OrderStageProps {
  /**
   * The stage's business step, run inside the same worker runtime and API as the workflow's
   * `processor` (built-in, `fromEntry` or `fromCode`), with its own queue, dead-letter queue
   * and worker function. Its options (timeout, memory, environment, VPC, layers) are its own;
   * its queue's visibility timeout follows its timeout as the main queue's follows the worker's.
   */
  readonly processor: OrderProcessor;
  /**
   * The EventBridge `detail-type` the stage publishes on the workflow's bus when it completes
   * an order, e.g. `PaymentAuthorized`: the next stage's rule matches it, and `onCompleted()`
   * subscribes to it. Unique in the workflow: not a built-in detail type, not
   * `processorCompletedEvent`, not another stage's.
   */
  readonly completedEvent: string;
  /**
   * Undoes the stage when a later step refuses the order (a saga): it receives
   * `OrderCompensationRequested` events whose `detail.step` is this stage, on a queue pair and
   * worker function of its own.
   *
   * @default - the stage is not compensated
   */
  readonly compensation?: OrderProcessor;
}
