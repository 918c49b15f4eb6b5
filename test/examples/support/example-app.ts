/**
 * Synthesizes examples/app the way a user does, for the example tests. `npm run synth` packs
 * and installs the library into examples/app/node_modules and rebuilds examples/frontend/dist;
 * jest runs test files in parallel processes, so every test that installs or synthesizes the
 * app holds one lock for as long as it does.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { withLock } from './locks';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const EXAMPLE_APP_DIR = path.join(REPO_ROOT, 'examples', 'app');
const COMMAND_TIMEOUT_MS = 4 * 60_000;

const ENV = { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', FORCE_COLOR: '0' };

/** Runs `fn` while no other test process installs or synthesizes examples/app. */
export function withExampleAppLock<T>(fn: () => T | Promise<T>): Promise<T> {
  return withLock('examples-app', fn);
}

/** Runs a command, throwing with the end of its output when it fails. */
export function run(command: string, args: string[], cwd: string): { seconds: number; output: string } {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: COMMAND_TIMEOUT_MS, env: ENV });
  const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status}, signal ${result.signal}):\n${output.slice(-6000)}`);
  }
  return { seconds: (Date.now() - started) / 1000, output };
}

/** `-c key=value` pairs. */
export function contextArgs(context: Record<string, string>): string[] {
  return Object.entries(context).flatMap(([key, value]) => ['-c', `${key}=${value}`]);
}

/**
 * `cdk synth` of the already installed app (after `npm run synth` or `npm run examples:install`)
 * into `outdir`, which is replaced. Call inside `withExampleAppLock`.
 */
export function cdkSynth(context: Record<string, string>, outdir: string): { seconds: number; output: string } {
  fs.rmSync(outdir, { recursive: true, force: true });
  return run('npx', ['cdk', 'synth', '--quiet', '-o', outdir, ...contextArgs(context)], EXAMPLE_APP_DIR);
}

/** `cdk synth` that must fail; returns its output. */
export function cdkSynthFailure(context: Record<string, string>, outdir: string): string {
  fs.rmSync(outdir, { recursive: true, force: true });
  const result = spawnSync('npx', ['cdk', 'synth', '--quiet', '-o', outdir, ...contextArgs(context)], {
    cwd: EXAMPLE_APP_DIR, encoding: 'utf8', timeout: COMMAND_TIMEOUT_MS, env: ENV,
  });
  if (result.status === 0) throw new Error(`cdk synth ${contextArgs(context).join(' ')} succeeded; it should have failed`);
  return `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
}
