/**
 * The Python bindings check: jsii-pacmak generates the bindings, the machine's pip + setuptools
 * build them into a wheel, and pyright type-checks Python files (the example app, the README's
 * Python blocks) against the wheel's content plus typed `aws_cdk` and `constructs` modules
 * generated from the installed npm packages.
 *
 * Run: `npx projen test:python [file.py ...]` (default: examples/python/app.py).
 * Why each step is done the way it is: docs/python-and-packaging.md.
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { withLockSync } from '../../examples/support/locks';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
/** Generated dependency bindings, keyed by package version + pacmak version; git-ignored. */
export const CACHE_DIR = path.join(REPO_ROOT, '.cache', 'python-bindings');
/** Where the wheel lands, next to what a release's `package:python` produces; git-ignored. */
export const WHEEL_DIR = path.join(REPO_ROOT, 'dist', 'python');
/** Typing stubs for the jsii runtime and `publication` (PyPI is unreachable here). */
export const STUBS_DIR = path.join(__dirname, 'typings');
export const DEFAULT_FILES = [path.join(REPO_ROOT, 'examples', 'python', 'app.py')];

const BIN = path.join(REPO_ROOT, 'node_modules', '.bin');
/** Only these dependencies are imported by user code; see docs for the three left out. */
const DEPENDENCY_PACKAGES = ['aws-cdk-lib', 'constructs'];
/** What the generated bindings declare as their minimum Python (`python_requires`). */
const PYTHON_VERSION = '3.10';

export type Log = (line: string) => void;

export interface Diagnostic {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  readonly severity: string;
  readonly rule?: string;
  readonly message: string;
}

export interface PyrightResult {
  readonly filesAnalyzed: number;
  /** Errors and warnings that fail the check. */
  readonly problems: Diagnostic[];
  /**
   * Errors dropped because they are the known jsii/pyright protocol false positive: a class that
   * jsii declares as implementing an interface, rejected by pyright only because a method's
   * parameter names differ between the TypeScript interface and class (aws/jsii#4541).
   */
  readonly ignored: Diagnostic[];
}

export interface PreparedBindings {
  /** The interpreter whose pip + setuptools + wheel built the wheel. */
  readonly python: string;
  readonly wheel: string;
  /** The wheel unpacked (what `pip install --no-deps` would put in site-packages). */
  readonly siteDir: string;
  /** Generated `aws_cdk` and `constructs` source trees. */
  readonly dependencySrcDirs: string[];
  /** This run's own folder (pyright's configurations). */
  readonly scratchDir: string;
  readonly timings: Record<string, number>;
  /** Removes this run's scratch folder (the wheel in dist/python and the cache stay). */
  cleanup(): void;
}

// ---------------------------------------------------------------------------------------------
// Python and pip
// ---------------------------------------------------------------------------------------------

/**
 * The first interpreter that can build a wheel offline: setuptools plus either the `wheel`
 * package or setuptools >= 70.1 (which has bdist_wheel built in). pyenv's default Python here
 * has setuptools 65 without `wheel`; Debian's /usr/bin/python3 has both. `$PYTHON` wins.
 */
