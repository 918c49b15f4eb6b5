/** Reading the handlers' settings from the environment the construct sets (once, at cold start). */

/**
 * A positive whole number of seconds, or `fallback` when unset or blank. A malformed value
 * fails the init: silently falling back could shorten a deduplication window unnoticed.
 */
export function positiveSeconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    return fallback;
  }
  const seconds = Number(value);
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new Error(`${name} must be a positive whole number of seconds, got "${value}"`);
  }
  return seconds;
}
