/**
 * A tiny static file server for the built frontend, standing in for CloudFront: the same
 * Content-Security-Policy as the deployed site, `/config.json` written for this run, the
 * single-page-app fallback (unknown paths get index.html), and compression of text files
 * (brotli or gzip, as CloudFront's `compress: true` does), so page-weight measurements
 * (Lighthouse) see what a browser would download.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export interface StaticServerOptions {
  readonly root: string;
  readonly host: string;
  readonly port: number;
  /** Served as `/config.json` (what the CDK app writes at deploy time); omitted when undefined. */
  readonly config?: unknown;
  /** Sent with every response, like CloudFront's response headers policy. */
  readonly contentSecurityPolicy?: string;
}

export interface StaticServer {
  readonly origin: string;
  close(): Promise<void>;
}

export async function startStaticServer(options: StaticServerOptions): Promise<StaticServer> {
  const root = path.resolve(options.root);
  const server = http.createServer((request, response) => {
    const headers: Record<string, string> = { 'X-Content-Type-Options': 'nosniff' };
    if (options.contentSecurityPolicy) {
      headers['Content-Security-Policy'] = options.contentSecurityPolicy;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, headers).end();
      return;
    }
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    if (pathname === '/config.json' && options.config !== undefined) {
      response.writeHead(200, { ...headers, 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' });
      response.end(JSON.stringify(options.config));
      return;
    }
    let file = path.join(root, pathname === '/' ? 'index.html' : pathname);
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      file = path.join(root, 'index.html'); // SPA fallback, as the distribution's error responses do
    }
    const type = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
    let body = fs.readFileSync(file);
    const accepted = String(request.headers['accept-encoding'] ?? '');
    if (/^(text\/|application\/json|image\/svg)/.test(type)) {
      headers.Vary = 'Accept-Encoding';
      if (/\bbr\b/.test(accepted)) {
        body = zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } });
        headers['Content-Encoding'] = 'br';
      } else if (/\bgzip\b/.test(accepted)) {
        body = zlib.gzipSync(body);
        headers['Content-Encoding'] = 'gzip';
      }
    }
    response.writeHead(200, { ...headers, 'Content-Type': type });
    response.end(request.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${options.host}:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
