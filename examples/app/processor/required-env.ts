/** At init: a misconfigured function fails loudly at once, not with a confusing error per order. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`${name} is not set: the stack passes it in the processor's environment`);
  }
  return value;
}
