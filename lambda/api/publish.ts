import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { OrderCreatedDetail } from '../shared/order-contract';

/** Module scope: one client (and its connection pool) per container, created at cold start. */
const eventBridge = new EventBridgeClient({});

export interface PublishTarget {
  readonly eventBusName: string;
  readonly eventSource: string;
  readonly eventDetailType: string;
}

/**
 * Publishes one OrderCreated event. PutEvents reports per-entry failures in a 200
 * response, so a failed entry is turned into a thrown error: the caller must never
 * answer 2xx for an event that was not accepted by the bus.
 */
export async function publishOrderCreated(detail: OrderCreatedDetail, target: PublishTarget): Promise<void> {
  const output = await eventBridge.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: target.eventBusName,
          Source: target.eventSource,
          DetailType: target.eventDetailType,
          Detail: JSON.stringify(detail),
        },
      ],
    }),
  );
  const failed = output.Entries?.find((entry) => entry.ErrorCode !== undefined || entry.ErrorMessage !== undefined);
  if ((output.FailedEntryCount ?? 0) > 0 || failed !== undefined) {
    throw new Error(`PutEvents rejected the event: ${failed?.ErrorCode ?? 'unknown error'}${failed?.ErrorMessage ? ` (${failed.ErrorMessage})` : ''}`);
  }
}
