/**
 * A small HTTP proxy in front of moto for the worker's DynamoDB traffic (the worker gets it
 * through its own AWS_ENDPOINT_URL, so no handler code changes): it forwards every request
 * and lets a test delay one, or act once moto has answered and withhold the answer. That is
 * how the integration tests make a slow worker or a crash at an exact point real.
 */
import { createServer, IncomingMessage, request as httpRequest, Server } from 'node:http';

export interface ProxiedRequest {
  /** The DynamoDB operation, e.g. `PutItem` (from the X-Amz-Target header). */
  readonly operation: string;
  readonly body: Buffer;
}

export interface ProxyAction {
  /** Wait this long before forwarding the request. */
  readonly delayMs?: number;
  /** Runs once moto has answered; the caller then never gets the answer (its connection is cut). */
  readonly afterAnswerWithheld?: () => Promise<void>;
}

export interface DynamoDbProxy {
  readonly url: string;
  close(): Promise<void>;
}

export async function startDynamoDbProxy(target: string, decide: (request: ProxiedRequest) => ProxyAction | undefined): Promise<DynamoDbProxy> {
  const server: Server = createServer((incoming, outgoing) => {
    void (async () => {
      const body = await readAll(incoming);
      const operation = String(incoming.headers['x-amz-target'] ?? '').replace(/^DynamoDB_\d+\./, '');
      const action = decide({ operation, body }) ?? {};
      if (action.delayMs) await new Promise((resolve) => setTimeout(resolve, action.delayMs));
      const upstream = new URL(incoming.url ?? '/', target);
      const forwarded = httpRequest(upstream, { method: incoming.method, headers: incoming.headers }, (answer) => {
        void (async () => {
          const answerBody = await readAll(answer);
          if (action.afterAnswerWithheld) {
            await action.afterAnswerWithheld();
            incoming.socket.destroy();
            return;
          }
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          outgoing.end(answerBody);
        })();
      });
      forwarded.on('error', () => outgoing.destroy());
      forwarded.end(body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}
