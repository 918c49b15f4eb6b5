/**
 * The baselines the handlers are measured against, built in the same run:
 * - naive: the same handler source bundled with every package external, so each dependency
 *   is required from node_modules at run time (what an unbundled deployment loads);
 * - client-only: an EventBridgeClient and one PutEvents, nothing else (the floor for "uses the
 *   AWS SDK"), built with the handlers' own esbuild flags (read from the projen bundle task,
 *   so an alias or define the handlers get applies to the floor too);
 * - plain handlers (bench/baselines/): the same AWS calls as the handlers without Powertools,
 *   for the warm-cost comparison, built like client-only.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface BuiltBaselines {
  /** Function name -> naive (packages external) build of lambda/<name>/handler.ts. */
  readonly naive: ReadonlyMap<string, string>;
  readonly clientOnly: string;
  /**
   * The same client-only source with projen's stock bundle flags, when the handlers' flags
   * differ from them (an alias or define added for the handlers): what those flags buy the floor.
   */
  readonly clientOnlyStock?: string;
  readonly apiPlain: string;
  readonly workerPlain: string;
  /** The esbuild flags the handlers are built with (from .projen/tasks.json), entry and outputs removed. */
  readonly handlerFlags: readonly string[];
}

export function buildBaselines(repoRoot: string, functionNames: readonly string[], outDir: string): BuiltBaselines {
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const handlerFlags = handlerBuildFlags(repoRoot);
  const naive = new Map<string, string>();
  for (const name of functionNames) {
    const entry = path.join(repoRoot, 'lambda', name, 'handler.ts');
    if (!fs.existsSync(entry)) continue;
    const outfile = path.join(outDir, 'naive', name, 'index.js');
    esbuild(repoRoot, [entry, '--bundle', '--packages=external', '--platform=node', '--target=node22', '--format=cjs', `--outfile=${outfile}`]);
    naive.set(name, outfile);
  }
  const build = (source: string, name: string, flags: readonly string[] = handlerFlags) => {
    const outfile = path.join(outDir, name, 'index.js');
    esbuild(repoRoot, [path.join(repoRoot, 'bench', 'baselines', source), ...flags, `--outfile=${outfile}`]);
    return outfile;
  };
  const stock = [...STOCK_FLAGS].sort().join(' ') === [...handlerFlags].sort().join(' ');
  return {
    naive,
    clientOnly: build('client-only.ts', 'client-only'),
    clientOnlyStock: stock ? undefined : build('client-only.ts', 'client-only-stock', STOCK_FLAGS),
    apiPlain: build('api-plain.ts', 'api-plain'),
    workerPlain: build('worker-plain.ts', 'worker-plain'),
    handlerFlags,
  };
}

/** projen's bundle flags for a Lambda handler (.projenrc.ts before any handler-specific addition). */
const STOCK_FLAGS = ['--bundle', '--target=node22', '--platform=node', '--minify', '--main-fields=module,main'];

/** The flags of projen's `bundle:lambda/api/handler` task, without its entry point, outfile and metafile. */
export function handlerBuildFlags(repoRoot: string): string[] {
  const tasks = JSON.parse(fs.readFileSync(path.join(repoRoot, '.projen', 'tasks.json'), 'utf8')).tasks as Record<string, { steps?: Array<{ execArgs?: string[]; exec?: string }> }>;
  const step = tasks['bundle:lambda/api/handler']?.steps?.find((candidate) => candidate.execArgs?.[0] === 'esbuild');
  if (!step?.execArgs) throw new Error('.projen/tasks.json has no esbuild step in bundle:lambda/api/handler');
  return step.execArgs.slice(1).filter((arg) => arg.startsWith('--') && !arg.startsWith('--outfile') && !arg.startsWith('--metafile'));
}

function esbuild(repoRoot: string, args: string[]): void {
  const result = spawnSync(path.join(repoRoot, 'node_modules', '.bin', 'esbuild'), ['--log-level=warning', ...args], { cwd: repoRoot, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`esbuild ${args.join(' ')} failed:\n${result.stderr}`);
}
