import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';

/** Where an event goes: the workflow's bus and source. */
export interface EventTarget {
  readonly eventBusName: string;
  readonly eventSource: string;
}

/**
 * Publishes one event. PutEvents reports per-entry failures in a 200 response, so a failed
 * entry is turned into a thrown error: nobody may treat an event the bus refused as published.
 */
export async function putEvent(client: EventBridgeClient, target: EventTarget, detailType: string, detail: object): Promise<void> {
  const output = await client.send(new PutEventsCommand({
    Entries: [{ EventBusName: target.eventBusName, Source: target.eventSource, DetailType: detailType, Detail: JSON.stringify(detail) }],
  }));
  const failed = output.Entries?.find((entry) => entry.ErrorCode !== undefined || entry.ErrorMessage !== undefined);
  if ((output.FailedEntryCount ?? 0) > 0 || failed !== undefined) {
    throw new Error(`PutEvents rejected the event: ${failed?.ErrorCode ?? 'unknown error'}${failed?.ErrorMessage ? ` (${failed.ErrorMessage})` : ''}`);
  }
}
