import { awscdk, javascript, JsonFile, JsonPatch, typescript } from 'projen';
import { handlerEsbuildArgs } from './projenrc/handler-bundles';

// Single source of truth for package.json, tsconfig*.json, jest and the bundling tasks.
// Edit here, then run `npx projen`.

/** The newest version published for batch and idempotency (logger and metrics have 2.36.0, they do not). */
const POWERTOOLS_VERSION = '2.35.0';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-orders-workflow',
  description:
    'An AWS CDK v2 L3 construct for an event-driven orders pipeline: API Gateway -> Lambda -> EventBridge -> SQS (with DLQ) -> ' +
    'idempotent worker Lambda (Powertools) -> logs, alarms and a dashboard.',
  author: 'cdk-orders-workflow contributors',
  authorAddress: 'maintainers@cdk-orders-workflow.dev',
  repositoryUrl: 'https://github.com/cdk-orders-workflow/cdk-orders-workflow.git',
  license: 'Apache-2.0',
  keywords: ['cdk', 'awscdk', 'aws-cdk', 'eventbridge', 'sqs', 'lambda', 'dynamodb', 'idempotency', 'orders', 'powertools'],
  stability: 'experimental',
  // jsii target: a release also publishes the Python bindings (see docs/python-and-packaging.md).
  publishToPypi: { distName: 'cdk-orders-workflow', module: 'cdk_orders_workflow' },
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  // 2.220 has Runtime.NODEJS_22_X, TableV2-era DynamoDB props (pointInTimeRecoverySpecification)
  // and Lambda loggingConfig; consumers may use anything newer.
  cdkVersion: '2.220.0',
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',

  // One dev tsconfig at the top level type-checks src, lambda, test and the projenrc.
  tsconfigDevFile: 'tsconfig.dev.json',
  tsconfigDev: {
    exclude: ['node_modules'],
    compilerOptions: {
      rootDir: '.',
      noEmit: true,
      types: ['jest', 'node'],
    },
  },

  // ts-jest only transpiles (tsconfig.jest.json: isolatedModules): the test task type-checks
  // everything once with `tsc` before jest starts, so type-checking each test file again in
  // each jest worker only cost time (~20% of a construct test file).
  // Bundled once per build, by the test task (which needs the bundles first; `package` comes
  // after it): in pre-compile too, a build bundled twice (~25 s) and compile uses none of it.
  bundlerOptions: { runBundleTask: javascript.RunBundleTask.MANUAL },
  tsJestOptions: { transformOptions: { tsconfig: typescript.TsJestTsconfig.fromFile('tsconfig.jest.json') } },
  jestOptions: {
    // Snapshot drift must fail: `npm test` never rewrites snapshots (`npx projen test:update` does).
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    passWithNoTests: false,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      collectCoverageFrom: ['src/**/*.ts', 'lambda/**/*.ts'],
      coverageThreshold: { lines: 90 },
      // babel instruments only the files counted (src, lambda); v8's precise coverage slows every
      // function the tests run, aws-cdk-lib's synth included: construct and handler tests took
      // 213 s with v8 and 126 s with babel (78 s without coverage) on 2 cores.
      coverageProvider: 'babel',
      testTimeout: 60_000,
      // jest's default on 2 cores is 1 worker: the suites run one after another, ~21 minutes,
      // while most of them wait on moto, timers and Chromium rather than compute. Two workers
      // overlap that waiting; the tests that share something on the machine take turns through
      // test/examples/support/locks.ts, and the integration tests give the worker 2 s per
      // attempt so that a busy core does not turn a FAIL-ME into a timeout.
      maxWorkers: 2,
      // Sets the run's id, which lets test files share work done once per run (test/examples/support/once-per-run.ts).
      globalSetup: '<rootDir>/test/global-setup.ts',
      // Longest files first, the ones that reuse another's build last (a clean clone has no timing cache).
      testSequencer: '<rootDir>/test/test-sequencer.js',
    },
  },

  devDeps: [
    // Handler runtime dependencies: esbuild inlines them into assets/, so consumers never install them.
    // Powertools on ONE exact version: each package pins its commons (and jmespath) exactly, so
    // two versions put two copies of commons into every bundle (test/packaging/bundle-budgets.test.ts
    // fails then). Bump all four together, to a version the registry has for each of them.
    `@aws-lambda-powertools/logger@${POWERTOOLS_VERSION}`,
    `@aws-lambda-powertools/batch@${POWERTOOLS_VERSION}`,
    `@aws-lambda-powertools/idempotency@${POWERTOOLS_VERSION}`,
    `@aws-lambda-powertools/metrics@${POWERTOOLS_VERSION}`,
    '@aws-sdk/client-eventbridge@^3',
    '@aws-sdk/client-dynamodb@^3',
    '@aws-sdk/lib-dynamodb@^3',
    '@aws-sdk/client-sqs@^3',
    // The operations function's oldestAgeSeconds: CloudWatch's ApproximateAgeOfOldestMessage.
    '@aws-sdk/client-cloudwatch@^3',
    'zod@^4',
    '@types/aws-lambda',
    // Tests
    'aws-sdk-client-mock@^4',
    'aws-sdk-client-mock-jest@^4',
    'fast-check@^4',
    'tsx@^4',
    'cdk-nag@^2.37',
    // The gateway model (validateAtGateway) is checked against the handler with a draft-04 validator.
    'ajv@^8',
    'ajv-draft-04@^1',
    // examples/: the CDK CLI for synth/deploy, the React + Vite frontend and its browser test
    'aws-cdk@^2',
    'react@^19',
    'react-dom@^19',
    '@types/react@^19',
    '@types/react-dom@^19',
    'vite@^8',
    'playwright-core',
    // The frontend's Cognito sign-in (loaded on demand, in its own chunk); also usable by the local runner.
    '@aws-sdk/client-cognito-identity-provider@^3',
    // The local runner's API Gateway: Cognito tokens verified with AWS's own JWT verifier, SigV4
    // signatures by re-signing with the SDK's signer (scripts/local/api-gateway/).
    'aws-jwt-verify@^5',
    '@smithy/signature-v4@^5',
    '@aws-crypto/sha256-js@^5',
    // Python bindings type check
    'pyright',
    // The console (examples/frontend): the AWS console's own design system (issue 10).
    '@cloudscape-design/components@^3',
    '@cloudscape-design/global-styles@^1',
    // Browser tests: axe (zero violations in every state) and Lighthouse (accessibility,
    // mobile performance). Lighthouse 12 is the last line that runs on Node 20.
    '@axe-core/playwright@^4',
    'lighthouse@^12.8.2',
    // Lambda always provides the role's credentials in the environment: the bundles alias the
    // SDK's default chain to this provider (issue 11, cold start).
    '@aws-sdk/credential-provider-env@^3',
  ],

  // lambda/ is a devdir: its libraries are devDependencies on purpose (esbuild inlines them).
  // Type-aware rules use the dev tsconfig, which covers every linted folder.
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['lambda', 'test', 'scripts', 'tools', 'projenrc', 'bench', '.projenrc.ts'],
    tsconfigPath: './tsconfig.dev.json',
    // The project service would pick the nearest tsconfig.json (jsii's, src/ only).
    projectService: false,
  },

  // /.venv/: the project's own Python environment, where `npm run setup` installs moto when the machine has none.
  gitignore: ['/.local/', '/cdk.out/', '/test-output/', '/.venv/'],
});

