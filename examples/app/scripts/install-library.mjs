#!/usr/bin/env node
/**
 * Installs the library into examples/app the way a user gets it: `npm pack` at the repository
 * root, then `npm install` of that tarball (plus aws-cdk-lib, constructs, the CDK CLI, tsx, and
 * for the processor esbuild (OrderProcessor.fromEntry bundles with it at synth) and the DynamoDB
 * client, pinned in examples/app/package.json) into examples/app/node_modules. Never `../src`.
 *
 * The library must be built first (lib/ by jsii, assets/ by esbuild). If either is missing or
 * older than its sources, this runs the root's `bundle` / `compile` tasks (CI has built them
 * already). Offline-friendly: `--prefer-offline` takes everything from the npm cache when it
 * can. Skips `npm install` when the tarball and package.json are unchanged since the last run.
 *
 * Usage: node examples/app/scripts/install-library.mjs [--force]
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(appDir, '..', '..');
const libraryDir = path.join(appDir, '.library');
const tarball = path.join(libraryDir, 'cdk-orders-workflow.tgz');
const stampFile = path.join(appDir, 'node_modules', '.cdk-orders-workflow.stamp');
const force = process.argv.includes('--force');
const started = Date.now();

function log(message) {
  console.log(`[examples:install] ${message}`);
}

function run(command, args, cwd) {
  log(`${path.relative(repoRoot, cwd) || '.'}$ ${command} ${args.join(' ')}`);
  return execFileSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
}

/** Newest modification time of the files under `dir` whose names end with one of `extensions`. */
function newestMtime(dir, extensions) {
  let newest = 0;
  if (!fs.existsSync(dir)) return newest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && extensions.some((ext) => entry.name.endsWith(ext))) {
      newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

function mtimeOrZero(file) {
  return fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0;
}

// 1. The library's build output: handler bundles (assets/) and the jsii output (lib/).
const bundles = ['api', 'worker'].map((name) => path.join(repoRoot, 'assets', 'lambda', name, 'handler', 'index.js'));
const handlerSources = Math.max(newestMtime(path.join(repoRoot, 'lambda'), ['.ts']), newestMtime(path.join(repoRoot, 'src'), ['event-contract.ts']));
if (bundles.some((bundle) => mtimeOrZero(bundle) < handlerSources)) {
  log('handler bundles missing or older than lambda/: bundling');
  run('npx', ['projen', 'bundle'], repoRoot);
}
const jsiiOutput = path.join(repoRoot, 'lib', 'index.js');
if (mtimeOrZero(jsiiOutput) < newestMtime(path.join(repoRoot, 'src'), ['.ts'])) {
  log('lib/ missing or older than src/: compiling with jsii');
  run('npx', ['projen', 'compile'], repoRoot);
}

// 2. The tarball, under a fixed name so package.json can point at it.
fs.rmSync(libraryDir, { recursive: true, force: true });
fs.mkdirSync(libraryDir, { recursive: true });
const packed = JSON.parse(run('npm', ['pack', '--json', '--silent', '--pack-destination', libraryDir], repoRoot))[0];
fs.renameSync(path.join(libraryDir, packed.filename), tarball);
log(`packed ${packed.name}@${packed.version}: ${packed.entryCount} files, ${(packed.size / 1024).toFixed(0)} KiB`);
const leaked = packed.files.map((file) => file.path).filter((file) => file.startsWith('examples/'));
if (leaked.length > 0) {
  throw new Error(`The npm tarball ships examples/ (add /examples/ to .npmignore via .projenrc.ts): ${leaked.slice(0, 5).join(', ')}`);
}

// 3. npm install in examples/app (its own node_modules), unless nothing changed.
const stamp = createHash('sha256')
  .update(fs.readFileSync(tarball))
  .update(fs.readFileSync(path.join(appDir, 'package.json')))
  .digest('hex');
const installed = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, 'utf8').trim() : '';
if (!force && installed === stamp && fs.existsSync(path.join(appDir, 'node_modules', 'cdk-orders-workflow', 'lib', 'index.js'))) {
  log('examples/app/node_modules is up to date with this tarball');
} else {
  // npm keeps a file: dependency whose spec did not change: remove it so the new tarball lands.
  fs.rmSync(path.join(appDir, 'node_modules', 'cdk-orders-workflow'), { recursive: true, force: true });
  fs.rmSync(stampFile, { force: true });
  run('npm', ['install', '--prefer-offline', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error'], appDir);
  fs.writeFileSync(stampFile, `${stamp}\n`);
}
log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
