import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const FIXTURE = path.join(__dirname, 'fixtures', 'entry-processor', 'processor.ts');

export interface ProcessorProject {
  readonly root: string;
  readonly entry: string;
  readonly lockFile: string;
  remove(): void;
}

/**
 * A team's CDK project as `OrderProcessor.fromEntry()` meets it, outside this repository: its own
 * package.json and lock file, the processor file, and in node_modules the two packages such a
 * project installs, `cdk-orders-workflow` (linked to this checkout, as `npm link` would) and
 * `esbuild` (the one aws-lambda-nodejs runs through `npx --no-install esbuild`).
 */
export function createProcessorProject(): ProcessorProject {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-processor-project-'));
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'team-orders-app', version: '1.0.0', private: true }));
  const lockFile = path.join(root, 'package-lock.json');
  fs.writeFileSync(lockFile, JSON.stringify({ name: 'team-orders-app', lockfileVersion: 3, requires: true, packages: {} }));
  const entry = path.join(root, 'processor.ts');
  fs.copyFileSync(FIXTURE, entry);
  const modules = path.join(root, 'node_modules');
  fs.mkdirSync(path.join(modules, '.bin'), { recursive: true });
  fs.symlinkSync(REPO_ROOT, path.join(modules, 'cdk-orders-workflow'), 'dir');
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules', 'esbuild'), path.join(modules, 'esbuild'), 'dir');
  fs.symlinkSync(path.join('..', 'esbuild', 'bin', 'esbuild'), path.join(modules, '.bin', 'esbuild'));
  return { root, entry, lockFile, remove: () => fs.rmSync(root, { recursive: true, force: true }) };
}
