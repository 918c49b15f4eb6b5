/**
 * The handler bundles as built (assets/lambda/<name>/handler/, `npx projen bundle`; `npm test`
 * builds them first): each within its size budget (projenrc/handler-bundles.ts), and the
 * bundling choices that keep them there still in effect, read from esbuild's metafile.
 * Cheap: file sizes and two JSON files per handler, no timing.
 */
import * as fs from 'fs';
import * as path from 'path';
import { handlerBundleBudget, handlerBundleTarget } from '../../projenrc/handler-bundles';

const HANDLERS_DIR = path.resolve(__dirname, '..', '..', 'assets', 'lambda');
/** The handlers the construct deploys today; any other bundle found is checked too. */
const EXPECTED_HANDLERS = ['api', 'worker', 'reads'];

interface Bundle {
  readonly name: string;
  readonly bytes: number;
  readonly code: string;
  /** Every input esbuild put into the bundle (package paths under node_modules/). */
  readonly inputs: string[];
}

function readBundles(): Bundle[] {
  const names = fs.existsSync(HANDLERS_DIR) ? fs.readdirSync(HANDLERS_DIR).filter((name) => fs.existsSync(path.join(HANDLERS_DIR, name, 'handler', 'index.js'))) : [];
  const missing = EXPECTED_HANDLERS.filter((name) => !names.includes(name));
  if (missing.length > 0) throw new Error(`No bundle for ${missing.join(', ')} under ${HANDLERS_DIR}: run \`npx projen bundle\` first`);
  return names.map((name) => {
    const dir = path.join(HANDLERS_DIR, name, 'handler');
    const meta = JSON.parse(fs.readFileSync(path.join(dir, 'index.meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
    const output = Object.values(meta.outputs).find((candidate) => candidate.inputs !== undefined)!;
    const code = fs.readFileSync(path.join(dir, 'index.js'), 'utf8');
    return { name, bytes: Buffer.byteLength(code), code, inputs: Object.keys(output.inputs) };
  });
}

const bundles = readBundles();

describe.each(bundles.map((bundle) => [bundle.name, bundle] as const))('the %s handler bundle', (name, bundle) => {
  test(`is within its size budget (${handlerBundleBudget(name) / 1000} KB)`, () => {
    expect(bundle.bytes).toBeLessThanOrEqual(handlerBundleBudget(name));
  });

  test('reads credentials from the environment only: none of the default chain\'s other providers, nor their STS and SSO clients', () => {
    const chain = bundle.inputs.filter((input) =>
      /node_modules\/(@aws-sdk\/credential-provider-(node|ini|sso|process|web-identity|http|login)|@aws-sdk\/nested-clients|@aws-sdk\/token-providers|@smithy\/credential-provider-imds)\//.test(input));
    expect(chain).toEqual([]);
    expect(bundle.inputs).toContain('lambda/shared/lambda-credentials.ts');
    // The same from the code itself: the SSO, ini-file and web-identity providers' own strings.
    for (const marker of ['sso_start_url', 'credential_process', 'AssumeRoleWithWebIdentity', 'AWS_WEB_IDENTITY_TOKEN_FILE']) {
      expect(bundle.code).not.toContain(marker);
    }
  });

  test('carries no event-stream codec (no operation we call streams)', () => {
    expect(bundle.inputs.filter((input) => input.includes('@smithy/core/dist-es/submodules/event-streams/'))).toEqual([]);
  });

  test('carries one copy of each package (e.g. Powertools commons on one version)', () => {
    const copies = new Map<string, Set<string>>();
    for (const input of bundle.inputs) {
      const match = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(input);
      if (match) copies.set(match[2], (copies.get(match[2]) ?? new Set()).add(match[1]));
    }
    const duplicated = [...copies].filter(([, roots]) => roots.size > 1).map(([packageName, roots]) => `${packageName}: ${[...roots].join(', ')}`);
    expect(duplicated).toEqual([]);
  });
});

test('a handler without a target of its own gets the default one; every budget is its target', () => {
  expect(handlerBundleTarget('a-handler-added-later')).toBe(300_000);
  expect(handlerBundleBudget('a-handler-added-later')).toBe(300_000);
  expect(handlerBundleTarget('api')).toBe(300_000);
  expect(handlerBundleTarget('worker')).toBe(330_000);
  const names = [...EXPECTED_HANDLERS, 'operations'];
  expect(names.filter((name) => handlerBundleBudget(name) !== handlerBundleTarget(name))).toEqual([]);
});

test('the api and worker bundles read their idempotency fields with the field-path reader, not the JMESPath engine', () => {
  const byName = new Map(bundles.map((bundle) => [bundle.name, bundle]));
  const engine = (bundle: Bundle) => bundle.inputs.filter((input) => input.includes('@aws-lambda-powertools/jmespath/'));
  for (const name of ['api', 'worker']) {
    expect(engine(byName.get(name)!)).toEqual([]);
    expect(byName.get(name)!.inputs).toContain('lambda/api/field-path-search.ts');
  }
});