export function findWheelBuildingPython(): string {
  const candidates = [process.env.PYTHON, 'python3', 'python', '/usr/bin/python3'].filter((c): c is string => !!c);
  const probe = [
    'import importlib.util, setuptools',
    'v = tuple(int(p) for p in setuptools.__version__.split(".")[:2])',
    'ok = importlib.util.find_spec("wheel") is not None or v >= (70, 1)',
    'import sys; sys.exit(0 if ok else 3)',
  ].join('\n');
  const tried: string[] = [];
  for (const candidate of [...new Set(candidates)]) {
    const result = spawnSync(candidate, ['-c', probe], { encoding: 'utf8' });
    if (result.status === 0) return candidate;
    tried.push(`${candidate}: ${result.error ? 'not found' : result.status === 3 ? 'no wheel/bdist_wheel' : 'no setuptools'}`);
  }
  throw new Error('No Python can build a wheel offline (needs pip, setuptools and `wheel`, or setuptools >= 70.1). ' +
    `Tried ${tried.join('; ')}. Install them (e.g. apt-get install python3-setuptools python3-wheel) or set $PYTHON.`);
}

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status}${result.error ? `, ${result.error.message}` : ''}):\n` +
      `${result.stdout ?? ''}\n${result.stderr ?? ''}`);
  }
  return result.stdout;
}

function pacmakPython(jsiiPackage: string, outDir: string): void {
  run(path.join(BIN, 'jsii-pacmak'), ['--target', 'python', '--code-only', '--outdir', outDir, jsiiPackage], REPO_ROOT);
}

function timed<T>(timings: Record<string, number>, name: string, fn: () => T): T {
  const start = Date.now();
  try {
    return fn();
  } finally {
    timings[name] = (Date.now() - start) / 1000;
  }
}

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true })
    .flatMap(e => e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]);
}

function packageDir(name: string): string {
  return path.dirname(require.resolve(`${name}/package.json`, { paths: [REPO_ROOT] }));
}

function packageVersion(dir: string): string {
  return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
}

// ---------------------------------------------------------------------------------------------
// Dependency bindings (aws_cdk, constructs): generated once per version, then cached
// ---------------------------------------------------------------------------------------------

/**
 * `python/src` of the generated bindings of an npm jsii package, from the cache when present.
 * The output is a pure function of the assembly (pinned by the package version) and of the
 * generator (pinned by the jsii-pacmak version), so both are the key. Written to a scratch folder
 * and renamed into place, so concurrent runs (jest workers) never see half an output.
 */
export function dependencyBindings(name: string, log: Log = () => {}): { srcDir: string; cached: boolean; seconds: number } {
  const npmPackage = packageDir(name);
  const key = `${name.replace('/', '__')}@${packageVersion(npmPackage)}+jsii-pacmak@${packageVersion(packageDir('jsii-pacmak'))}`;
  const final = path.join(CACHE_DIR, 'deps', key);
  const srcDir = path.join(final, 'python', 'src');
  if (fs.existsSync(srcDir)) return { srcDir, cached: true, seconds: 0 };
  // Two test files may miss at once (a clean clone): one generates (~50 s of CPU), the other waits and reuses it.
  return withLockSync(`python-bindings-${name.replace('/', '__')}`, () => {
    if (fs.existsSync(srcDir)) return { srcDir, cached: true, seconds: 0 };
    return generateDependencyBindings(name, npmPackage, key, final, srcDir, log);
  });
}

function generateDependencyBindings(name: string, npmPackage: string, key: string, final: string, srcDir: string, log: Log) {
  fs.mkdirSync(path.dirname(final), { recursive: true });
  const scratch = fs.mkdtempSync(path.join(path.dirname(final), `.tmp-${name.replace('/', '__')}-`));
  log(`generating Python bindings of ${name} (cache miss: ${key})`);
  const start = Date.now();
  try {
    pacmakPython(npmPackage, scratch);
    try {
      fs.renameSync(scratch, final);
    } catch (e: any) {
      if (!fs.existsSync(srcDir)) throw e; // another run finished first: use its output
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  // Older keys of the same package are dead weight (aws-cdk-lib's output is ~170 MB).
  for (const entry of fs.readdirSync(path.dirname(final))) {
    if (entry.startsWith(`${name.replace('/', '__')}@`) && entry !== key) {
      fs.rmSync(path.join(path.dirname(final), entry), { recursive: true, force: true });
    }
  }
  return { srcDir, cached: false, seconds: (Date.now() - start) / 1000 };
}

// ---------------------------------------------------------------------------------------------
// This library: bindings -> wheel -> unpacked site folder
// ---------------------------------------------------------------------------------------------

/** Generates this library's bindings (needs a compiled `.jsii`), builds the wheel and unpacks it. */
export function prepareBindings(log: Log = () => {}): PreparedBindings {
  const timings: Record<string, number> = {};
  const assemblyFile = path.join(REPO_ROOT, '.jsii');
  if (!fs.existsSync(assemblyFile)) {
    throw new Error('No .jsii assembly: run `npx projen compile` (the Python bindings are generated from it).');
  }
  if (!JSON.parse(fs.readFileSync(assemblyFile, 'utf8')).targets?.python) {
    throw new Error('.jsii has no python target: run `npx projen` and `npx projen compile` after declaring publishToPypi.');
  }
  const newerSources = listFiles(path.join(REPO_ROOT, 'src')).filter(f => fs.statSync(f).mtimeMs > fs.statSync(assemblyFile).mtimeMs);
  if (newerSources.length > 0) {
    console.warn(`[python-bindings] .jsii is older than ${path.relative(REPO_ROOT, newerSources[0])}: ` +
      'the bindings describe the last compile; run `npx projen compile` to check the current sources.');
  }

  const python = findWheelBuildingPython();
  const dependencySrcDirs: string[] = [];
  for (const name of DEPENDENCY_PACKAGES) {
    const dep = dependencyBindings(name, log);
    timings[`pacmak ${name}${dep.cached ? ' (cached)' : ''}`] = dep.seconds;
    dependencySrcDirs.push(dep.srcDir);
  }

  fs.mkdirSync(path.join(CACHE_DIR, 'runs'), { recursive: true });
  const runDir = fs.mkdtempSync(path.join(CACHE_DIR, 'runs', 'run-'));
  const cleanup = () => fs.rmSync(runDir, { recursive: true, force: true });
  try {
    const built = selfBindings(python, runDir, timings);
    fs.mkdirSync(WHEEL_DIR, { recursive: true });
    const wheel = path.join(WHEEL_DIR, path.basename(built.wheel));
    const partial = `${wheel}.${process.pid}.partial`;
    fs.copyFileSync(built.wheel, partial);
    fs.renameSync(partial, wheel);
    return { python, wheel, siteDir: built.siteDir, dependencySrcDirs, scratchDir: runDir, timings, cleanup };
  } catch (e) {
    cleanup();
    throw e;
  }
}

/**
 * This library's wheel and its unpacked content, cached under the hash of `.jsii` (the bindings
 * are generated from it alone) and the pacmak version: the test files that check Python share
 * one generation per compile.
 */
function selfBindings(python: string, runDir: string, timings: Record<string, number>): { wheel: string; siteDir: string } {
  const assembly = fs.readFileSync(path.join(REPO_ROOT, '.jsii'));
  const key = `${createHash('sha256').update(assembly).digest('hex').slice(0, 16)}+jsii-pacmak@${packageVersion(packageDir('jsii-pacmak'))}`;
  const selfRoot = path.join(CACHE_DIR, 'self');
  const final = path.join(selfRoot, key);
  const result = () => ({ wheel: path.join(final, fs.readdirSync(final).find(f => f.endsWith('.whl'))!), siteDir: path.join(final, 'site') });
  if (fs.existsSync(path.join(final, 'site'))) {
    timings['pacmak cdk-orders-workflow (cached)'] = 0;
    return result();
  }
  return withLockSync('python-bindings-self', () => {
    if (fs.existsSync(path.join(final, 'site'))) return result();
    const generated = path.join(runDir, 'generated');
    timed(timings, 'pacmak cdk-orders-workflow', () => pacmakPython(REPO_ROOT, generated));
    const project = path.join(generated, 'python');

    // --no-build-isolation: build with the interpreter's own setuptools instead of a fresh venv
    // with setuptools~=75 from PyPI (pacmak's pyproject.toml), which is unreachable here.
    const wheelOut = path.join(runDir, 'wheel');
    timed(timings, 'wheel build', () => run(python, [
      '-m', 'pip', 'wheel', '--no-deps', '--no-build-isolation', '--no-index', '--disable-pip-version-check',
      '--wheel-dir', wheelOut, project,
    ], runDir));
    const built = fs.readdirSync(wheelOut).filter(f => f.endsWith('.whl'));
    if (built.length !== 1) throw new Error(`expected one wheel in ${wheelOut}, found ${built.join(', ') || 'none'}`);

    // A pure-Python wheel installs by unpacking; pip itself would need a writable environment.
    const scratch = path.join(runDir, 'self');
    fs.mkdirSync(scratch);
    fs.copyFileSync(path.join(wheelOut, built[0]), path.join(scratch, built[0]));
    run(python, ['-m', 'zipfile', '--extract', path.join(wheelOut, built[0]), path.join(scratch, 'site')], runDir);
    // Older compiles' bindings are dead weight.
    fs.rmSync(selfRoot, { recursive: true, force: true });
    fs.mkdirSync(selfRoot, { recursive: true });
    fs.renameSync(scratch, final);
    return result();
  });
}

export function wheelContents(python: string, wheel: string): string[] {
  return run(python, ['-c', 'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', wheel], REPO_ROOT)
    .split('\n').filter(Boolean);
}

// ---------------------------------------------------------------------------------------------
// pyright
// ---------------------------------------------------------------------------------------------

/** Type-checks `files` with pyright against the unpacked wheel and the dependency bindings. */
export function pyrightCheck(bindings: PreparedBindings, files: string[]): PyrightResult {
  const configDir = fs.mkdtempSync(path.join(bindings.scratchDir, 'pyright-'));
  const config = {
    include: files.map(f => path.relative(configDir, path.resolve(f))),
    extraPaths: [bindings.siteDir, ...bindings.dependencySrcDirs],
    stubPath: STUBS_DIR,
    pythonVersion: PYTHON_VERSION,
    typeCheckingMode: 'standard',
    // An import that does not resolve is an error, never a silent `Unknown`.
    reportMissingImports: 'error',
    reportMissingModuleSource: 'error',
    reportAttributeAccessIssue: 'error',
    reportUnusedExpression: 'warning',
  };
  fs.writeFileSync(path.join(configDir, 'pyrightconfig.json'), JSON.stringify(config, null, 2));
  const result = spawnSync(path.join(BIN, 'pyright'), ['--outputjson', '--project', configDir], {
    cwd: configDir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
  });
  let report: any;
  try {
    report = JSON.parse(result.stdout);
  } catch {
    throw new Error(`pyright did not produce a report (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  const diagnostics: Diagnostic[] = (report.generalDiagnostics ?? [])
    .filter((d: any) => d.severity === 'error' || d.severity === 'warning')
    .map((d: any) => ({
      file: d.file,
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
      severity: d.severity,
      rule: d.rule,
      message: d.message,
    }));
  const ignored = diagnostics.filter(isNominallyImplementedProtocolMismatch);
  return {
    filesAnalyzed: report.summary?.filesAnalyzed ?? 0,
    problems: diagnostics.filter(d => !ignored.includes(d)),
    ignored,
  };
}

