/**
 * Builds `cdk-orders-workflow/worker` into assets/runtime/worker/: the runtime a team's processor
 * imports, pre-bundled (Powertools and the SDK clients inlined, so a processor's project needs no
 * dependency of ours and gets no version conflict), with its declarations.
 *
 * - index.js: CommonJS bundle of lambda/worker/index.ts, minified, the handlers' esbuild flags;
 * - index.mjs: the ESM entry, re-exporting index.js's names (listed from the bundle itself);
 * - *.d.ts: the declarations of the public files only (index, public-types, permanent-order-error),
 *   which name nothing outside themselves (test/packaging/worker-runtime.test.ts checks it).
 *
 * Usage: tsx projenrc/worker-runtime.ts
 */
import { mkdirSync, rmSync, writeFileSync } from 'fs';
import { join, relative, resolve } from 'path';
import { buildSync } from 'esbuild';
import * as ts from 'typescript';
import { handlerEsbuildArgs } from './handler-bundles';

const ROOT = resolve(__dirname, '..');
const SOURCE_DIR = join(ROOT, 'lambda', 'worker');
export const WORKER_RUNTIME_DIR = join(ROOT, 'assets', 'runtime', 'worker');
/** The files whose declarations ship: the public surface, which imports only itself. */
export const PUBLIC_FILES = ['index', 'public-types', 'permanent-order-error'];

function bundle(): void {
  const alias = Object.fromEntries(Object.entries(handlerEsbuildArgs('worker'))
    .filter(([flag]) => flag.startsWith('--alias:'))
    .map(([flag, target]) => [flag.slice('--alias:'.length), resolve(ROOT, target)]));
  buildSync({
    entryPoints: [join(SOURCE_DIR, 'index.ts')],
    outfile: join(WORKER_RUNTIME_DIR, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    mainFields: ['module', 'main'],
    alias,
    metafile: false,
    logLevel: 'warning',
  });
}

function esmEntry(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const names = Object.keys(require(join(WORKER_RUNTIME_DIR, 'index.js'))).sort();
  writeFileSync(join(WORKER_RUNTIME_DIR, 'index.mjs'), [
    '// The ESM entry of cdk-orders-workflow/worker: the CommonJS bundle beside it, by name.',
    "import runtime from './index.js';",
    '',
    `export const { ${names.join(', ')} } = runtime;`,
    '',
  ].join('\n'));
}

function declarations(): void {
  const options: ts.CompilerOptions = {
    declaration: true,
    emitDeclarationOnly: true,
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    // Declarations only: `npx projen typecheck` type-checks these files with everything else.
    noCheck: true,
    esModuleInterop: true,
    skipLibCheck: true,
    types: ['node'],
    rootDir: ROOT,
  };
  const program = ts.createProgram([join(SOURCE_DIR, 'index.ts')], options);
  const wanted = new Map(PUBLIC_FILES.map((name) => [join(SOURCE_DIR, `${name}.d.ts`), join(WORKER_RUNTIME_DIR, `${name}.d.ts`)]));
  const written: string[] = [];
  const result = program.emit(undefined, (fileName, text) => {
    const target = wanted.get(resolve(ROOT, relative(ROOT, fileName)));
    if (target === undefined) return;
    writeFileSync(target, text);
    written.push(target);
  }, undefined, true);
  const errors = result.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    throw new Error(ts.formatDiagnosticsWithColorAndContext(errors, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' }));
  }
  if (written.length !== PUBLIC_FILES.length) {
    throw new Error(`Expected declarations for ${PUBLIC_FILES.join(', ')}, wrote ${written.map((f) => relative(ROOT, f)).join(', ')}`);
  }
}

function main(): void {
  rmSync(WORKER_RUNTIME_DIR, { recursive: true, force: true });
  mkdirSync(WORKER_RUNTIME_DIR, { recursive: true });
  bundle();
  esmEntry();
  declarations();
  console.log(`wrote ${relative(ROOT, WORKER_RUNTIME_DIR)}/ (index.js, index.mjs, ${PUBLIC_FILES.map((f) => `${f}.d.ts`).join(', ')})`);
}

if (require.main === module) {
  main();
}
