/**
 * A proxy on 127.0.0.1 in front of moto that makes one AWS call slow, failing, or a crash at
 * an exact point, without any change to the code under test: a function gets it through its
 * own AWS_ENDPOINT_URL, the replay CLI through `--endpoint`.
 *
 * Every call is forwarded unless `decide` says otherwise. With `afterAnswerWithheld`, moto
 * does the work and answers, the hook runs (a test kills the caller's process there), and the
 * caller never gets the answer: what an out-of-memory kill, a runtime crash or a hard timeout
 * does in Lambda at that instant.
 */
import { createServer, IncomingMessage, request as httpRequest, Server, ServerResponse } from 'node:http';
import { buffer } from 'node:stream/consumers';

export interface ProxiedCall {
  /** The X-Amz-Target header, e.g. `AWSEvents.PutEvents`, `DynamoDB_20120810.PutItem`. */
  readonly target: string;
  /** The operation alone: `PutEvents`, `PutItem`, `ReceiveMessage`. */
  readonly operation: string;
  readonly body: Buffer;
}

export interface ProxyAction {
  /** Wait this long before forwarding the call. */
  readonly delayBeforeMs?: number;
  /** Hold moto's answer this long: the work is done, the caller waits. */
  readonly delayAfterMs?: number;
  /**
   * Answer 500 InternalError (JSON protocol) without forwarding: nothing happens in moto. A
   * function is asked after `delayBeforeMs`, so a test can change its mind meanwhile.
   */
  readonly fail?: boolean | (() => boolean);
  /** Runs once moto has answered; the caller then never gets the answer (its connection is cut). */
  readonly afterAnswerWithheld?: () => Promise<void>;
}

export interface AwsProxy {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Operations forwarded to moto, in order. */
  readonly forwarded: string[];
  close(): Promise<void>;
}

// unref: an answer still held back when a test ends must not keep jest waiting for it.
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

export async function startAwsProxy(upstream: string, decide: (call: ProxiedCall) => ProxyAction | undefined = () => undefined): Promise<AwsProxy> {
  const forwarded: string[] = [];
  const handle = async (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const body = await buffer(incoming);
    const target = String(incoming.headers['x-amz-target'] ?? '');
    const operation = target.slice(target.lastIndexOf('.') + 1);
    const action = decide({ target, operation, body }) ?? {};
    if (action.delayBeforeMs) await sleep(action.delayBeforeMs);
    if (typeof action.fail === 'function' ? action.fail() : action.fail) {
      outgoing.writeHead(500, { 'Content-Type': 'application/x-amz-json-1.0' });
      outgoing.end(JSON.stringify({ __type: 'InternalError', message: 'failing on purpose (test proxy)' }));
      return;
    }
    forwarded.push(operation);
    const forward = httpRequest(new URL(incoming.url ?? '/', upstream), { method: incoming.method, headers: incoming.headers }, (answer) => {
      void (async () => {
        const answerBody = await buffer(answer);
        if (action.afterAnswerWithheld) {
          await action.afterAnswerWithheld();
          incoming.socket.destroy();
          return;
        }
        if (action.delayAfterMs) await sleep(action.delayAfterMs);
        if (outgoing.destroyed) return; // the caller gave up (an aborted receive)
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        outgoing.end(answerBody);
      })();
    });
    forward.on('error', () => outgoing.destroy());
    forward.end(body);
  };
  const server: Server = createServer((incoming, outgoing) => {
    handle(incoming, outgoing).catch(() => outgoing.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    forwarded,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

