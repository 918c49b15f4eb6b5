/**
 * API Gateway's AWS_IAM authorization, locally: a request to an IAM method must be signed
 * with Signature Version 4 (service `execute-api`, the local region) by the credentials the
 * runner prints. The signature is checked the way AWS checks it, by computing it again with
 * the SDK's own signer (@smithy/signature-v4: canonical request, string to sign, signing key)
 * over the request as received, the payload hash taken from the body itself (never from an
 * `x-amz-content-sha256` header, which a client could leave unchanged when it changes the
 * body), and comparing; the failures get API Gateway's 403 messages, and the integration is
 * not called.
 *
 * Not emulated: IAM policies and resource policies (the local principal may invoke every IAM
 * method), presigned URLs (query-string signatures), temporary credentials.
 */
import { randomInt, timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import {
  ALGORITHM_IDENTIFIER, createScope, getCanonicalHeaders, getSigningKey, prepareRequest, SignatureV4,
} from '@smithy/signature-v4';
import { GatewayError } from './gateway-responses';

export const EXECUTE_API_SERVICE = 'execute-api';
/** The principal every valid local signature stands for (what `requestContext.identity` names). */
export const LOCAL_PRINCIPAL_NAME = 'local-developer';
/** AWS refuses a signature dated more than 5 minutes away from its clock. */
const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

export interface LocalIamPrincipal {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** `arn:aws:iam::<account>:user/local-developer` */
  readonly userArn: string;
  /** The IAM user's unique id (`AIDA...`): API Gateway's `identity.caller` and `identity.user`. */
  readonly userId: string;
  readonly accountId: string;
}

/** Fresh credentials shaped like an IAM user's (`AKIA` + 16, a 40-character secret) for one local run. */
export function createLocalPrincipal(accountId: string): LocalIamPrincipal {
  const base32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const base64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const random = (alphabet: string, length: number) => Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');
  return {
    accessKeyId: `AKIA${random(base32, 16)}`,
    secretAccessKey: random(base64, 40),
    userArn: `arn:aws:iam::${accountId}:user/${LOCAL_PRINCIPAL_NAME}`,
    userId: `AIDA${random(base32, 17)}`,
    accountId,
  };
}

/** The request as it arrived: what a signature covers. */
export interface ReceivedRequest {
  readonly method: string;
  /** The path as sent (percent-encoded), with the stage if the client used it. */
  readonly rawPath: string;
  readonly query: URLSearchParams;
  /** Lower-case names; repeated headers joined with commas, as SigV4 canonicalises them. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export type IamVerdict =
  | { readonly ok: true; readonly identity: { accessKey: string; accountId: string; caller: string; user: string; userArn: string } }
  | { readonly ok: false; readonly error: GatewayError; readonly reason: string };

type SignableRequest = Parameters<SignatureV4['sign']>[0];

/**
 * The signer's own steps, run on the request as received: its canonical request (the signed
 * headers only, the body's hash) and string to sign, which API Gateway also quotes when a
 * signature does not match.
 */
class ExecuteApiSigner extends SignatureV4 {
  async canonicalize(request: SignableRequest, signedHeaders: ReadonlySet<string>, amzDate: string, scope: string) {
    const prepared = prepareRequest(request as Parameters<typeof prepareRequest>[0]);
    prepared.headers['x-amz-date'] = amzDate;
    const canonicalHeaders = getCanonicalHeaders(prepared, undefined, new Set(signedHeaders));
    const canonicalRequest = this.createCanonicalRequest(prepared, canonicalHeaders, await sha256Hex(request.body as Buffer));
    return { canonicalRequest, stringToSign: await this.createStringToSign(amzDate, scope, canonicalRequest, ALGORITHM_IDENTIFIER) };
  }
}

export class SigV4Authorizer {
  private readonly signer: ExecuteApiSigner;
  private readonly credentials: { accessKeyId: string; secretAccessKey: string };

  constructor(private readonly principal: LocalIamPrincipal, private readonly region: string) {
    this.credentials = { accessKeyId: principal.accessKeyId, secretAccessKey: principal.secretAccessKey };
    this.signer = new ExecuteApiSigner({ service: EXECUTE_API_SERVICE, region, credentials: this.credentials, sha256: Sha256, applyChecksum: false });
  }

  async authorize(request: ReceivedRequest, now = Date.now()): Promise<IamVerdict> {
    const authorization = request.headers.authorization;
    if (authorization === undefined || authorization.trim() === '') {
      return deny({ type: 'MISSING_AUTHENTICATION_TOKEN' }, 'no Authorization header');
    }
    const parsed = parseAuthorization(authorization, request.headers['x-amz-date']);
    if ('missing' in parsed) {
      return deny({
        type: 'INVALID_SIGNATURE',
        errorType: 'IncompleteSignatureException',
        message: `${parsed.missing.join(' ')} Authorization=${authorization}`,
      }, 'incomplete Authorization header');
    }
    const { accessKeyId, scopeDate, region, service, signedHeaders, signature, amzDate } = parsed;
    if (accessKeyId !== this.principal.accessKeyId || request.headers['x-amz-security-token'] !== undefined) {
      return deny({
        type: 'INVALID_SIGNATURE',
        errorType: 'UnrecognizedClientException',
        message: 'The security token included in the request is invalid.',
      }, `access key ${accessKeyId} is not the local one${request.headers['x-amz-security-token'] !== undefined ? ' (or a session token was sent)' : ''}`);
    }
    if (region !== this.region) {
      return invalid(`Credential should be scoped to a valid region, not '${region}'. `, 'wrong region in the credential scope');
    }
    if (service !== EXECUTE_API_SERVICE) {
      return invalid(`Credential should be scoped to correct service: '${EXECUTE_API_SERVICE}'. `, 'wrong service in the credential scope');
    }
    const signedAt = parseAmzDate(amzDate);
    if (signedAt === undefined) {
      return invalid(`X-Amz-Date must be in the ISO8601 Long Format (yyyyMMdd'T'HHmmss'Z'), got '${amzDate}'.`, 'malformed X-Amz-Date');
    }
    if (scopeDate !== amzDate.slice(0, 8)) {
      return invalid(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != ` +
        `'${amzDate.slice(0, 8)}', from '${amzDate}'.`, 'credential scope date differs from X-Amz-Date');
    }
    if (signedAt < now - MAX_CLOCK_SKEW_MS) {
      return deny({
        type: 'EXPIRED_TOKEN',
        errorType: 'InvalidSignatureException',
        message: `Signature expired: ${amzDate} is now earlier than ${longDate(now - MAX_CLOCK_SKEW_MS)} (${longDate(now)} - 5 min.)`,
      }, 'signed more than 5 minutes ago');
    }
    if (signedAt > now + MAX_CLOCK_SKEW_MS) {
      return invalid(`Signature not yet current: ${amzDate} is still later than ${longDate(now + MAX_CLOCK_SKEW_MS)} (${longDate(now)} + 5 min.)`,
        'signed more than 5 minutes in the future');
    }

    const scope = createScope(scopeDate, region, service);
    const signable = toSignable(request, signedHeaders);
    const { canonicalRequest, stringToSign } = await this.signer.canonicalize(signable, new Set(signedHeaders), amzDate, scope);
    const signingKey = await getSigningKey(Sha256, this.credentials, scopeDate, region, service);
    const expected = await hmacHex(signingKey, stringToSign);
    if (!sameSignature(expected, signature)) {
      return invalid('The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key ' +
        'and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n' +
        `'${canonicalRequest}'\n\nThe String-to-Sign should have been\n'${stringToSign}'\n`, 'signature mismatch');
    }
    return {
      ok: true,
      identity: {
        accessKey: this.principal.accessKeyId,
        accountId: this.principal.accountId,
        caller: this.principal.userId,
        user: this.principal.userId,
        userArn: this.principal.userArn,
      },
    };
  }
}

type ParsedAuthorization =
  | { accessKeyId: string; scopeDate: string; region: string; service: string; signedHeaders: string[]; signature: string; amzDate: string }
  | { missing: string[] };

/** `AWS4-HMAC-SHA256 Credential=AKID/20261124/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=hex` */
function parseAuthorization(header: string, amzDate: string | undefined): ParsedAuthorization {
  const algorithm = `${ALGORITHM_IDENTIFIER} `;
  const fields = new Map<string, string>();
  if (header.startsWith(algorithm)) {
    for (const part of header.slice(algorithm.length).split(',')) {
      const equals = part.indexOf('=');
      if (equals > 0) fields.set(part.slice(0, equals).trim(), part.slice(equals + 1).trim());
    }
  }
  const missing: string[] = [];
  const credential = fields.get('Credential')?.split('/');
  if (!credential || credential.length !== 5 || credential[4] !== 'aws4_request') missing.push('Authorization header requires \'Credential\' parameter.');
  if (!fields.get('Signature')) missing.push('Authorization header requires \'Signature\' parameter.');
  if (!fields.get('SignedHeaders')) missing.push('Authorization header requires \'SignedHeaders\' parameter.');
  if (amzDate === undefined) missing.push('Authorization header requires existence of either a \'X-Amz-Date\' or a \'Date\' header.');
  if (missing.length > 0) return { missing };
  const [accessKeyId, scopeDate, region, service] = credential!;
  return {
    accessKeyId,
    scopeDate,
    region,
    service,
    signedHeaders: fields.get('SignedHeaders')!.toLowerCase().split(';'),
    signature: fields.get('Signature')!.toLowerCase(),
    amzDate: amzDate!,
  };
}

/** The request as the signer sees it: the decoded path (it encodes it again, as AWS does), the query, only the signed headers. */
function toSignable(request: ReceivedRequest, signedHeaders: readonly string[]): SignableRequest {
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of request.query) {
    const existing = query[name];
    query[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = request.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  const path = request.rawPath.split('/').map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment;
    }
  }).join('/');
  return { method: request.method, protocol: 'https:', hostname: headers.host ?? '', path, query, headers, body: request.body };
}

async function sha256Hex(data: Buffer | undefined): Promise<string> {
  const hash = new Sha256();
  hash.update(data ?? Buffer.alloc(0));
  return Buffer.from(await hash.digest()).toString('hex');
}

async function hmacHex(key: Uint8Array, data: string): Promise<string> {
  const hash = new Sha256(key);
  hash.update(Buffer.from(data, 'utf8'));
  return Buffer.from(await hash.digest()).toString('hex');
}

function sameSignature(expected: string, provided: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(provided);
  return a.length === b.length && timingSafeEqual(a, b);
}

function parseAmzDate(value: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number);
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

function longDate(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

function deny(error: GatewayError, reason: string): IamVerdict {
  return { ok: false, error, reason };
}

function invalid(message: string, reason: string): IamVerdict {
  return deny({ type: 'INVALID_SIGNATURE', errorType: 'InvalidSignatureException', message }, reason);
}
