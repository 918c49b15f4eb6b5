/**
 * Builds `cdk-orders-workflow/worker` into assets/runtime/worker/: the runtime a team's processor
 * imports, pre-bundled (Powertools and the SDK clients inlined, so a processor's project needs no
 * dependency of ours and gets no version conflict), with its declarations.
 *
 * - index.js: CommonJS bundle of lambda/worker/index.ts, minified, the handlers' esbuild flags;
 * - index.mjs: the same as an ES module bundle. A processor written with `import` resolves to it,
 *   and esbuild then hoists the runtime into the processor's bundle instead of wrapping a
 *   CommonJS module in a function, which V8 would parse twice at cold start (~10% of the
 *   worker's init, measured by `npm run bench`). The two copies share no state that matters:
 *   PermanentOrderError is recognised by a Symbol.for marker, not by class identity;
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

function bundle(format: 'cjs' | 'esm', file: string): void {
  const alias = Object.fromEntries(Object.entries(handlerEsbuildArgs('worker'))
    .filter(([flag]) => flag.startsWith('--alias:'))
    .map(([flag, target]) => [flag.slice('--alias:'.length), resolve(ROOT, target)]));
  buildSync({
    entryPoints: [join(SOURCE_DIR, 'index.ts')],
    outfile: join(WORKER_RUNTIME_DIR, file),
    bundle: true,
    platform: 'node',
    target: 'node22',
    format,
    minify: true,
    mainFields: ['module', 'main'],
    alias,
    metafile: false,
    logLevel: 'warning',
  });
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
  bundle('cjs', 'index.js');
  bundle('esm', 'index.mjs');
  declarations();
  console.log(`wrote ${relative(ROOT, WORKER_RUNTIME_DIR)}/ (index.js, index.mjs, ${PUBLIC_FILES.map((f) => `${f}.d.ts`).join(', ')})`);
}

if (require.main === module) {
  main();
}
