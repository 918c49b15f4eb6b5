/**
 * The credential provider the handler bundles use instead of the SDK's default chain: esbuild
 * aliases `@aws-sdk/credential-provider-node` to this module (projenrc/handler-bundles.ts, every handler), so
 * every client's `credentialDefaultProvider` reads the execution role's credentials from the
 * environment and nothing else. Source code and the unit tests (unbundled) keep the full chain.
 *
 * Why this is safe on Lambda: the Node.js runtimes put the execution role's temporary
 * credentials into AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN before the
 * handler module loads, and the default chain tries the environment FIRST; on Lambda it always
 * stops there, so its other links (SSO, shared ini files, credential_process, web identity,
 * container and instance metadata, with their STS and SSO clients) are ~130 KB of minified code
 * that can never run, but was parsed on every cold start. Lambda keeps those variables for
 * the execution environment's whole life, as the default chain's env link assumes too.
 *
 * Where environment credentials are NOT given: SnapStart hands out container credentials
 * (AWS_CONTAINER_CREDENTIALS_FULL_URI) instead, but it is not offered for Node.js and the
 * construct never enables it. If these bundles ever run without the variables, the first AWS
 * call fails with the error below instead of silently reaching for another source. The local
 * runner (scripts/local/lambda/handler-env.ts) sets the variables for every function process.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

type ProviderInit = Parameters<typeof fromEnv>[0];
type Credentials = Awaited<ReturnType<ReturnType<typeof fromEnv>>>;

const MISSING = 'The handler bundles read AWS credentials only from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, ' +
  'AWS_SESSION_TOKEN), as Lambda sets them; none are set in this process. See lambda/shared/lambda-credentials.ts.';

/** Same name and shape as the SDK's `defaultProvider`: each client calls it once with its config. */
export function defaultProvider(init?: ProviderInit): () => Promise<Credentials> {
  const fromEnvironment = fromEnv(init);
  return async (): Promise<Credentials> => {
    try {
      return await fromEnvironment();
    } catch (error) {
      throw new Error(MISSING, { cause: error });
    }
  };
}
