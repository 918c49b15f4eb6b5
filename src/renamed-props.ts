/**
 * Props that were renamed or replaced, with what to write instead. TypeScript and Python callers
 * get a compile or type error; JavaScript callers would otherwise see the old prop silently
 * ignored (a table deleted that they meant to retain), so synth refuses it.
 */
const RENAMED_PROPS: Record<string, string> = {
  removalPolicy: 'removalPolicy was replaced by dataRemovalPolicy (orders table and dead-letter queue, default RETAIN) ' +
    'and transientRemovalPolicy (main queue, idempotency table, log groups, default DESTROY).',
  idempotencyWindow: 'idempotencyWindow was renamed requestIdempotencyWindow (the API\'s retry window per Idempotency-Key).',
  idempotencyExpiry: 'idempotencyExpiry was renamed eventIdempotencyWindow (how long the worker remembers a processed eventId).',
  retentionPeriod: 'retentionPeriod was renamed mainQueueRetentionPeriod.',
  deadLetterRetentionPeriod: 'deadLetterRetentionPeriod was renamed deadLetterQueueRetentionPeriod.',
};

/** One problem per renamed prop that `props` still sets. */
export function renamedPropProblems(props: object): string[] {
  return Object.entries(RENAMED_PROPS)
    .filter(([name]) => (props as Record<string, unknown>)[name] !== undefined)
    .map(([, message]) => message);
}
