/**
 * Sizes of a benchmark run: `npm run bench` takes the full sizes; `-- --quick` (or
 * BENCH_QUICK=true) a tiny run that only proves the harness works end to end (the jest test
 * uses it). Each size can also be set alone, by flag or environment variable.
 */
import * as path from 'node:path';

export interface BenchOptions {
  /** Alternating pairs (empty process, bundle) per cold-init subject. */
  readonly pairs: number;
  /** Orders of the end-to-end run. */
  readonly orders: number;
  /** Concurrent clients of the end-to-end run. */
  readonly concurrency: number;
  /** Calls per raw emulator rate (PutEvents, PutItem, SQS send/receive/delete). */
  readonly rawCalls: number;
  /** Measured warm invocations per handler (after the warm-up ones). */
  readonly warmInvocations: number;
  /** Orders of the small run through a counting proxy that counts AWS calls per order. */
  readonly countedOrders: number;
  /** Synth processes (median reported). */
  readonly synthRuns: number;
  /** Where results.json and RESULTS.md go. */
  readonly outDir: string;
  /** Also (re)generate docs/cost.md from the results. */
  readonly cost: boolean;
  readonly quick: boolean;
}

const FULL = { pairs: 21, orders: 1000, concurrency: 16, rawCalls: 500, warmInvocations: 50, countedOrders: 30, synthRuns: 3 };
const QUICK = { pairs: 3, orders: 20, concurrency: 4, rawCalls: 20, warmInvocations: 5, countedOrders: 5, synthRuns: 1 };

const USAGE = `Usage: npm run bench -- [--quick] [--pairs N] [--orders N] [--concurrency N] [--raw-calls N]
       [--warm-invocations N] [--counted-orders N] [--synth-runs N] [--out DIR] [--no-cost]
Each size also reads BENCH_<NAME> (BENCH_PAIRS, BENCH_ORDERS, ...); BENCH_QUICK=true is --quick.`;

export class BenchUsageError extends Error {
  public readonly name = 'BenchUsageError';
  constructor(message: string) {
    super(`${message}\n${USAGE}`);
  }
}

export function parseBenchOptions(argv: readonly string[], env: NodeJS.ProcessEnv, repoRoot: string): BenchOptions {
  const flags = new Map<string, string | true>();
  const known = new Set(['quick', 'no-cost', 'help', 'out', ...Object.keys(FULL).map(kebab)]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new BenchUsageError(`Unexpected argument '${arg}'.`);
    const [name, inline] = arg.slice(2).split('=', 2);
    if (!known.has(name)) throw new BenchUsageError(`Unknown option --${name}.`);
    if (name === 'quick' || name === 'no-cost' || name === 'help') {
      flags.set(name, true);
    } else {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new BenchUsageError(`--${name} needs a value.`);
      flags.set(name, value);
    }
  }
  if (flags.has('help')) throw new BenchUsageError('Help:');
  const quick = flags.has('quick') || env.BENCH_QUICK === 'true';
  const base = quick ? QUICK : FULL;

  const size = (key: keyof typeof FULL, min: number): number => {
    const raw = flags.get(kebab(key)) ?? env[`BENCH_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`];
    if (raw === undefined || raw === true) return base[key];
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) throw new BenchUsageError(`--${kebab(key)} must be an integer >= ${min}, got '${raw}'.`);
    return value;
  };
  const out = flags.get('out') ?? env.BENCH_OUT;
  return {
    pairs: size('pairs', 1),
    orders: size('orders', 1),
    concurrency: size('concurrency', 1),
    rawCalls: size('rawCalls', 1),
    warmInvocations: size('warmInvocations', 1),
    countedOrders: size('countedOrders', 1),
    synthRuns: size('synthRuns', 1),
    outDir: typeof out === 'string' ? path.resolve(out) : path.join(repoRoot, 'bench'),
    cost: !flags.has('no-cost'),
    quick,
  };
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