// ---------------------------------------------------------------------------
// Handler bundles: lambda/<name>/handler.ts -> assets/lambda/<name>/handler/index.js
// Minified, AWS SDK v3 inlined (the runtime's copy is not pinned by us), module-first
// main fields so tree-shaking works. Shipped in the npm tarball; consumers never run esbuild.
// Size and cold start (docs/performance.md, "Bundle size and cold start"): every handler gets
// HANDLER_ESBUILD_ARGS (projenrc/handler-bundles.ts, with the size budgets), so a handler added
// to this loop is as lean as the others.
// ---------------------------------------------------------------------------
for (const handler of ['api', 'worker', 'reads', 'operations']) {
  project.bundler.addBundle(`lambda/${handler}/handler.ts`, {
    platform: 'node',
    target: 'node22',
    minify: true,
    mainFields: ['module', 'main'],
    externals: [],
    metafile: true,
    watchTask: false,
    esbuildArgs: handlerEsbuildArgs(handler),
  });
}

// `cdk-orders-workflow/worker`: the worker runtime a team's processor imports, pre-bundled with
// its declarations into assets/runtime/worker/ (projenrc/worker-runtime.ts). Not jsii code: the
// jsii assembly never sees it; package.json's `exports` publishes it beside the jsii entry, which
// keeps a `require` condition (the jsii kernel loads the package with require).
project.bundler.bundleTask.spawn(project.addTask('bundle:worker-runtime', {
  description: 'Bundle cdk-orders-workflow/worker (lambda/worker/index.ts) with its declarations into assets/runtime/worker/',
  exec: 'tsx projenrc/worker-runtime.ts',
}));
project.package.addField('exports', {
  '.': { types: './lib/index.d.ts', require: './lib/index.js', default: './lib/index.js' },
  './worker': {
    types: './assets/runtime/worker/index.d.ts',
    import: './assets/runtime/worker/index.mjs',
    require: './assets/runtime/worker/index.js',
  },
  './.jsii': './.jsii',
  './package.json': './package.json',
});
// TypeScript's older module resolution (node10, still the default of many CDK apps) ignores `exports`.
project.package.addField('typesVersions', { '*': { worker: ['assets/runtime/worker/index.d.ts'] } });

