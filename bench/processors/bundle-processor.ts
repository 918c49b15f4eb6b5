/**
 * A processor bundled the way a user's is: the reference stack synthesized with
 * `OrderProcessor.fromEntry(entry)` (aws-lambda-nodejs, this repository's esbuild), and the
 * worker's bundle taken from the staged asset in cdk.out, so what is measured is the file
 * Lambda would run. `cdk-orders-workflow/worker` resolves through the package's own `exports`
 * (a self-reference from inside the repository, as from a user's node_modules): esbuild's
 * metafile names the runtime file it took, and the bench refuses any other.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { synthesizeLocalStack } from '../../scripts/local/template/local-stack';
import { readSynthesizedStack } from '../../scripts/local/template/synthesized-stack';
import { readWorkflowModel } from '../../scripts/local/template/workflow-model';
import { OrderProcessor } from '../../src';

/** The public runtime a user's import must land on (package.json `exports["./worker"]`). */
export const RUNTIME_FILES = ['assets/runtime/worker/index.js', 'assets/runtime/worker/index.mjs'];

export interface ProcessorBundle {
  /** The worker's index.js in the staged asset. */
  readonly file: string;
  /** Repository-relative inputs esbuild bundled (from its metafile). */
  readonly inputs: string[];
  /** The synthesized reference stack with this processor, which the local runner can run. */
  readonly assemblyDir: string;
}

/**
 * Synthesizes into `outdir` and returns the worker's bundle. `bundling` is what the user would
 * pass (nothing, for the defaults); only `metafile` is added, which writes a file beside the
 * bundle and does not change it.
 */
export function bundleProcessor(repoRoot: string, entry: string, outdir: string, bundling: BundlingOptions = {}): ProcessorBundle {
  const assemblyDir = synthesizeLocalStack(outdir, { processor: OrderProcessor.fromEntry(entry, { bundling: { ...bundling, metafile: true } }) });
  const worker = readWorkflowModel(readSynthesizedStack(assemblyDir)).workerFunction;
  const metafile = path.join(path.dirname(worker.handlerFile), 'index.meta.json');
  const inputs = Object.keys(JSON.parse(fs.readFileSync(metafile, 'utf8')).inputs as Record<string, unknown>)
    .map((input) => path.relative(repoRoot, path.resolve(repoRoot, input)));
  // A bundle that inlined lambda/ sources (a path alias, a stale build) would not be a user's.
  if (!RUNTIME_FILES.some((file) => inputs.includes(file)) || inputs.some((input) => input.startsWith('lambda/'))) {
    throw new Error(`${entry} did not bundle against the package's runtime (${RUNTIME_FILES.join(', ')}); esbuild's inputs: ${inputs.join(', ')}`);
  }
  return { file: worker.handlerFile, inputs, assemblyDir };
}
