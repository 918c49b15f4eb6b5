/** Messages between the runner and a function process (function-host.ts), over the IPC channel. */

/** The serialisable part of a Lambda context; the host adds the methods and the deadline. */
export interface InvokeContext {
  readonly awsRequestId: string;
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
}

export interface SerializedError {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly stackTrace?: string[];
}

export type ToHost = {
  readonly type: 'invoke';
  readonly id: string;
  readonly event: unknown;
  readonly context: InvokeContext;
  /**
   * The function's timeout. The host turns it into the deadline when the invoke arrives,
   * i.e. counted from the invocation start as the function sees it, as Lambda does.
   */
  readonly timeoutMs: number;
};

export type FromHost =
  | { readonly type: 'ready'; readonly initDurationMs: number }
  | { readonly type: 'init-error'; readonly error: SerializedError }
  /** Sent when an invoke arrives, before the handler runs: what getRemainingTimeInMillis counts down to. */
  | { readonly type: 'started'; readonly id: string; readonly startedAt: number; readonly deadline: number }
  | { readonly type: 'result'; readonly id: string; readonly ok: true; readonly value: unknown }
  | { readonly type: 'result'; readonly id: string; readonly ok: false; readonly error: SerializedError };

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    return { errorType: error.name || error.constructor.name, errorMessage: error.message, stackTrace: error.stack?.split('\n') };
  }
  return { errorType: typeof error, errorMessage: String(error) };
}
