import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';

/** Settings of the worker function that runs a processor, whatever its kind. */
export interface OrderProcessorOptions {
  /**
   * Memory of the worker function, in MB.
   *
   * @default - the workflow's `memorySize` (256)
   */
  readonly memorySize?: number;
  /**
   * Timeout of the worker function. The main queue's visibility timeout must stay at least 6x
   * this plus `maxBatchingWindow` (synth fails otherwise). Set it here or with the workflow's
   * `workerTimeout`, not both.
   *
   * @default - the workflow's `workerTimeout` (30 seconds)
   */
  readonly timeout?: Duration;
  /**
   * Environment variables of the processor's own, beside the ones the worker runtime needs
   * (a name the runtime uses cannot be set here: synth fails).
   *
   * @default - none
   */
  readonly environment?: { [key: string]: string };
  /**
   * The VPC to run the worker in, for a processor that reaches private resources. The worker
   * then also needs a route to DynamoDB, EventBridge and CloudWatch Logs (VPC endpoints or NAT).
   *
   * @default - not in a VPC
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Where in `vpc` to place the worker.
   *
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Security groups of the worker in `vpc`.
   *
   * @default - a new security group, all outbound traffic allowed
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * Layers of the worker function (for example the processor's shared libraries or an extension).
   *
   * @default - none
   */
  readonly layers?: lambda.ILayerVersion[];
}

/** How `OrderProcessor.fromEntry()` bundles the processor. */
export interface OrderProcessorEntryOptions extends OrderProcessorOptions {
  /**
   * The exported handler of the entry file (`export const handler = createOrderWorker(...)`).
   *
   * @default 'handler'
   */
  readonly handler?: string;
  /**
   * esbuild options of aws-lambda-nodejs (minify, source maps, externals, loaders...).
   *
   * The AWS SDK is bundled in (`bundleAwsSDK: true`), like the worker runtime's own clients: the
   * processor runs the SDK it was built and tested with, on Lambda and in `orders-workflow-local`
   * alike (which provides no SDK beside the code). `bundleAwsSDK: false` or `externalModules`
   * leave it to the one Lambda's runtime provides. The output is minified (`minify: true`): the
   * runtime ships minified, and unminified esbuild would print it back about 40% larger.
   *
   * @default - aws-lambda-nodejs' defaults, with `minify: true` and `bundleAwsSDK: true`
   */
  readonly bundling?: nodejs.BundlingOptions;
  /**
   * The lock file that marks the processor's project root, for aws-lambda-nodejs.
   *
   * @default - the nearest lock file above the entry
   */
  readonly depsLockFilePath?: string;
  /**
   * The processor's project root (where its node_modules are), for aws-lambda-nodejs.
   *
   * @default - the directory of `depsLockFilePath`
   */
  readonly projectRoot?: string;
}

/** What the worker function is built from. Returned by `OrderProcessor.bind()`. */
export interface OrderProcessorConfig {
  /** `builtIn`, `entry` or `code`. */
  readonly kind: string;
  /**
   * The function's code (built-in and `fromCode`).
   *
   * @default - none: the entry is bundled instead
   */
  readonly code?: lambda.Code;
  /** The handler, `file.export` for code; the export's name for an entry. */
  readonly handler: string;
  /**
   * The TypeScript or JavaScript file to bundle (`fromEntry`).
   *
   * @default - none: `code` is used
   */
  readonly entry?: string;
  /**
   * Bundling options (`fromEntry`).
   *
   * @default - none
   */
  readonly bundling?: nodejs.BundlingOptions;
  /**
   * The lock file of the entry's project (`fromEntry`).
   *
   * @default - none
   */
  readonly depsLockFilePath?: string;
  /**
   * The entry's project root (`fromEntry`).
   *
   * @default - none
   */
  readonly projectRoot?: string;
}

/** The pre-bundled built-in worker that ships in the package: `<package>/assets/lambda/worker/handler`. */
function builtInAssetDir(): string {
  // src/processing/ in the repository, lib/processing/ when installed: two levels below the package root.
  return path.join(__dirname, '..', '..', 'assets', 'lambda', 'worker', 'handler');
}

/**
 * The business step of the workflow's worker: the built-in one, or the team's own, written with
 * `createOrderWorker` from `cdk-orders-workflow/worker` so that it runs inside the worker's
 * guarantees (exactly once per eventId, order status, outcome events, DLQ, metrics, logs).
 */
export abstract class OrderProcessor {
  /**
   * The built-in processor: accepts every order and returns no result. Pre-bundled in the
   * package: synth needs no esbuild, Docker or network.
   *
   * @param options settings of the worker function
   */
  public static builtIn(options: OrderProcessorOptions = {}): OrderProcessor {
    return new BuiltInOrderProcessor(options);
  }

