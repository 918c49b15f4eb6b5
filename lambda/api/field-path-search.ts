/**
 * Stands in for `@aws-lambda-powertools/jmespath` in the API and worker bundles (esbuild alias,
 * projenrc/handler-bundles.ts). Their idempotency settings select top-level fields of their own
 * input (`IDEMPOTENCY_KEY_PATH`, `PAYLOAD_VALIDATION_PATH` in create-order.ts; `EVENT_KEY_PATH`,
 * `PAYLOAD_VALIDATION_PATH` in lambda/worker/idempotency.ts): field paths, which need none of the
 * JMESPath engine (lexer, parser, interpreter and function library: ~15-23 KB minified).
 *
 * It answers a dotted field path exactly as JMESPath does (a missing field, or a field of a
 * non-object, is `null`); any other expression throws, naming this file, so an expression added
 * later fails the first request (and the integration tests, which run the bundle) instead of
 * selecting the wrong thing. test/handlers/field-path-search.test.ts compares it with the engine.
 */
const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

export function search(expression: string, data: unknown): unknown {
  if (!FIELD_PATH.test(expression)) {
    throw new Error(`This bundle evaluates only dotted field paths (lambda/api/field-path-search.ts), not "${expression}": ` +
      'remove the @aws-lambda-powertools/jmespath alias in projenrc/handler-bundles.ts to use full JMESPath.');
  }
  let value: unknown = data;
  for (const name of expression.split('.')) {
    const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
    // Own fields only: `constructor` or `__proto__` select nothing, as in JMESPath.
    value = isObject && Object.prototype.hasOwnProperty.call(value, name) ? (value as Record<string, unknown>)[name] : null;
  }
  return value ?? null;
}

/**
 * Powertools' custom JMESPath functions (`powertools_json()` ...), which IdempotencyConfig
 * instantiates by default; a field path calls none of them.
 */
export class PowertoolsFunctions {}
