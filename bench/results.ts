/** The shape of bench/results.json (read by the report writer, the cost model and the tests). */
import type { BundleSize } from './bundles/find-bundles';
import type { ColdInitFailure, ColdInitResult } from './cold-init/measure-cold-init';
import type { BenchOptions } from './options';
import type { CustomProcessorResult } from './processors/custom-processors';
import type { SynthResult } from './synth/measure-synth';
import type { CallCounts, EndToEndResult } from './throughput/end-to-end';
import type { RawRate } from './throughput/raw-rates';
import type { WarmPairResult } from './warm/measure-warm';

export const RESULTS_SCHEMA_VERSION = 1;

export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryBytes: number;
  readonly node: string;
  readonly platform: string;
  /** 1-minute load average when the run started and ended: how busy the machine was. */
  readonly loadAverageStart: number;
  readonly loadAverageEnd: number;
}

export interface ThroughputResults {
  readonly endToEnd: EndToEndResult;
  readonly raw: RawRate[];
  readonly calls: CallCounts;
  /** The same count with a team's processor (fromEntry) in place of the built-in one. */
  readonly customProcessorCalls?: CallCounts & { readonly processor: string };
  /** Per needed operation: orders/s moto could serve if that call were the only one (rate / calls per order). */
  readonly ceilingByOperation: Record<string, number>;
  readonly slowestOperation: string;
  readonly slowestCeilingPerSecond: number;
  /** slowest ceiling / processed per second: the target is <= 2. */
  readonly ratioToSlowest: number;
  /** 1 / sum(calls per order / rate): moto serving every call of an order one after another. */
  readonly serialCeilingPerSecond: number;
  readonly ratioToSerial: number;
}

export interface FunctionSettings {
  readonly memorySize: number;
  readonly timeoutSeconds: number;
  readonly architecture: string;
  /** `LoggingConfig.SystemLogLevel` (Lambda's platform lines), when set. */
  readonly systemLogLevel?: string;
  /** The worker's event source batch size. */
  readonly batchSize?: number;
}

export interface BenchResults {
  readonly schemaVersion: number;
  /** ISO date-time the run started. */
  readonly date: string;
  readonly quick: boolean;
  readonly sizes: Omit<BenchOptions, 'outDir' | 'cost' | 'quick'>;
  readonly machine: MachineInfo;
  readonly bundles: BundleSize[];
  /** The esbuild flags of the function bundles (client-only and the plain baselines use them too). */
  readonly buildFlags: readonly string[];
  readonly coldInit: ColdInitResult[];
  /** Modules whose init threw with the environment they were given: listed, not measured. */
  readonly coldInitFailures: ColdInitFailure[];
  /**
   * A trivial processor bundled through `OrderProcessor.fromEntry`, against the built-in worker
   * (absent from results taken before it was measured).
   */
  readonly customProcessors?: CustomProcessorResult[];
  readonly warm: { readonly api: WarmPairResult; readonly worker: WarmPairResult; readonly workerBatchSize: number };
  readonly throughput: ThroughputResults;
  readonly synth: SynthResult;
  /** The function settings the figures were taken with (the cost model bills these). */
  readonly functions: Record<string, FunctionSettings>;
  /** Fixed-cost resources of the reference stack's template. */
  readonly stack: { readonly alarms: number; readonly dashboards: number };
  readonly durationSeconds: number;
}
