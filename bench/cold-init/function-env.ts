/**
 * The environment a function's process starts with on Lambda, for each bundle in assets/:
 * the variables the construct sets on that function (read from a synthesized template with
 * the local runner's template readers, references resolved to the resources provisioned in
 * the emulator) plus the ones Lambda provides. The local runner's own additions (endpoint
 * override, config-file guards) are removed, and nothing of this machine's environment is
 * inherited: in particular not NODE_EXTRA_CA_CERTS, which Lambda does not set and which costs
 * every Node.js process ~30 ms here.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { handlerEnvironment } from '../../scripts/local/lambda/handler-env';
import { ResolveContext } from '../../scripts/local/template/intrinsics';
import { SynthesizedStack } from '../../scripts/local/template/synthesized-stack';
import { FunctionModel, readFunction } from '../../scripts/local/template/workflow-model';

/** Variables the local runner adds that Lambda does not set. */
const RUNNER_ONLY = ['AWS_ENDPOINT_URL', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_EC2_METADATA_DISABLED'];

export interface FunctionEnvironment {
  /** The template's function for this bundle, if the stack deploys it. */
  readonly function?: FunctionModel;
  /** As Lambda would start the process (no endpoint override). */
  readonly lambda: Record<string, string>;
  /** The same, talking to the emulator (warm-cost runs). */
  readonly emulator: Record<string, string>;
}

/**
 * Bundle file -> its environment. A bundle is matched to the template's function whose staged
 * code is byte-identical (the asset is a copy of assets/lambda/<name>/handler); a bundle the
 * stack does not deploy gets Lambda's variables only.
 */
export function functionEnvironments(
  stack: SynthesizedStack, resolveContext: ResolveContext, emulatorEndpoint: string, bundleFiles: readonly string[],
): Map<string, FunctionEnvironment> {
  const byHash = new Map<string, FunctionModel>();
  for (const [logicalId, resource] of Object.entries(stack.template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    try {
      const fn = readFunction(stack, logicalId);
      byHash.set(hashOf(fn.handlerFile), fn);
    } catch {
      // Inline code or a custom resource's provider: not one of our bundles.
    }
  }
  const result = new Map<string, FunctionEnvironment>();
  for (const file of bundleFiles) {
    const fn = byHash.get(hashOf(file));
    const model = fn ?? standIn(file);
    const env = handlerEnvironment(model, { emulatorEndpoint, resolveContext });
    const lambda = lambdaEnvironment(env, model);
    result.set(file, { function: fn, lambda, emulator: { ...lambda, AWS_ENDPOINT_URL: emulatorEndpoint } });
  }
  return result;
}

/** What Lambda adds that the runner leaves out, and without the runner's own variables. */
function lambdaEnvironment(env: Record<string, string>, fn: FunctionModel): Record<string, string> {
  const out: Record<string, string> = { ...env };
  for (const name of RUNNER_ONLY) delete out[name];
  return {
    ...out,
    AWS_SESSION_TOKEN: 'bench-session-token',
    AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
    LAMBDA_RUNTIME_DIR: '/var/runtime',
    _HANDLER: `${path.basename(fn.handlerFile, path.extname(fn.handlerFile))}.${fn.exportName}`,
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
  };
}

/** A bundle the stack does not deploy (yet): Lambda's defaults, no construct variables. */
function standIn(file: string): FunctionModel {
  const name = path.basename(path.dirname(path.dirname(file)));
  return {
    logicalId: name,
    functionName: `orders-${name}`,
    codeDir: path.dirname(file),
    handlerFile: file,
    exportName: 'handler',
    timeoutSeconds: 3,
    memorySize: 128,
    runtime: 'nodejs22.x',
    logGroupName: `/aws/lambda/orders-${name}`,
    environment: {},
  };
}

function hashOf(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}