// Exactly these folders; projen's default `**/*.ts` would also sweep in examples/ (own tsconfigs).
project.tryFindObjectFile('tsconfig.dev.json')!.addOverride('include', [
  'src/**/*.ts', 'lambda/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts', '.projenrc.ts', 'projenrc/**/*.ts',
]);

// The npm registry this project's machines reach has unrs-resolver 1.13.0 (eslint's import
// resolver) only for linux, so a lock file written here lacks the other platforms' optional
// bindings and `npm ci` rejects it. 1.12.2 is complete for every platform.
// Lighthouse's @paulirish/trace_engine asks for third-party-web "latest", a dist-tag that `npm ci`
// can never find in sync with a lock file; pin it to the range Lighthouse itself declares.
project.package.addField('overrides', { 'unrs-resolver': '1.12.2', 'third-party-web': '^0.27.0' });

// Lambda sources are not part of the jsii compilation: type-check them (and tests) explicitly.
project.addTask('typecheck', {
  description: 'Type-check src, lambda, test and scripts with tsconfig.dev.json',
  exec: 'tsc --noEmit -p tsconfig.dev.json',
});
project.testTask.prependSpawn(project.tasks.tryFind('typecheck')!);

// The API Gateway model of validateAtGateway is generated from the handler's zod schema, so
// the gateway and the handler share one definition (test/construct/gateway-model.test.ts fails
// when the committed file is stale).
project.preCompileTask.spawn(project.addTask('generate:order-request-schema', {
  description: 'Regenerate src/api/order-request-schema.generated.ts (the gateway model) from lambda/shared/order-validation.ts',
  exec: 'tsx projenrc/order-request-schema.ts',
}));

// JSON Schemas of every event's detail, shipped in schemas/ (projenrc/event-schemas.ts): generated
// from the worker's zod reader, like the gateway model, so they cannot drift from what the worker
// accepts (test/construct/event-schemas.test.ts fails when the committed files are stale).
project.preCompileTask.spawn(project.addTask('generate:event-schemas', {
  description: 'Regenerate schemas/*.schema.json (OrderCreated, OrderProcessed, OrderRejected, OrderFailed) from lambda/worker/',
  exec: 'tsx projenrc/event-schemas.ts',
}));

// API.md from an isolated copy of the assembly: see projenrc/docgen.ts for why.
project.tasks.tryFind('docgen')!.reset('tsx projenrc/docgen.ts API.md');

