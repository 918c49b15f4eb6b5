/**
 * Stands in for the SDK's default credential chain (`@aws-sdk/credential-provider-node`) in the
 * bundled bin (esbuild alias in .projenrc.ts): every client of the runner is given the emulator's
 * dummy credentials (scripts/local/emulator/clients.ts), so the chain (ini files, SSO, metadata,
 * with their STS and SSO clients) never runs, and must not: a local run never reads the user's
 * real AWS credentials. A client created without credentials fails with this message.
 */
const NO_DEFAULT_CHAIN = 'The local runner passes the emulator\'s credentials to every SDK client it creates ' +
  '(scripts/local/emulator/clients.ts); the default credential chain is not bundled (tools/local/explicit-credentials.ts).';

export function defaultProvider(): () => Promise<never> {
  return () => Promise.reject(new Error(NO_DEFAULT_CHAIN));
}
