import { awscdk, javascript } from 'projen';

// Single source of truth for package.json, tsconfig*.json, jest and the bundling tasks.
// Edit here, then run `npx projen`.

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

  jestOptions: {
    // Snapshot drift must fail: `npm test` never rewrites snapshots (`npx projen test:update` does).
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    passWithNoTests: false,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      collectCoverageFrom: ['src/**/*.ts', 'lambda/**/*.ts'],
      coverageThreshold: { lines: 90 },
      testTimeout: 60_000,
    },
  },

  devDeps: [
    // Handler runtime dependencies: esbuild inlines them into assets/, so consumers never install them.
    '@aws-lambda-powertools/logger@^2',
    '@aws-lambda-powertools/batch@^2',
    '@aws-lambda-powertools/idempotency@^2',
    '@aws-sdk/client-eventbridge@^3',
    '@aws-sdk/client-dynamodb@^3',
    '@aws-sdk/lib-dynamodb@^3',
    '@aws-sdk/client-sqs@^3',
    'zod@^4',
    '@types/aws-lambda',
    // Tests
    'aws-sdk-client-mock@^4',
    'aws-sdk-client-mock-jest@^4',
    'tsx@^4',
    'cdk-nag@^2.37',
    // examples/: the CDK CLI for synth/deploy, the React + Vite frontend and its browser test
    'aws-cdk@^2',
    'react@^19',
    'react-dom@^19',
    '@types/react@^19',
    '@types/react-dom@^19',
    'vite@^8',
    'playwright-core',
    // Python bindings type check
    'pyright',
  ],

  eslintOptions: { dirs: ['src', 'lambda'], devdirs: ['test', 'scripts', 'projenrc', '.projenrc.ts'] },

  gitignore: ['/.local/', '/cdk.out/', '/test-output/'],
});

// ---------------------------------------------------------------------------
// Handler bundles: lambda/<name>/handler.ts -> assets/lambda/<name>/handler/index.js
// Minified, AWS SDK v3 inlined (the runtime's copy is not pinned by us), module-first
// main fields so tree-shaking works. Shipped in the npm tarball; consumers never run esbuild.
// ---------------------------------------------------------------------------
for (const handler of ['api', 'worker']) {
  project.bundler.addBundle(`lambda/${handler}/handler.ts`, {
    platform: 'node',
    target: 'node22',
    minify: true,
    mainFields: ['module', 'main'],
    externals: [],
    metafile: true,
    watchTask: false,
  });
}

// Exactly these folders; projen's default `**/*.ts` would also sweep in examples/ (own tsconfigs).
project.tryFindObjectFile('tsconfig.dev.json')!.addOverride('include', [
  'src/**/*.ts', 'lambda/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts', '.projenrc.ts', 'projenrc/**/*.ts',
]);

// Lambda sources are not part of the jsii compilation: type-check them (and tests) explicitly.
project.addTask('typecheck', {
  description: 'Type-check src, lambda, test and scripts with tsconfig.dev.json',
  exec: 'tsc --noEmit -p tsconfig.dev.json',
});
project.testTask.prependSpawn(project.tasks.tryFind('typecheck')!);

project.synth();
