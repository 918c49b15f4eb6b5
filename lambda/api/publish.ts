import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { OrderCreatedDetail } from '../shared/order-contract';
import { EventTarget, putEvent } from '../shared/put-event';

/** Module scope: one client (and its connection pool) per container, created at cold start. */
const eventBridge = new EventBridgeClient({});

export interface PublishTarget extends EventTarget {
  readonly eventDetailType: string;
}

/** Publishes one OrderCreated event; throws when the bus did not accept it. */
export async function publishOrderCreated(detail: OrderCreatedDetail, target: PublishTarget): Promise<void> {
  await putEvent(eventBridge, target, target.eventDetailType, detail);
}
