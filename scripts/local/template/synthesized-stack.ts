/**
 * Reads a synthesized stack from a cloud assembly (a `cdk.out` directory): its template and
 * where each Lambda function's code was staged.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
  readonly DependsOn?: string | string[];
  readonly Metadata?: Record<string, unknown>;
}

export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
  readonly Parameters?: Record<string, { readonly Default?: unknown }>;
  readonly Outputs?: Record<string, { readonly Value: unknown }>;
}

export interface SynthesizedStack {
  /** The CloudFormation stack name (what `cdk deploy` would create). */
  readonly stackName: string;
  readonly template: CfnTemplate;
  /** The cloud assembly directory the template was read from. */
  readonly assemblyDir: string;
  /** File asset hash -> absolute path of the staged asset (a directory for Lambda code). */
  readonly fileAssets: ReadonlyMap<string, string>;
}

interface AssemblyManifest {
  readonly artifacts?: Record<string, {
    readonly type: string;
    readonly displayName?: string;
    readonly properties?: { readonly templateFile?: string; readonly stackName?: string; readonly file?: string };
    readonly dependencies?: string[];
  }>;
}

interface AssetManifest {
  readonly files?: Record<string, { readonly source: { readonly path?: string; readonly packaging?: string } }>;
}

/**
 * The stack `stackName` (or the only stack) of the assembly in `assemblyDir`. Errors say
 * which stacks exist, so `--stack` is easy to fix.
 */
export function readSynthesizedStack(assemblyDir: string, stackName?: string): SynthesizedStack {
  const manifestPath = path.join(assemblyDir, 'manifest.json');
  if (!fs.existsSync(manifestPath)) {
    throw new Error(`${assemblyDir} is not a cloud assembly (no manifest.json). Run \`cdk synth\` in your app first, ` +
      'then pass its output directory (usually cdk.out).');
  }
  const manifest = readJson<AssemblyManifest>(manifestPath);
  const artifacts = Object.entries(manifest.artifacts ?? {});
  const stacks = artifacts.filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack');
  const nameOf = ([id, artifact]: (typeof stacks)[number]) => artifact.properties?.stackName ?? id;
  const names = stacks.map(nameOf);

  let chosen: (typeof stacks)[number] | undefined;
  if (stackName !== undefined) {
    chosen = stacks.find((stack) => nameOf(stack) === stackName || stack[0] === stackName || stack[1].displayName === stackName);
    if (!chosen) {
      throw new Error(`No stack named '${stackName}' in ${assemblyDir}; it has: ${names.join(', ') || '(none)'}.`);
    }
  } else if (stacks.length === 1) {
    chosen = stacks[0];
  } else {
    throw new Error(`${assemblyDir} has ${stacks.length} stacks (${names.join(', ') || 'none'}); choose one with --stack.`);
  }

  const [artifactId, artifact] = chosen;
  const template = readJson<CfnTemplate>(path.join(assemblyDir, artifact.properties!.templateFile!));
  const fileAssets = new Map<string, string>();
  // The stack's own asset manifest (`<stack>.assets`); every one if the stack names none.
  const assetManifests = artifacts.filter(([id, candidate]) => candidate.type === 'cdk:asset-manifest'
    && ((artifact.dependencies ?? []).length === 0 || artifact.dependencies!.includes(id)));
  for (const [, candidate] of assetManifests) {
    if (!candidate.properties?.file) continue;
    const assets = readJson<AssetManifest>(path.join(assemblyDir, candidate.properties.file));
    for (const [hash, asset] of Object.entries(assets.files ?? {})) {
      if (asset.source.path) fileAssets.set(hash, path.resolve(assemblyDir, asset.source.path));
    }
  }
  return { stackName: artifact.properties?.stackName ?? artifactId, template, assemblyDir: path.resolve(assemblyDir), fileAssets };
}

/**
 * Where a function's code is: the asset its `Code.S3Key` names (`<hash>.zip`, the asset
 * manifest says where CDK staged it: a `Code.fromAsset` directory copied, or the output of a
 * NodejsFunction's bundling), else the resource's `aws:asset:path` metadata (written by the CDK
 * CLI, and by synthesizers whose S3Key is not a literal).
 */
export function functionCodeDir(stack: SynthesizedStack, logicalId: string): string {
  const resource = stack.template.Resources[logicalId];
  const code = resource?.Properties?.Code;
  const s3Key = code?.S3Key;
  const hash = typeof s3Key === 'string' ? s3Key.replace(/\.zip$/, '') : undefined;
  const assetPath = resource?.Metadata?.['aws:asset:path'];
  const candidates = [
    hash !== undefined ? stack.fileAssets.get(hash) : undefined,
    typeof assetPath === 'string' ? path.resolve(stack.assemblyDir, assetPath) : undefined,
  ];
  const dir = candidates.find((candidate) => candidate !== undefined && fs.existsSync(candidate) && fs.statSync(candidate).isDirectory());
  if (dir === undefined) {
    throw new Error(`Cannot find the code of ${logicalId} in ${stack.assemblyDir}: the local runner needs a file asset ` +
      `staged as a directory (lambda.Code.fromAsset(dir), a NodejsFunction); got Code ${JSON.stringify(code)}.`);
  }
  return dir;
}

/** `index.handler` -> the file `<dir>/index.js` (or .mjs/.cjs) and its export `handler`, as Lambda resolves it. */
export function handlerEntry(codeDir: string, handler: string): { file: string; exportName: string } {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0) throw new Error(`Handler '${handler}' is not of the form <file>.<export>`);
  const base = path.join(codeDir, handler.slice(0, dot));
  const file = ['.js', '.cjs', '.mjs'].map((ext) => base + ext).find((candidate) => fs.existsSync(candidate));
  if (!file) throw new Error(`Handler file for '${handler}' not found in ${codeDir}`);
  return { file, exportName: handler.slice(dot + 1) };
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}
