/**
 * One Lambda execution environment: this file runs in its own child process per function
 * instance (see local-function.ts), loads the bundled handler once (the "init" phase, with
 * the function's environment already in process.env) and runs one invocation at a time.
 *
 * Usage (by the runner only): node --import tsx function-host.ts <handler file> <export name>
 * (the package's bin forks its bundled copy with plain node: tools/local/function-host.ts).
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { FromHost, InvokeContext, serializeError, ToHost } from './function-protocol';
import { runtimeInvokeErrorLine } from './log-lines';

type Handler = (event: unknown, context: unknown, callback?: (error: unknown, result?: unknown) => void) => unknown;

const [handlerFile, exportName] = process.argv.slice(2);

function send(message: FromHost): void {
  process.send?.(message);
}

async function loadHandler(): Promise<Handler> {
  const module = handlerFile.endsWith('.mjs')
    ? await import(pathToFileURL(handlerFile).href)
    : createRequire(handlerFile)(handlerFile);
  const handler = module?.[exportName];
  if (typeof handler !== 'function') {
    throw Object.assign(new Error(`${handlerFile} does not export a function named '${exportName}'`), { name: 'Runtime.HandlerNotFound' });
  }
  return handler as Handler;
}

/**
 * `deadline` is counted from the moment this process received the invoke, as Lambda counts
 * it from the invocation start: Powertools turns getRemainingTimeInMillis into the claim's
 * IN_PROGRESS expiry, so a claim left by a crash or timeout lasts exactly this invocation.
 */
function lambdaContext(context: InvokeContext, deadline: number) {
  return {
    ...context,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    // Deprecated context methods, still part of the Context type.
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Async handlers return a promise; callback-style ones (3 parameters) call back. */
function run(handler: Handler, event: unknown, context: unknown): Promise<unknown> {
  if (handler.length >= 3) {
    return new Promise((resolve, reject) => {
      const result = handler(event, context, (error, value) => (error ? reject(error) : resolve(value)));
      if (result instanceof Promise) result.then(resolve, reject);
    });
  }
  return Promise.resolve(handler(event, context));
}

async function main(): Promise<void> {
  const started = Date.now();
  let handler: Handler;
  try {
    handler = await loadHandler();
  } catch (error) {
    send({ type: 'init-error', error: serializeError(error) });
    // Lambda discards an environment whose init failed.
    setTimeout(() => process.exit(1), 50);
    return;
  }
  send({ type: 'ready', initDurationMs: Date.now() - started });

  process.on('message', (message: ToHost) => {
    if (message.type !== 'invoke') return;
    const startedAt = Date.now();
    const deadline = startedAt + message.timeoutMs;
    send({ type: 'started', id: message.id, startedAt, deadline });
    run(handler, message.event, lambdaContext(message.context, deadline)).then(
      (value) => send({ type: 'result', id: message.id, ok: true, value: value === undefined ? null : JSON.parse(JSON.stringify(value)) }),
      (error) => {
        process.stdout.write(`${runtimeInvokeErrorLine(message.context.awsRequestId, error)}\n`);
        send({ type: 'result', id: message.id, ok: false, error: serializeError(error) });
      },
    );
  });
  // The parent going away ends this environment too.
  process.on('disconnect', () => process.exit(0));
  // Ctrl-C reaches the whole terminal process group: the runner decides when instances stop
  // (after in-flight invocations), so the signal must not kill them mid-invocation.
  process.on('SIGINT', () => undefined);
}

void main();