  /**
   * The team's TypeScript or JavaScript file, bundled at synth by aws-lambda-nodejs (esbuild
   * must be installed where the app synthesizes: `npm install --save-dev esbuild`). The file
   * exports `handler = createOrderWorker(async (order, ctx) => ...)`.
   *
   * @param entry path of the file
   * @param options bundling and function settings
   */
  public static fromEntry(entry: string, options: OrderProcessorEntryOptions = {}): OrderProcessor {
    return new EntryOrderProcessor(entry, options);
  }

  /**
   * Code the team built with any bundler (a handler made with `createOrderWorker`).
   *
   * @param code the function's code, e.g. `lambda.Code.fromAsset('dist/processor')`
   * @param handler `file.export`, e.g. `index.handler`
   * @param options settings of the worker function
   */
  public static fromCode(code: lambda.Code, handler: string, options: OrderProcessorOptions = {}): OrderProcessor {
    return new CodeOrderProcessor(code, handler, options);
  }

  /** Settings of the worker function. */
  public readonly options: OrderProcessorOptions;

  /** @param options settings of the worker function */
  protected constructor(options: OrderProcessorOptions) {
    this.options = options;
  }

  /** What the worker function is built from (called once by `OrdersWorkflow`). */
  public abstract bind(): OrderProcessorConfig;
}

class BuiltInOrderProcessor extends OrderProcessor {
  public bind(): OrderProcessorConfig {
    const assetDir = builtInAssetDir();
    if (!fs.existsSync(path.join(assetDir, 'index.js'))) {
      throw new Error(`The worker handler bundle is missing at ${assetDir}. ` +
        'In a checkout of cdk-orders-workflow run `npx projen bundle`; an installed package always ships it.');
    }
    // Only the bundle: the esbuild metafile beside it (in a checkout) is a build diagnostic.
    return { kind: 'builtIn', code: lambda.Code.fromAsset(assetDir, { exclude: ['*.meta.json'] }), handler: 'index.handler' };
  }
}

class EntryOrderProcessor extends OrderProcessor {
  constructor(private readonly entry: string, private readonly entryOptions: OrderProcessorEntryOptions) {
    super(entryOptions);
  }

  public bind(): OrderProcessorConfig {
    const entry = path.resolve(this.entry);
    if (!fs.existsSync(entry)) {
      throw new Error(`OrderProcessor.fromEntry: the entry file ${entry} does not exist`);
    }
    if (!/\.(c|m)?(j|t)sx?$/.test(entry)) {
      throw new Error(`OrderProcessor.fromEntry: the entry must be a TypeScript or JavaScript file, got ${entry}`);
    }
    if (!this.entryOptions.bundling?.forceDockerBundling && !esbuildIsInstalled()) {
      throw new Error(`OrderProcessor.fromEntry bundles ${entry} with esbuild at synth, and esbuild was not found. ` +
        'Install it in the app: `npm install --save-dev esbuild` (or build the processor yourself and use OrderProcessor.fromCode).');
    }
    return {
      kind: 'entry',
      entry,
      handler: this.entryOptions.handler ?? 'handler',
      bundling: { minify: true, bundleAwsSDK: true, ...this.entryOptions.bundling },
      depsLockFilePath: this.entryOptions.depsLockFilePath,
      projectRoot: this.entryOptions.projectRoot,
    };
  }
}

class CodeOrderProcessor extends OrderProcessor {
  constructor(private readonly code: lambda.Code, private readonly handler: string, options: OrderProcessorOptions) {
    super(options);
  }

  public bind(): OrderProcessorConfig {
    if (!/^[^.\s]+(\.[^.\s]+)*\.[A-Za-z_$][\w$]*$/.test(this.handler)) {
      throw new Error(`OrderProcessor.fromCode: handler must be "file.export" (e.g. "index.handler"), got "${this.handler}"`);
    }
    return { kind: 'code', code: this.code, handler: this.handler };
  }
}

/**
 * Where aws-lambda-nodejs looks, in its order: the esbuild package as aws-cdk-lib resolves it,
 * then an `esbuild` command on the PATH. Without either it would try Docker, which a user who
 * never asked for Docker reads as a confusing error.
 */
function esbuildIsInstalled(): boolean {
  try {
    require.resolve('esbuild/package.json', { paths: [path.dirname(require.resolve('aws-cdk-lib/package.json'))] });
    return true;
  } catch {
    const probe = spawnSync('esbuild', ['--version']);
    return probe.status === 0 && !probe.error;
  }
}
