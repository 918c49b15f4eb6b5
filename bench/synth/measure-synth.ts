/**
 * Item 5: synth time of a stack with one OrdersWorkflow, from TypeScript. Each run is a fresh
 * `tsx bench/synth/synth-app.ts` process (module loading of aws-cdk-lib and TypeScript
 * transpilation included, as a developer's `cdk synth` pays them); the in-process share is
 * the construct tree and the synthesis alone.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { roundSpread, Spread, spreadOf } from '../stats';

export interface SynthResult {
  readonly processMs: Spread;
  readonly inProcessMs: Spread;
}

export function measureSynth(repoRoot: string, runs: number, env: Record<string, string>): SynthResult {
  const processMs: number[] = [];
  const inProcessMs: number[] = [];
  for (let run = 0; run < runs; run++) {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-bench-synth-'));
    try {
      const started = process.hrtime.bigint();
      const result = spawnSync(path.join(repoRoot, 'node_modules', '.bin', 'tsx'), [path.join(__dirname, 'synth-app.ts'), outdir], {
        cwd: repoRoot, env, encoding: 'utf8',
      });
      processMs.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (result.status !== 0) throw new Error(`synth failed (exit ${result.status}): ${result.stderr}`);
      const line = result.stdout.trim().split('\n').pop()!;
      inProcessMs.push(JSON.parse(line).inProcessMs);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }
  return { processMs: roundSpread(spreadOf(processMs), 0), inProcessMs: roundSpread(spreadOf(inProcessMs), 0) };
}
