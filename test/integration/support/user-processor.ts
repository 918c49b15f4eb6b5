/**
 * A team's processor project as the integration tests build it: a temporary directory outside
 * the repository holding the processor's .ts file, a package.json and a lock file, and a
 * node_modules whose `cdk-orders-workflow` is a symlink to this checkout (so the file imports
 * `cdk-orders-workflow/worker` through the package's `exports`, as an installed package
 * resolves) and whose `@aws-sdk` is a symlink to the repo's (the team's own SDK dependency).
 * `OrderProcessor.fromEntry` bundles it with aws-lambda-nodejs and the repo's esbuild.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

export interface UserProject {
  readonly dir: string;
  readonly entry: string;
  readonly lockFile: string;
}

export function createUserProject(processorSource: string, prefix = 'orders-user-processor-'): UserProject {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'team-processor', version: '1.0.0', private: true }, null, 2));
  const lockFile = path.join(dir, 'package-lock.json');
  fs.writeFileSync(lockFile, JSON.stringify({ name: 'team-processor', version: '1.0.0', lockfileVersion: 3, requires: true, packages: {} }, null, 2));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(REPO_ROOT, path.join(dir, 'node_modules', 'cdk-orders-workflow'), 'dir');
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules', '@aws-sdk'), path.join(dir, 'node_modules', '@aws-sdk'), 'dir');
  const entry = path.join(dir, 'processor.ts');
  fs.writeFileSync(entry, processorSource);
  return { dir, entry, lockFile };
}