// --- examples/ app and frontend (issue 4) ---
// examples/app consumes the packed library (npm pack -> its own node_modules); examples/frontend
// is a Vite app using the root's react/vite. Neither ships in the npm tarball.
{
  const examplesInstall = project.addTask('examples:install', {
    description: 'npm pack the library (building lib/ and assets/ if stale) and install the tarball into examples/app',
    exec: 'node examples/app/scripts/install-library.mjs',
  });
  const frontendBuild = project.addTask('frontend:build', {
    description: 'Type-check and build the React frontend into examples/frontend/dist',
    cwd: 'examples/frontend',
    steps: [{ exec: 'tsc -p tsconfig.json --noEmit' }, { exec: 'vite build' }],
  });
  project.addTask('frontend:dev', {
    description: 'Vite dev server on http://localhost:5173; its /config.json comes from .local/outputs.json (`npm run local`), a set VITE_* variable wins',
    cwd: 'examples/frontend',
    exec: 'vite',
    receiveArgs: true,
  });
  const cdkTask = (name: string, description: string, command: string) => {
    const task = project.addTask(name, { description, env: { CDK_DISABLE_CLI_TELEMETRY: 'true' } });
    task.spawn(examplesInstall);
    task.spawn(frontendBuild);
    // tsx runs the app without type checking: check it first.
    task.exec('tsc -p tsconfig.json --noEmit', { cwd: 'examples/app' });
    task.exec(`npx cdk ${command}`, { cwd: 'examples/app', receiveArgs: true });
    return task;
  };
  const synth = cdkTask('synth', 'Synthesize the examples app (OrdersWorkflow + frontend hosting) into examples/app/cdk.out', 'synth --quiet');
  // The example app (Cognito, dev) on the local runner in one command; `npm run frontend:dev`
  // then picks the user pool and the emulator up from .local/outputs.json.
  const localExample = project.addTask('local:example', {
    description: 'npm run synth, then run examples/app (dev: Cognito sign-in, demo user) locally on moto; extra flags go to the runner',
  });
  localExample.spawn(synth);
  localExample.exec('tsx scripts/local/main.ts --app-dir examples/app/cdk.out', { receiveArgs: true });
  cdkTask('deploy', 'Deploy the examples app (pass CDK args after --, e.g. -- -c envName=staging)', 'deploy');
  cdkTask('destroy', 'Destroy the examples app stack', 'destroy');

  project.gitignore.exclude('/examples/**/node_modules/', '/examples/app/cdk.out/', '/examples/app/.library/', '/examples/frontend/dist/');
  project.npmignore?.exclude('/examples/');
  // examples/app/node_modules holds a second cdk-orders-workflow package.json and a copy of
  // aws-cdk-lib: keep them (and build output) out of jest's module map.
  const generatedUnderExamples = ['<rootDir>/examples/app/node_modules/', '<rootDir>/examples/app/cdk.out/', '<rootDir>/examples/frontend/dist/'];
  project.tryFindObjectFile('package.json')!.addOverride('jest.modulePathIgnorePatterns', generatedUnderExamples);
  generatedUnderExamples.forEach((pattern) => project.jest?.addWatchIgnorePattern(pattern));
  // Tests of examples/ live in test/examples/; nothing under examples/ is a jest test.
  project.jest?.addIgnorePattern('<rootDir>/examples/');
  // The example's processor (examples/app/processor/) imports the package's runtime by name. In
  // this repository that name is the runtime's source, and the SDK is the root's one copy, for
  // jest (which never looks into examples/app/node_modules, above) and the dev type check alike.
  project.tryFindObjectFile('package.json')!.addOverride('jest.moduleNameMapper', {
    '^cdk-orders-workflow/worker$': '<rootDir>/lambda/worker/index.ts',
  });
  project.tryFindObjectFile('tsconfig.dev.json')!.addOverride('compilerOptions.paths', {
    'cdk-orders-workflow/worker': ['./lambda/worker/index.ts'],
    '@aws-sdk/client-dynamodb': ['./node_modules/@aws-sdk/client-dynamodb'],
  });
  // Lighthouse scales the CPU time it observes: it runs alone, after every other test file
  // (test/examples/lighthouse.browser.test.ts), not beside them in the main jest run.
  const lighthouseTest = 'test/examples/lighthouse.browser.test.ts';
  project.jest?.addIgnorePattern(`<rootDir>/${lighthouseTest}`);
  const lighthouse = project.addTask('test:lighthouse', {
    description: 'The console on a phone (Lighthouse mobile, median of five runs), on an otherwise idle machine',
    exec: `jest --ci --coverage=false --testPathIgnorePatterns /node_modules/ --runTestsByPath ${lighthouseTest}`,
  });
  project.testTask.spawn(lighthouse);
}

