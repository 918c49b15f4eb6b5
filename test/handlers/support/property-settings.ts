/**
 * How long the property-based tests run. Each property has a default sized so that the whole
 * suite stays fast; `FAST_CHECK_RUNS=N` runs every property N times instead, for longer local
 * hunts. fast-check prints the seed and path of any failure; `FAST_CHECK_SEED` and
 * `FAST_CHECK_PATH` replay exactly that case without editing the test.
 */
import type { Parameters } from 'fast-check';

function positiveInteger(name: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed <= 0) {
    throw new Error(`${name} must be a positive whole number, got "${value}"`);
  }
  return parsed;
}

function seedFrom(value: string): number {
  const parsed = Number(value);
  // fast-check seeds are 32-bit integers, negative ones included.
  if (!Number.isSafeInteger(parsed)) {
    throw new Error(`FAST_CHECK_SEED must be the integer seed fast-check printed, got "${value}"`);
  }
  return parsed;
}

export function propertyRuns(defaultRuns: number, env: NodeJS.ProcessEnv = process.env): number {
  const runs = env.FAST_CHECK_RUNS?.trim();
  return runs ? positiveInteger('FAST_CHECK_RUNS', runs) : defaultRuns;
}

export function propertyParameters<T>(defaultRuns: number, env: NodeJS.ProcessEnv = process.env): Parameters<T> {
  const seed = env.FAST_CHECK_SEED?.trim();
  const path = env.FAST_CHECK_PATH?.trim();
  return {
    numRuns: propertyRuns(defaultRuns, env),
    ...(seed ? { seed: seedFrom(seed) } : {}),
    ...(seed && path ? { path } : {}),
  };
}

/**
 * jest's limit for one property: generous per case, so only a hang fails it; a slow case
 * fails the per-case time assertion first, with its input.
 */
export function propertyTimeout(defaultRuns: number, perRunMs: number, env: NodeJS.ProcessEnv = process.env): number {
  return 60_000 + propertyRuns(defaultRuns, env) * perRunMs;
}
