/**
 * The example app's dev stack on the local runner with the built console in Chromium, as the
 * console's browser tests use it: the app synthesized with the shared frontend build (once per
 * jest run), the runner started from that template, the site served on port 5173 (the local
 * API's CORS origin, so the tests take turns on it) with the config.json and CSP the deployed
 * site has.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from './chromium';
import { cdkSynth, installExampleApp, REPO_ROOT, withExampleAppLock } from './example-app';
import { sharedFrontendBuild } from './frontend-build';
import { acquireLock } from './locks';
import { oncePerRun } from './once-per-run';
import { StaticServer, startStaticServer } from './static-server';
import { contentSecurityPolicy } from '../../../examples/app/lib/content-security-policy';
import { configFromLocalOutputs } from '../../../examples/app/lib/local-runner-config';
import { LocalWorkflow, LogLine, startLocalWorkflow } from '../../../scripts/local';

export const EXAMPLE_STACK = 'OrdersWorkflow-dev';
export const SITE_HOST = '127.0.0.1';
export const SITE_PORT = 5173;
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-output', 'screenshots');

export interface ExampleOnLocalRunner {
  readonly workflow: LocalWorkflow;
  readonly outputs: Record<string, string>;
  /** The synthesized app (cloud assembly) the runner runs. */
  readonly appDir: string;
  readonly site: StaticServer;
  /** What the site serves as /config.json. */
  readonly config: Record<string, unknown>;
  readonly browser: Browser;
  /** The runner's lines (API Gateway's decisions included), written to test-output/<logName> by `stop`. */
  readonly logLines: LogLine[];
  stop(): Promise<void>;
}

/** `cdk synth` of the example app's dev stack around the shared frontend build, once per jest run. */
async function exampleDevStack(): Promise<string> {
  const distDir = await sharedFrontendBuild();
  const appDir = path.join(REPO_ROOT, 'test-output', 'browser-example-app');
  return withExampleAppLock(() => oncePerRun('example-dev-stack', () => {
    installExampleApp();
    cdkSynth({ envName: 'dev', frontendDist: distDir }, appDir);
    return appDir;
  }));
}

export async function startExampleOnLocalRunner(logName: string): Promise<ExampleOnLocalRunner> {
  const distDir = await sharedFrontendBuild();
  const appDir = await exampleDevStack();
  const logLines: LogLine[] = [];
  // Undone in reverse order by stop(), or at once when a later step fails.
  const undo: Array<() => unknown> = [
    () => fs.writeFileSync(path.join(REPO_ROOT, 'test-output', logName), logLines.map((entry) => `[${entry.source}] ${entry.line}`).join('\n')),
  ];
  const stop = async () => {
    for (const step of undo.splice(0).reverse()) await step();
  };
  try {
    const workflow = await startLocalWorkflow({
      port: 0,
      // The worker's timeout is half of it: 3 s, so a cold start on a busy machine does not time an attempt out.
      visibilityTimeoutSeconds: 6,
      quiet: true,
      onLog: (line) => logLines.push(line),
      template: { appDir, stackName: EXAMPLE_STACK },
    });
    undo.push(() => workflow.stop());
    const browser = await launchChromium();
    undo.push(() => browser.close());
    const outputs = workflow.outputs as unknown as Record<string, string>;
    undo.push(await acquireLock('site-port-5173'));
    const config = { ...configFromLocalOutputs(outputs), region: 'us-east-1', failureInjection: true };
    const site = await startStaticServer({
      root: distDir,
      host: SITE_HOST,
      port: SITE_PORT,
      config,
      // What CloudFront sends, with the local API and the emulator (Cognito) as the origins.
      contentSecurityPolicy: contentSecurityPolicy([new URL(workflow.apiUrl).origin, new URL(workflow.emulatorEndpoint).origin]),
    });
    undo.push(() => site.close());
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    return { workflow, outputs, appDir, site, config, browser, logLines, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