// --- Python bindings and packaging checks (issue 5) ---
// Facts and reasons: docs/python-and-packaging.md. Checks: test/packaging/.
{
  // The npm tarball is an allowlist, not a denylist: a new top-level folder (scripts, caches,
  // examples) can never leak into it. README.md, LICENSE and package.json are always packed.
  // The esbuild metafiles stay home: they list absolute source paths and are build diagnostics.
  project.package.addField('files', ['lib/**/*.js', 'lib/**/*.d.ts', 'assets/**', '!assets/**/*.meta.json', 'schemas/**', '.jsii', 'API.md']);
  project.npmignore?.exclude('*.meta.json', '/.cache/');
  // No source maps in lib/: nothing turns them on at synth (node needs --enable-source-maps) and
  // inlineSources would ship the TypeScript sources inside every .js file.
  project.tsconfig?.file.addOverride('compilerOptions.inlineSourceMap', false);
  project.tsconfig?.file.addOverride('compilerOptions.inlineSources', false);

  // `package` (non-CI) runs package-all, which publishToPypi extends with a python pacmak that
  // builds in a fresh venv from PyPI. Keep the local build offline-safe: package-all is js only;
  // the release and build workflows run `npx projen package:python` in their own job, and a
  // machine with PyPI access runs it by hand.
  const packageAll = project.tasks.tryFind('package-all')!;
  packageAll.reset();
  packageAll.spawn(project.tasks.tryFind('package:js')!);
  packageAll.description = 'Packages the js target (`npx projen package:python` needs PyPI: run it where PyPI is reachable)';

  project.addTask('test:python', {
    description: 'Generate the Python bindings (jsii-pacmak --code-only), build the wheel offline, type-check examples/python with pyright',
    exec: 'tsx test/packaging/python/python-bindings.ts',
    receiveArgs: true,
  });
  // Not spawned by `test`: test/packaging/python-bindings.test.ts runs the same check (and its
  // must-fail cases) inside jest, so `npm test` runs it once.

  // The test task now needs a Python that can build a wheel (pip, setuptools, wheel) in CI too.
  const setupPython = [
    { name: 'Setup Python', uses: 'actions/setup-python@v7.0.0', with: { 'python-version': '3.x' } },
    { name: 'Install wheel build tools', run: 'python -m pip install setuptools wheel' },
  ];
  project.github?.tryFindWorkflow('build')?.file?.patch(JsonPatch.add('/jobs/build/steps/2', setupPython[0]), JsonPatch.add('/jobs/build/steps/3', setupPython[1]));
  project.github?.tryFindWorkflow('release')?.file?.patch(JsonPatch.add('/jobs/release/steps/3', setupPython[0]), JsonPatch.add('/jobs/release/steps/4', setupPython[1]));
}

// --- Set-up of what the tests need beyond npm (moto, Chromium) ---
// One script (scripts/setup/): `npm ci`, then `npm run local` or `npm run build`, works on a
// machine with Node.js and Python 3. The test task and the local run call it; so do .ci/run and
// the GitHub workflows, as an explicit step (test/packaging/setup-script.test.ts checks them).
const setup = project.addTask('setup', {
  description: 'Install what the tests need beyond npm: moto (into .venv with pip when moto_server is missing) and Chromium; --emulator-only for moto alone',
  exec: 'tsx scripts/setup/main.ts',
  receiveArgs: true,
});
project.testTask.prependSpawn(setup);
{
  const setupStep = { name: 'Install the test tools (moto, Chromium)', run: 'npm run setup' };
  // After "Install dependencies" (the script runs with tsx), before the build or release step.
  project.github?.tryFindWorkflow('build')?.file?.patch(JsonPatch.add('/jobs/build/steps/5', setupStep));
  project.github?.tryFindWorkflow('release')?.file?.patch(JsonPatch.add('/jobs/release/steps/6', setupStep));
  project.npmignore?.exclude('/.venv/');
}

