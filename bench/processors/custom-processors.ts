/**
 * The performance target of a team's processor: a trivial processor bundled through `OrderProcessor.fromEntry`
 * lands within 10% of the built-in worker on bundle size and on cold init. Each variant is the
 * same trivial file with the bundling a user might pass: the defaults first (what a user gets
 * without thinking about it: `fromEntry` minifies), then `minify: false` (aws-lambda-nodejs' own
 * default), so the report shows what turning minification off costs.
 */
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { bundleSize, BundleSize } from '../bundles/find-bundles';
import type { ColdInitResult } from '../cold-init/measure-cold-init';
import { round, Spread } from '../stats';

/** The function bundle custom processors are compared with. */
export const BUILT_IN_WORKER = 'worker';

/** The trivial processor, repository-relative. */
export const TRIVIAL_PROCESSOR_ENTRY = 'bench/processors/trivial.ts';

export interface CustomProcessorVariant {
  /** The bench subject's name, in results.json and RESULTS.md. */
  readonly name: string;
  /** The `bundling` option of `OrderProcessor.fromEntry` (none: aws-lambda-nodejs' defaults). */
  readonly bundling: BundlingOptions;
  /** How it was bundled, for the report. */
  readonly bundlingLabel: string;
}

export const CUSTOM_PROCESSOR_VARIANTS: readonly CustomProcessorVariant[] = [
  { name: 'worker (fromEntry, trivial processor)', bundling: {}, bundlingLabel: '`fromEntry` defaults (minified)' },
  { name: 'worker (fromEntry, trivial processor, unminified)', bundling: { minify: false }, bundlingLabel: '`bundling: { minify: false }`' },
];

export interface CustomProcessorResult {
  readonly name: string;
  /** Repository-relative entry file. */
  readonly entry: string;
  readonly bundling: string;
  /** What esbuild bundled (repository-relative): the package's runtime and the entry. */
  readonly inputs: string[];
  /** The staged asset's index.js (path: its place in cdk.out, which the run removes). */
  readonly bundle: BundleSize;
  /** The bundle it is compared with. */
  readonly builtIn: string;
  /** bytes / the built-in worker's bytes; the same for gzip. */
  readonly bytesRatio: number;
  readonly gzipRatio: number;
  /**
   * Per pair, this bundle's cold-init ratio (to its empty process) over the built-in worker's in
   * the same round; absent when it failed to load.
   */
  readonly coldInitRatio?: Spread;
}

/** The size of the staged bundle, named after its place in the assembly rather than the temporary directory. */
export function customBundleSize(name: string, file: string): BundleSize {
  const size = bundleSize({ name, kind: 'function', file }, '/');
  const asset = file.split('/').slice(-2).join('/');
  return { ...size, path: `cdk.out/${asset}` };
}

export function customProcessorResult(
  variant: CustomProcessorVariant, bundle: BundleSize, inputs: string[], builtIn: BundleSize, coldInit: readonly ColdInitResult[],
): CustomProcessorResult {
  return {
    name: variant.name,
    entry: TRIVIAL_PROCESSOR_ENTRY,
    bundling: variant.bundlingLabel,
    inputs,
    bundle,
    builtIn: builtIn.name,
    bytesRatio: round(bundle.bytes / builtIn.bytes),
    gzipRatio: round(bundle.gzipBytes / builtIn.gzipBytes),
    coldInitRatio: coldInit.find((row) => row.name === variant.name)?.relativeTo?.ratio,
  };
}
