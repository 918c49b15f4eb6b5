/**
 * How every Lambda handler is bundled, and what each bundle may weigh: one place for
 * .projenrc.ts (the bundle tasks), test/packaging/bundle-budgets.test.ts (the budgets) and the
 * benchmark (issue 11). Figures and reasons: README, "Bundle size and cold start".
 */

/**
 * esbuild flags added to EVERY handler bundle (the handler loop in .projenrc.ts), so a handler
 * added to the loop is as lean as the others. Each one was measured; see the README.
 */
export const HANDLER_ESBUILD_ARGS: Readonly<Record<string, string>> = {
  // The SDK's default credential chain -> the environment provider only. Lambda always puts the
  // execution role's credentials in the environment, and the chain's first link reads exactly
  // those; the rest of it (SSO, ini files, credential_process, web identity, container and
  // instance metadata, with their STS and SSO clients: ~130 KB minified) can never run there.
  // Why this is safe: lambda/shared/lambda-credentials.ts.
  '--alias:@aws-sdk/credential-provider-node': './lambda/shared/lambda-credentials.ts',
  // The SDK's event-stream codec (~19 KB): loaded lazily, only by operations with event
  // streams, and none of ours has one; the stub fails loudly if that ever changes.
  '--alias:@smithy/core/event-streams': './lambda/shared/no-event-streams.ts',
};

/** Kilobytes as the issue counts them (1 KB = 1,000 bytes of minified output). */
const KB = 1_000;

/** Upper bound of each handler bundle's size (assets/lambda/<name>/handler/index.js), in bytes. */
export const HANDLER_BUNDLE_BUDGETS: Readonly<Record<string, number>> = {
  api: 300 * KB,
  // Batch processing and idempotency on top of what the API carries.
  worker: 330 * KB,
};

/** Any handler without its own entry above (reads, operations, the next one). */
export const DEFAULT_HANDLER_BUNDLE_BUDGET = 300 * KB;

export function handlerBundleBudget(handler: string): number {
  return HANDLER_BUNDLE_BUDGETS[handler] ?? DEFAULT_HANDLER_BUNDLE_BUDGET;
}

/**
 * Cold init targets: wall time of a fresh `node` process that loads the bundle, divided by an
 * empty `node` process's (alternating pairs, median, without NODE_EXTRA_CA_CERTS). Not a test
 * (timings on a shared machine are noise); the benchmark reports against these.
 */
export const COLD_INIT_TARGETS: Readonly<Record<string, number>> = { api: 2.5, worker: 2.6 };
export const DEFAULT_COLD_INIT_TARGET = 2.5;