export function formatDiagnostic(d: Diagnostic, file: string = d.file): string {
  return `${file}:${d.line}:${d.column} - ${d.severity}: ${d.message}${d.rule ? ` (${d.rule})` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// The one known false positive: jsii interfaces are typing Protocols whose methods take
// positional-or-keyword parameters, so pyright rejects an implementing class whose TypeScript
// parameter names differ from the interface's (aws/jsii#4541, aws/aws-cdk#15584, e.g.
// `SnsAction.bind(_scope, _alarm)` vs `IAlarmAction.bind(scope, alarm)`). Every Python user of
// aws-cdk-lib with pyright sees it. A diagnostic is dropped only when every
// `"X" is incompatible with protocol "Y"` it contains is a pair that jsii (i.e. the TypeScript
// compiler) declares as implementing; a wrong type, a misspelt parameter or a class that does
// not implement the interface still fails.
// ---------------------------------------------------------------------------------------------

const PROTOCOL_MISMATCH = /"([A-Za-z_][\w]*)" is incompatible with protocol "([A-Za-z_][\w]*)"/g;

function isNominallyImplementedProtocolMismatch(d: Diagnostic): boolean {
  if (d.rule !== 'reportArgumentType' && d.rule !== 'reportAssignmentType') return false;
  const pairs = [...d.message.matchAll(PROTOCOL_MISMATCH)].map(m => [m[1], m[2]] as const);
  return pairs.length > 0 && pairs.every(([cls, iface]) => jsiiImplements(cls, iface));
}

interface JsiiTypeLite { readonly fqn: string; readonly base?: string; readonly interfaces?: string[] }
let jsiiTypes: Map<string, JsiiTypeLite> | undefined;

/** `.jsii` of a package, following the `jsii/file-redirect` to a gzipped assembly. */
export function readAssembly(dir: string): any {
  const assembly = JSON.parse(fs.readFileSync(path.join(dir, '.jsii'), 'utf8'));
  if (assembly.schema !== 'jsii/file-redirect') return assembly;
  const target = fs.readFileSync(path.join(dir, assembly.filename));
  return JSON.parse((assembly.compression === 'gzip' ? zlib.gunzipSync(target) : target).toString('utf8'));
}

function allJsiiTypes(): Map<string, JsiiTypeLite> {
  if (!jsiiTypes) {
    jsiiTypes = new Map();
    for (const dir of [REPO_ROOT, ...DEPENDENCY_PACKAGES.map(packageDir)]) {
      for (const [fqn, type] of Object.entries<any>(readAssembly(dir).types ?? {})) {
        jsiiTypes.set(fqn, { fqn, base: type.base, interfaces: type.interfaces });
      }
    }
  }
  return jsiiTypes;
}

function ancestors(fqn: string, types: Map<string, JsiiTypeLite>, seen = new Set<string>()): Set<string> {
  if (seen.has(fqn)) return seen;
  seen.add(fqn);
  const type = types.get(fqn);
  for (const parent of [...(type?.base ? [type.base] : []), ...(type?.interfaces ?? [])]) ancestors(parent, types, seen);
  return seen;
}

function jsiiImplements(className: string, interfaceName: string): boolean {
  const types = allJsiiTypes();
  const simpleName = (fqn: string) => fqn.slice(fqn.lastIndexOf('.') + 1);
  for (const type of types.values()) {
    if (simpleName(type.fqn) !== className) continue;
    for (const ancestor of ancestors(type.fqn, types)) {
      if (ancestor !== type.fqn && simpleName(ancestor) === interfaceName) return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// CLI: npx projen test:python [file.py ...]
// ---------------------------------------------------------------------------------------------

export function main(argv: string[]): number {
  const files = argv.length > 0 ? argv.map(f => path.resolve(f)) : DEFAULT_FILES;
  const log: Log = line => console.log(`[python-bindings] ${line}`);
  const bindings = prepareBindings(log);
  try {
    const result = timed(bindings.timings, 'pyright', () => pyrightCheck(bindings, files));
    log(`wheel: ${path.relative(REPO_ROOT, bindings.wheel)} (built with ${bindings.python})`);
    log(`timings (s): ${Object.entries(bindings.timings).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
    for (const d of result.ignored) {
      log(`ignored (aws/jsii#4541, the class implements the interface in jsii): ${formatDiagnostic(d).split('\n')[0]}`);
    }
    if (result.filesAnalyzed !== files.length) {
      console.error(`pyright analyzed ${result.filesAnalyzed} of ${files.length} files: ${files.join(', ')}`);
      return 1;
    }
    for (const d of result.problems) console.error(formatDiagnostic(d));
    log(result.problems.length === 0
      ? `OK: ${files.map(f => path.relative(REPO_ROOT, f)).join(', ')} type-check against the bindings`
      : `FAILED: ${result.problems.length} problem(s)`);
    return result.problems.length === 0 ? 0 : 1;
  } finally {
    bindings.cleanup();
  }
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e: any) {
    console.error(`[python-bindings] ${e.message}`);
    process.exitCode = 1;
  }
}

