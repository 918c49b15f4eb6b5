/** Messages between the runner and a function process (function-host.ts), over the IPC channel. */

/** The serialisable part of a Lambda context; the host adds the methods. */
export interface InvokeContext {
  readonly awsRequestId: string;
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  /** Epoch ms when the invocation times out (getRemainingTimeInMillis counts down to it). */
  readonly deadline: number;
}

export interface SerializedError {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly stackTrace?: string[];
}

export type ToHost = { readonly type: 'invoke'; readonly id: string; readonly event: unknown; readonly context: InvokeContext };

export type FromHost =
  | { readonly type: 'ready'; readonly initDurationMs: number }
  | { readonly type: 'init-error'; readonly error: SerializedError }
  | { readonly type: 'result'; readonly id: string; readonly ok: true; readonly value: unknown }
  | { readonly type: 'result'; readonly id: string; readonly ok: false; readonly error: SerializedError };

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    return { errorType: error.name || error.constructor.name, errorMessage: error.message, stackTrace: error.stack?.split('\n') };
  }
  return { errorType: typeof error, errorMessage: String(error) };
}
