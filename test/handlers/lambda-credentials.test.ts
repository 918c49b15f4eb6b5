/**
 * The provider the bundles alias the SDK's default credential chain to: the environment, as
 * Lambda sets it, and a clear error (not another credential source) when it is not set.
 */
import { defaultProvider } from '../../lambda/shared/lambda-credentials';

const VARIABLES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CREDENTIAL_EXPIRATION', 'AWS_PROFILE'];
let saved: Record<string, string | undefined>;

beforeEach(() => {
  saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));
  for (const name of VARIABLES) delete process.env[name];
});

afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

test('returns the execution role\'s credentials from the environment, session token included', async () => {
  process.env.AWS_ACCESS_KEY_ID = 'ASIAEXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'secret';
  process.env.AWS_SESSION_TOKEN = 'token';

  await expect(defaultProvider()()).resolves.toMatchObject({ accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' });
});

test('reads the environment when asked, not when created (as the SDK calls it: once per client, then per signing)', async () => {
  const provider = defaultProvider();
  process.env.AWS_ACCESS_KEY_ID = 'AKIALATER';
  process.env.AWS_SECRET_ACCESS_KEY = 'secret';

  await expect(provider()).resolves.toMatchObject({ accessKeyId: 'AKIALATER' });
});

test('without the variables, fails naming them instead of trying a profile or a metadata service', async () => {
  process.env.AWS_PROFILE = 'developer';

  await expect(defaultProvider()()).rejects.toThrow(/only from the environment \(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN\)/);
});
