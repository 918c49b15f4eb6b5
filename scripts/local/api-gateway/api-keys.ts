/**
 * API keys, locally. API Gateway generates a key's value when the template sets none (the
 * usual case: a value in a template is a secret in clear); the runner does the same, once per
 * run, and checks `x-api-key` on methods with ApiKeyRequired: without a key, or with one that
 * is unknown, disabled or in no usage plan of the API, the answer is 403
 * `{"message":"Forbidden"}` and the integration is not called.
 *
 * Usage plans' throttle and quota are not emulated: a key is never answered 429 locally.
 */
import { randomInt } from 'node:crypto';
import { ApiKeyModel } from './access-model';
import { GatewayError } from './gateway-responses';
import { PhysicalResource } from '../template/intrinsics';

export interface LocalApiKey {
  readonly logicalId: string;
  /** What `Ref` of the key gives (API Gateway's 10-character id). */
  readonly id: string;
  readonly value: string;
  readonly enabled: boolean;
}

export type ApiKeyVerdict =
  | { readonly ok: true; readonly identity: { apiKey: string; apiKeyId: string } }
  | { readonly ok: false; readonly error: GatewayError; readonly reason: string };

const LOWER_ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** The length of the values API Gateway generates. */
const GENERATED_VALUE_LENGTH = 40;
const FORBIDDEN: GatewayError = { type: 'INVALID_API_KEY' };

/** Ids and values for this run: the template's value where it sets one, else a fresh one. */
export function mintApiKeys(models: readonly ApiKeyModel[]): LocalApiKey[] {
  return models.map((model) => ({
    logicalId: model.logicalId,
    id: randomString(LOWER_ALPHANUMERIC, 10),
    value: model.value ?? randomString(ALPHANUMERIC, GENERATED_VALUE_LENGTH),
    enabled: model.enabled,
  }));
}

/** So that `Ref` / `Fn::GetAtt [Key, APIKeyId]` (a stack output, an environment variable) resolve to the local id. */
export function apiKeyResources(keys: readonly LocalApiKey[]): Map<string, PhysicalResource> {
  return new Map(keys.map((key) => [key.logicalId, { ref: key.id, attributes: { APIKeyId: key.id } }]));
}

export class ApiKeyCheck {
  constructor(private readonly keys: readonly LocalApiKey[]) {}

  check(headerValue: string | undefined): ApiKeyVerdict {
    if (headerValue === undefined || headerValue === '') return { ok: false, error: FORBIDDEN, reason: 'no x-api-key header' };
    const key = this.keys.find((candidate) => candidate.value === headerValue);
    if (!key) return { ok: false, error: FORBIDDEN, reason: 'x-api-key is not a key of the API\'s usage plans' };
    if (!key.enabled) return { ok: false, error: FORBIDDEN, reason: `API key ${key.id} is disabled` };
    return { ok: true, identity: { apiKey: key.value, apiKeyId: key.id } };
  }
}

function randomString(alphabet: string, length: number): string {
  return Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');
}
