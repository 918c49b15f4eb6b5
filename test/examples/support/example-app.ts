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
import { markDoneThisRun, oncePerRun } from './once-per-run';

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

/** `npm run examples:install`, once per jest run (the packed library does not change during one). Call inside `withExampleAppLock`. */
export function installExampleApp(): void {
  oncePerRun('examples-install', () => run('npm', ['run', 'examples:install'], REPO_ROOT).seconds);
}

export const CERTIFICATE_ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012';

/** The example app's four configurations: the stack each synthesizes and its context. */
export const APP_VARIANTS = {
  dev: { stack: 'OrdersWorkflow-dev', context: {} as Record<string, string> },
  staging: { stack: 'OrdersWorkflow-staging', context: { envName: 'staging' } as Record<string, string> },
  prod: { stack: 'OrdersWorkflow-prod', context: { envName: 'prod' } as Record<string, string> },
  prodDomain: {
    stack: 'OrdersWorkflow-prod',
    context: { envName: 'prod', domainName: 'orders.example.com', certificateArn: CERTIFICATE_ARN } as Record<string, string>,
  },
};
export type AppVariantName = keyof typeof APP_VARIANTS;
export const APP_VARIANT_NAMES = Object.keys(APP_VARIANTS) as AppVariantName[];

export interface SynthesizedExampleApp {
  /** How long `npm run synth` took (pack, install, frontend build, type check, dev synth). */
  readonly synthSeconds: number;
  /** Each variant's cloud assembly: dev in examples/app/cdk.out, as `npm run synth` leaves it. */
  readonly dirs: Record<AppVariantName, string>;
}

/**
 * `npm run synth` (dev), then staging, prod and prod on a custom domain from the same install,
 * once per jest run: the synth test reads the templates, the cdk-nag test the reports the app
 * writes on every synth, from the same assemblies.
 */
export function synthesizeExampleApp(): Promise<SynthesizedExampleApp> {
  return withExampleAppLock(() => oncePerRun('example-app-variants', (): SynthesizedExampleApp => {
    const cdkOut = path.join(EXAMPLE_APP_DIR, 'cdk.out');
    fs.rmSync(cdkOut, { recursive: true, force: true });
    const synthSeconds = run('npm', ['run', 'synth'], REPO_ROOT).seconds;
    markDoneThisRun('examples-install', synthSeconds);
    const dirs = { dev: cdkOut } as Record<AppVariantName, string>;
    for (const name of APP_VARIANT_NAMES.filter((variant) => variant !== 'dev')) {
      dirs[name] = path.join(REPO_ROOT, 'test-output', 'example-app-synth', name);
      cdkSynth(APP_VARIANTS[name].context, dirs[name]);
    }
    return { synthSeconds, dirs };
  }));
}
