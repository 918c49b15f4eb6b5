/**
 * Callers of the local API in each authorization mode, built the way real clients are: a
 * Cognito sign-in against the emulator with the SDK, SigV4 signing with the SDK's signer (and,
 * as an independent implementation, curl's --aws-sigv4), an API key header. Plus tokens the
 * emulator would never issue (expired, other scopes), signed with moto's own key, so that only
 * the check under test can refuse them.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { Sha256 } from '@aws-crypto/sha256-js';
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { SignatureV4 } from '@smithy/signature-v4';
import { LocalOutputs } from '../../../scripts/local/index';
import { LogLine } from '../../../scripts/local/logs';

export interface Answer {
  readonly status: number;
  readonly body: any;
  readonly errorType: string | null;
  readonly headers: Headers;
}

export async function send(url: string, init: { method?: string; headers?: Record<string, string>; body?: string }): Promise<Answer> {
  const response = await fetch(url, { method: init.method ?? 'POST', headers: init.headers, body: init.body });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, errorType: response.headers.get('x-amzn-errortype'), headers: response.headers };
}

export const ORDER = { customerId: 'cust-auth', items: [{ sku: 'SKU-1', qty: 1 }] };
export const ORDER_JSON = JSON.stringify(ORDER);

/** POST /orders with a JSON body and extra headers. */
export function postOrder(apiUrl: string, headers: Record<string, string> = {}, body = ORDER_JSON): Promise<Answer> {
  return send(`${apiUrl}/orders`, { headers: { 'Content-Type': 'application/json', ...headers }, body });
}

/** The browser's CORS preflight for POST /orders with the headers each mode needs. */
export function preflight(apiUrl: string, origin: string): Promise<Answer> {
  return send(`${apiUrl}/orders`, {
    method: 'OPTIONS',
    headers: {
      'Origin': origin,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'content-type,authorization,x-api-key,x-amz-date,x-amz-security-token',
    },
  });
}

/** Whether the API function ran for anything: its own log lines (source `api`), not the runner's access log. */
export function apiFunctionLines(logs: readonly LogLine[]): LogLine[] {
  return logs.filter((line) => line.source === 'api');
}

// --- Cognito ---

export interface Tokens {
  readonly idToken: string;
  readonly accessToken: string;
}

/** The demo user signs in as the frontend does (USER_PASSWORD_AUTH) against the emulator's Cognito. */
export async function signIn(outputs: LocalOutputs): Promise<Tokens> {
  const cognito = new CognitoIdentityProviderClient({
    endpoint: outputs.EmulatorEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const { AuthenticationResult: result } = await cognito.send(new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: outputs.UserPoolClientId!,
      AuthParameters: { USERNAME: outputs.DemoUsername!, PASSWORD: outputs.DemoPassword! },
    }));
    return { idToken: result!.IdToken!, accessToken: result!.AccessToken! };
  } finally {
    cognito.destroy();
  }
}

export function jwtPayload(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

/**
 * A JWT signed with the key moto signs every pool's tokens with (it ships one, kid `dummy`),
 * through moto's own JOSE library: a valid signature on claims of the test's choosing.
 */
export function signWithEmulatorKey(claims: Record<string, unknown>): string {
  const script = [
    'import json, sys',
    'from joserfc import jwt',
    'from joserfc.jwk import RSAKey',
    'from moto.utilities.utils import load_resource',
    'key = RSAKey.import_key(load_resource("moto.cognitoidp.models", "resources/jwks-private.json"))',
    'print(jwt.encode({"kid": "dummy", "alg": "RS256"}, json.loads(sys.stdin.read()), key))',
  ].join('\n');
  return execFileSync(process.env.PYTHON ?? 'python3', ['-c', script], { input: JSON.stringify(claims) }).toString().trim();
}

// --- IAM (SigV4) ---

export interface Signing {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly service?: string;
  readonly region?: string;
  readonly signingDate?: Date;
}

/** Headers for a SigV4-signed request (POST of `body` unless `method` says otherwise) to `url`, as the SDK's signer makes them. */
export async function sigV4Headers(
  url: string, body: string, signing: Signing, headers: Record<string, string> = {}, method = 'POST',
): Promise<Record<string, string>> {
  const target = new URL(url);
  const signer = new SignatureV4({
    service: signing.service ?? 'execute-api',
    region: signing.region ?? 'us-east-1',
    credentials: { accessKeyId: signing.accessKeyId, secretAccessKey: signing.secretAccessKey },
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method,
    protocol: target.protocol,
    hostname: target.hostname,
    port: Number(target.port),
    path: target.pathname,
    query: Object.fromEntries(target.searchParams),
    headers: { 'host': target.host, 'content-type': 'application/json', ...headers },
    body,
  }, { signingDate: signing.signingDate });
  return signed.headers as Record<string, string>;
}

/** The same POST signed by curl's own SigV4 implementation (curl 7.75+). */
export async function curlSigned(url: string, body: string, signing: Signing): Promise<{ status: number; body: any }> {
  const { stdout } = await promisify(execFile)('curl', [
    '--silent', '--show-error', '--max-time', '30', '--write-out', '\n%{http_code}',
    '-X', 'POST', url, '-H', 'Content-Type: application/json',
    '--aws-sigv4', `aws:amz:${signing.region ?? 'us-east-1'}:${signing.service ?? 'execute-api'}`,
    '--user', `${signing.accessKeyId}:${signing.secretAccessKey}`,
    '--data-binary', body,
  ]);
  const newline = stdout.lastIndexOf('\n');
  const text = stdout.slice(0, newline);
  return { status: Number(stdout.slice(newline + 1)), body: text ? JSON.parse(text) : undefined };
}
