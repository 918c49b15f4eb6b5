import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeNagFindings, NO_ASYNC_INVOCATION, VPC_NETWORK_INTERFACES_NEED_WILDCARD, XRAY_NEEDS_WILDCARD } from './nag-acknowledgements';
import { handlerServiceName } from './observability/business-metric-names';
import { OrderProcessorConfig, OrderProcessorOptions } from './processing/order-processor';
import { ResolvedProps } from './resolved-props';

/** The handlers pre-bundled by the build (`npx projen bundle`) and shipped in the npm package. */
export type HandlerName = 'api' | 'worker' | 'reads' | 'operations';

/** Directory of a pre-bundled handler: `<package>/assets/lambda/<name>/handler/index.js`. */
export function handlerAssetDir(name: HandlerName): string {
  // This file is src/handler-function.ts in the repo and lib/handler-function.js when installed:
  // both sit one level below the package root, next to assets/.
  return path.join(__dirname, '..', 'assets', 'lambda', name, 'handler');
}

export interface HandlerFunctionProps {
  readonly handler: HandlerName;
  /**
   * The function's name after the workflow's prefix, `<functionNamePrefix>-<name>` (its log
   * group follows); a stage's worker runs the `worker` handler under its own name.
   *
   * @default - the handler's name
   */
  readonly name?: string;
  readonly description: string;
  readonly timeout: Duration;
  readonly environment: Record<string, string>;
  readonly settings: ResolvedProps;
  /** Concurrent executions reserved for (and capping) this function. */
  readonly reservedConcurrentExecutions?: number;
  /** The worker: code from an `OrderProcessor` instead of the handler's pre-built bundle, and its function settings. */
  readonly processor?: { readonly config: OrderProcessorConfig; readonly options: OrderProcessorOptions };
}

/**
 * A Lambda function running one pre-bundled handler, with its own explicit log group and a
 * role that may write only to that log group (no AWSLambdaBasicExecutionRole, no
 * `logRetention` custom resource).
 */
export class HandlerFunction extends Construct {
  public readonly function: lambda.Function;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    const { settings } = props;
    const processorOptions = props.processor?.options ?? {};
    const functionName = `${settings.functionNamePrefix}-${props.name ?? props.handler}`;

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: `/aws/lambda/${functionName}`,
      retention: settings.logRetention,
      removalPolicy: settings.removalPolicy,
      encryptionKey: settings.logEncryptionKey,
    });

    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${functionName}`,
    });
    this.logGroup.grantWrite(role);
    if (processorOptions.vpc) {
      // lambda.Function adds AWSLambdaVPCAccessExecutionRole only to a role it creates itself:
      // without these, Lambda could not attach this one's function to the VPC (CreateFunction fails).
      // The managed policy's EC2 actions only, inline: it would also allow logs:* on every log group.
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: [
          'ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:DeleteNetworkInterface',
          'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses',
        ],
        resources: ['*'],
      }));
    }

    const functionProps: Omit<lambda.FunctionProps, 'code' | 'handler'> = {
      functionName,
      description: props.description,
      runtime: settings.runtime,
      architecture: settings.architecture,
      memorySize: processorOptions.memorySize ?? settings.memorySize,
      vpc: processorOptions.vpc,
      vpcSubnets: processorOptions.vpcSubnets,
      securityGroups: processorOptions.securityGroups,
      layers: processorOptions.layers,
      timeout: props.timeout,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      role,
      logGroup: this.logGroup,
      tracing: settings.tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      // JSON format makes the runtime's own line for a handler error JSON with a `level`, and
      // Lambda's records of timeouts and crashes JSON with a `record.status`: the saved failures
      // query matches both, next to the handler's Powertools lines (passed through unchanged).
      loggingFormat: lambda.LoggingFormat.JSON,
      // Lambda drops application lines below this level and sets AWS_LAMBDA_LOG_LEVEL to it,
      // which Powertools Logger obeys ahead of POWERTOOLS_LOG_LEVEL (it warns if the latter is
      // lower, since those lines would be dropped); both say INFO so they never disagree.
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      // WARN keeps the platform records of failed invocations (report/runtimeDone with status
      // timeout, error or failure; init failures; dropped logs) and drops START, END and the
      // REPORT of every successful invocation: one line per invocation that carries no `level`
      // and that the Lambda metrics (Duration, Invocations) already count.
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      environment: {
        // The processor's own first: the runtime's settings below are not the processor's to change.
        ...processorOptions.environment,
        // Also the `service` dimension of the business metrics, which the alarm and dashboard name.
        POWERTOOLS_SERVICE_NAME: handlerServiceName(props.handler),
        POWERTOOLS_METRICS_NAMESPACE: settings.metricsNamespace,
        // Where Lambda does not set AWS_LAMBDA_LOG_LEVEL (the local runner), this decides.
        POWERTOOLS_LOG_LEVEL: lambda.ApplicationLogLevel.INFO,
        ...props.environment,
      },
    };
    this.function = props.processor
      ? processorFunction(this, props.processor.config, functionProps)
      : new lambda.Function(this, 'Function', { ...functionProps, ...prebuiltCode(props.handler) });
    acknowledgeNagFindings(this.function, [NO_ASYNC_INVOCATION]);
    const wildcards = [
      ...(settings.tracing ? [XRAY_NEEDS_WILDCARD] : []),
      ...(processorOptions.vpc ? [VPC_NETWORK_INTERFACES_NEED_WILDCARD] : []),
    ];
    if (wildcards.length > 0) acknowledgeNagFindings(role.node.findChild('DefaultPolicy'), wildcards);
  }
}

/** A handler's pre-built bundle, shipped in the package. */
function prebuiltCode(handler: HandlerName): Pick<lambda.FunctionProps, 'code' | 'handler'> {
  const assetDir = handlerAssetDir(handler);
  if (!fs.existsSync(path.join(assetDir, 'index.js'))) {
    throw new Error(`The ${handler} handler bundle is missing at ${assetDir}. ` +
      'In a checkout of cdk-orders-workflow run `npx projen bundle`; an installed package always ships it.');
  }
  // Only the bundle: the esbuild metafile beside it (in a checkout) is a build diagnostic.
  return { code: lambda.Code.fromAsset(assetDir, { exclude: ['*.meta.json'] }), handler: 'index.handler' };
}

/** The worker from an OrderProcessor: its code as given, or its entry bundled by aws-lambda-nodejs. */
function processorFunction(scope: Construct, config: OrderProcessorConfig, functionProps: Omit<lambda.FunctionProps, 'code' | 'handler'>): lambda.Function {
  if (config.entry !== undefined) {
    return new nodejs.NodejsFunction(scope, 'Function', {
      ...functionProps,
      entry: config.entry,
      handler: config.handler,
      bundling: config.bundling,
      depsLockFilePath: config.depsLockFilePath,
      projectRoot: config.projectRoot,
    });
  }
  return new lambda.Function(scope, 'Function', { ...functionProps, code: config.code!, handler: config.handler });
}