// --- Local runner and DLQ replay (issue 3) ---
// `npm run local`: the workflow on moto with the real bundles (scripts/local/). `npm run replay-dlq`
// and the package bin: tools/replay-dlq/, bundled with the SQS client inlined so the installed bin
// needs no dependency. Its target is node20: it runs on the user's machine, not on Lambda.
{
  const local = project.addTask('local', {
    description: 'Run the whole workflow locally on moto (API on http://127.0.0.1:3000); `npm run local -- --help` for options',
  });
  // A fresh clone has no assets/ (git-ignored) and maybe no moto: `npm ci && npm run local` sets up both.
  local.exec('tsx scripts/setup/main.ts --emulator-only');
  local.spawn(project.bundler.bundleTask);
  local.exec('tsx scripts/local/main.ts', { receiveArgs: true });
  project.addTask('replay-dlq', {
    description: 'Send the DLQ\'s messages back to the main queue; `npm run replay-dlq -- --help` for options',
    exec: 'tsx tools/replay-dlq/cli.ts',
    receiveArgs: true,
  });
  const replayCli = project.bundler.addBundle('tools/replay-dlq/cli.ts', {
    platform: 'node',
    target: 'node20',
    minify: true,
    mainFields: ['module', 'main'],
    externals: [],
    banner: '#!/usr/bin/env node',
    executable: true,
    watchTask: false,
  });
  project.addBins({ 'orders-workflow-replay-dlq': replayCli.outfile });

  // The runner as a bin for users' own apps (`npx orders-workflow-local --app-dir cdk.out`,
  // tools/local/cli.ts): bundled like the replay CLI (SDK clients, JWT verifier and signer
  // inlined; no aws-cdk-lib, it runs synthesized apps only). Each local Lambda instance is a
  // child process of the bundled function host, and moto loads the startup file copied beside
  // the CLI (scripts/local/emulator/moto-server.ts looks next to itself).
  const localBundle = (entry: string, bin: boolean) => project.bundler.addBundle(entry, {
    platform: 'node',
    target: 'node20',
    minify: true,
    mainFields: ['module', 'main'],
    externals: [],
    ...(bin ? { banner: '#!/usr/bin/env node', executable: true } : {}),
    watchTask: false,
    esbuildArgs: {
      // Every client gets the emulator's dummy credentials: the default chain (~60 KB) never runs.
      '--alias:@aws-sdk/credential-provider-node': './tools/local/explicit-credentials.ts',
      // Only `npm run local` starts the TypeScript host through tsx; the bin forks its bundled host.
      '--log-override:require-resolve-not-external': 'silent',
    },
  });
  const localCli = localBundle('tools/local/cli.ts', true);
  localBundle('tools/local/function-host.ts', false);
  localCli.bundleTask.exec(`node -e "require('fs').cpSync('scripts/local/emulator/moto-startup', '${localCli.outdir}/moto-startup', { recursive: true })"`);
  project.addBins({ 'orders-workflow-local': localCli.outfile });

  project.tryFindObjectFile('tsconfig.dev.json')!.addToArray('include', 'tools/**/*.ts');
  if (!project.eslint?.lintPatterns.includes('tools')) {
    project.eslint?.addLintPattern('tools');
    project.eslint?.addOverride({ files: ['tools/**'], rules: { 'import/no-extraneous-dependencies': ['error', { devDependencies: true }] } });
  }
  project.npmignore?.exclude('/scripts/', '/tools/', '/.local/');
  // The integration tests run the bundles (handlers and this CLI): `npm ci && npm test` builds them first.
  project.testTask.prependSpawn(project.bundler.bundleTask);
}

// --- Benchmark and cost model (issue 11) ---
// `npm run bench`: bundles first, then bench/run.ts measures them (sizes, cold init, warm cost,
// local throughput, synth) into bench/results.json + bench/RESULTS.md, and regenerates
// docs/cost.md from them. `npm run cost` regenerates docs/cost.md alone.
{
  project.tryFindObjectFile('tsconfig.dev.json')!.addToArray('include', 'bench/**/*.ts');
  const bench = project.addTask('bench', {
    description: 'Build the bundles, then measure them (bench/RESULTS.md, bench/results.json) and regenerate docs/cost.md; `npm run bench -- --help` for sizes',
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  bench.spawn(project.bundler.bundleTask);
  bench.exec('tsx bench/run.ts', { receiveArgs: true });
  project.addTask('cost', {
    description: 'Regenerate docs/cost.md from bench/results.json and the price table (bench/cost/prices.ts)',
    exec: 'tsx bench/cost/generate.ts',
  });
  project.gitignore.exclude('/bench/.build/');
  project.npmignore?.exclude('/bench/');
}

// What ts-jest compiles the tests with: the dev config, one file at a time (no type-check; the
// test task's `typecheck` step does that for every file before jest runs).
new JsonFile(project, 'tsconfig.jest.json', {
  obj: { extends: './tsconfig.dev.json', compilerOptions: { isolatedModules: true } },
});
project.npmignore?.exclude('/tsconfig.jest.json');

// Type-check and lint side by side in the test task (both are single-threaded; the machines
// have two cores): one step instead of tsc before jest and eslint after it.
{
  const check = project.addTask('check', {
    description: 'Type-check (typecheck) and lint (eslint) in parallel; fails when either fails',
    exec: "bash -c 'npx projen typecheck & typecheck=$!; npx projen eslint & eslint=$!; " +
      "wait $typecheck; t=$?; wait $eslint; e=$?; exit $(( t != 0 || e != 0 ))'",
  });
  const steps = () => project.testTask.steps;
  const eslintStep = steps().findIndex((step) => step.spawn === 'eslint');
  if (eslintStep >= 0) project.testTask.removeStep(eslintStep);
  const typecheckStep = steps().findIndex((step) => step.spawn === 'typecheck');
  project.testTask.updateStep(typecheckStep, { spawn: check.name });
}

project.synth();
