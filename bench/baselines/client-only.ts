/**
 * The floor for "a function that uses the AWS SDK": one EventBridgeClient created at init and
 * one PutEvents per invocation, nothing else. Its cold init is what any handler that
 * publishes an event pays at least.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';

const client = new EventBridgeClient({});

export const handler = async (): Promise<unknown> => client.send(new PutEventsCommand({
  Entries: [{ EventBusName: process.env.EVENT_BUS_NAME, Source: 'bench', DetailType: 'Bench', Detail: '{}' }],
}));
