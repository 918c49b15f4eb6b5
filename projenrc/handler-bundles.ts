/**
 * How every Lambda handler is bundled, and what each bundle may weigh: one place for
 * .projenrc.ts (the bundle tasks), test/packaging/bundle-budgets.test.ts (the budgets) and the
 * benchmark (issue 11: it reports against the targets). Figures and reasons: docs/performance.md, "Bundle size and cold start".
 */

/**
 * esbuild flags added to EVERY handler bundle (the handler loop in .projenrc.ts), so a handler
 * added to the loop is as lean as the others. Each one was measured; see docs/performance.md.
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
  // The DynamoDB client's endpoint-discovery cache builds on mnemonist's LRU (~7 KB with its
  // helpers); a Map does the same for the few calls it makes. Why this is safe: lambda/shared/lru-cache.ts.
  '--alias:mnemonist/lru-cache': './lambda/shared/lru-cache.ts',
};

/**
 * esbuild flags added to ONE handler's bundle, on top of HANDLER_ESBUILD_ARGS.
 */
/**
 * The API's and the worker's idempotency keys are field paths of their own input: a 1 KB
 * field-path reader instead of the JMESPath engine (~15-23 KB). Why this is safe:
 * lambda/api/field-path-search.ts.
 */
export const FIELD_PATHS_FOR_JMESPATH: Readonly<Record<string, string>> = {
  '--alias:@aws-lambda-powertools/jmespath': './lambda/api/field-path-search.ts',
  '--alias:@aws-lambda-powertools/jmespath/functions': './lambda/api/field-path-search.ts',
};

export const HANDLER_EXTRA_ESBUILD_ARGS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  api: FIELD_PATHS_FOR_JMESPATH,
  worker: FIELD_PATHS_FOR_JMESPATH,
};

/** The flags of one handler's bundle. */
export function handlerEsbuildArgs(handler: string): Readonly<Record<string, string>> {
  return { ...HANDLER_ESBUILD_ARGS, ...HANDLER_EXTRA_ESBUILD_ARGS[handler] };
}

/** Kilobytes as the issue counts them (1 KB = 1,000 bytes of minified output). */
const KB = 1_000;

/** Issue 11's size targets per handler bundle (assets/lambda/<name>/handler/index.js), in bytes. */
export const HANDLER_BUNDLE_TARGETS: Readonly<Record<string, number>> = {
  api: 300 * KB,
  // Batch processing on top of the SDK, Powertools and zod that the API carries too.
  worker: 330 * KB,
};

/** Any handler without its own target above (reads, operations, the next one). */
export const DEFAULT_HANDLER_BUNDLE_TARGET = 300 * KB;

/**
 * What test/packaging/bundle-budgets.test.ts enforces where a target is not met yet: the
 * measured size rounded up, so that any growth still fails the test. Every target is met today.
 */
const NOT_MET_YET: Readonly<Record<string, number>> = {};

export function handlerBundleTarget(handler: string): number {
  return HANDLER_BUNDLE_TARGETS[handler] ?? DEFAULT_HANDLER_BUNDLE_TARGET;
}

export function handlerBundleBudget(handler: string): number {
  return NOT_MET_YET[handler] ?? handlerBundleTarget(handler);
}

/**
 * Cold init targets: wall time of a fresh `node` process that loads the bundle, divided by an
 * empty `node` process's (alternating pairs, median, without NODE_EXTRA_CA_CERTS). Not a test
 * (timings on a shared machine are noise); the benchmark reports against these.
 */
export const COLD_INIT_TARGETS: Readonly<Record<string, number>> = { api: 2.5, worker: 2.6 };
export const DEFAULT_COLD_INIT_TARGET = 2.5;
