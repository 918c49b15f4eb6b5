/**
 * Stands in for `@smithy/core/event-streams` in the handler bundles (esbuild alias in
 * .projenrc.ts). The SDK's HTTP protocol imports that module lazily, only for an operation
 * whose input or output is an event stream; none of the operations these handlers call has one
 * (EventBridge PutEvents; DynamoDB GetItem, PutItem, UpdateItem, DeleteItem, Query; SQS), yet
 * the bundler must still inline the module (~15 KB minified). If a future operation needed it,
 * the call fails with this message instead of misbehaving.
 */
const NOT_BUNDLED = 'Event streams are not bundled into this handler (lambda/shared/no-event-streams.ts): ' +
  'remove the @smithy/core/event-streams alias in .projenrc.ts to call an event-stream operation.';

export class EventStreamSerde {
  constructor() {
    throw new Error(NOT_BUNDLED);
  }
}

export function eventStreamSerdeProvider(): never {
  throw new Error(NOT_BUNDLED);
}
