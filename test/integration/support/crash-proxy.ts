/**
 * A proxy in front of moto that turns one AWS call into a process crash at an exact point.
 *
 * A function's SDK traffic is pointed here through its own AWS_ENDPOINT_URL (no handler
 * change). Everything is forwarded; the first call with the armed `X-Amz-Target` is forwarded
 * too, and once moto has ANSWERED it (the write is done), `onAnswered` runs (a test kills the
 * function's process there) and the caller never gets the answer. That is what an
 * out-of-memory kill, a runtime crash or a hard timeout does in Lambda at that instant.
 */
import { createServer, IncomingMessage, request as httpRequest, Server } from 'node:http';

export interface CrashProxy {
  readonly url: string;
  /** Targets seen, in order (e.g. `DynamoDB_20120810.PutItem`, `AWSEvents.PutEvents`). */
  readonly targets: string[];
  close(): Promise<void>;
}

export async function startCrashProxy(upstream: string, armedTarget: string, onAnswered: () => Promise<void>): Promise<CrashProxy> {
  let armed = true;
  const targets: string[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    void (async () => {
      const body = await readAll(incoming);
      const target = String(incoming.headers['x-amz-target'] ?? '');
      targets.push(target);
      const crashHere = armed && target === armedTarget;
      if (crashHere) armed = false;
      const forwarded = httpRequest(new URL(incoming.url ?? '/', upstream), { method: incoming.method, headers: incoming.headers }, (answer) => {
        void (async () => {
          const answerBody = await readAll(answer);
          if (crashHere) {
            await onAnswered();
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
    targets,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
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
