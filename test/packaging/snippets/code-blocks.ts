/**
 * Fenced code blocks of a Markdown document, and the checks that keep the README's TypeScript and
 * Python usage blocks compiling.
 *
 * The convention (docs/python-and-packaging.md):
 * - ```ts / ```typescript blocks are compiled with `tsc --noEmit` (strict) against the built
 *   library (`cdk-orders-workflow` resolves to lib/index.d.ts). Each block is a whole module:
 *   it imports what it uses.
 * - ```python / ```py blocks are type-checked with pyright against the generated Python bindings.
 * - Add `nocompile` to the info string (```ts nocompile) to show a block that is not meant to
 *   compile (a fragment, pseudo-code). Other languages (bash, json, sql, ...) are never checked.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Diagnostic, prepareBindings, pyrightCheck, REPO_ROOT } from '../python/python-bindings';

export type CheckedLanguage = 'typescript' | 'python';

export interface CodeBlock {
  /** Normalised: 'typescript', 'python', or the info string's first word in lower case. */
  readonly language: string;
  /** The whole info string after the fence (`ts nocompile` -> `ts nocompile`). */
  readonly info: string;
  readonly code: string;
  /** 1-based line in the document of the block's first code line (the line after the fence). */
  readonly firstLine: number;
  /** True when the info string carries `nocompile`. */
  readonly skip: boolean;
}

const LANGUAGE_ALIASES: Record<string, string> = { ts: 'typescript', typescript: 'typescript', python: 'python', py: 'python' };
export const SKIP_FLAG = 'nocompile';

/**
 * Fenced blocks per CommonMark: a line of 3+ backticks or tildes opens a block, a line of the same
 * character at least as long (and nothing else) closes it; the fence's indentation is removed from
 * the code lines (blocks in list items). CRLF is accepted. An unclosed fence is an error, not a
 * silently unchecked block.
 */
export function extractCodeBlocks(markdown: string, source = 'markdown'): CodeBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: CodeBlock[] = [];
  let open: { fence: string; indent: number; info: string; startIndex: number; code: string[] } | undefined;
  lines.forEach((line, index) => {
    if (!open) {
      const opening = /^(\s*)(`{3,}|~{3,})\s*([^`]*)$/.exec(line);
      if (opening) open = { indent: opening[1].length, fence: opening[2], info: opening[3].trim(), startIndex: index, code: [] };
      return;
    }
    const closing = /^\s*(`{3,}|~{3,})\s*$/.exec(line);
    if (closing && closing[1][0] === open.fence[0] && closing[1].length >= open.fence.length) {
      const word = open.info.split(/\s+/)[0].toLowerCase();
      blocks.push({
        language: LANGUAGE_ALIASES[word] ?? word,
        info: open.info,
        code: open.code.join('\n') + '\n',
        firstLine: open.startIndex + 2,
        skip: open.info.split(/[\s,{}]+/).includes(SKIP_FLAG),
      });
      open = undefined;
      return;
    }
    open.code.push(line.slice(Math.min(open.indent, /^\s*/.exec(line)![0].length)));
  });
  if (open) throw new Error(`${source}:${open.startIndex + 1}: code fence ${open.fence} is never closed`);
  return blocks;
}

export function checkedBlocks(blocks: CodeBlock[], language: CheckedLanguage): CodeBlock[] {
  return blocks.filter(b => b.language === language && !b.skip);
}

/** A block to check, with the document it came from (for error positions). */
export interface SourcedBlock {
  readonly source: string;
  readonly block: CodeBlock;
}

export interface BlockError {
  readonly source: string;
  /** 1-based line in the source document. */
  readonly line: number;
  readonly column: number;
  readonly text: string;
}

function scratchDir(kind: string): string {
  const root = path.join(REPO_ROOT, '.cache', 'snippets');
  fs.mkdirSync(root, { recursive: true });
  // Inside the repository so `aws-cdk-lib` and `constructs` resolve from its node_modules.
  return fs.mkdtempSync(path.join(root, `${kind}-`));
}

function fileName(b: SourcedBlock, index: number, ext: string): string {
  return `${path.basename(b.source).replace(/[^\w]/g, '_')}_block${index}_L${b.block.firstLine}.${ext}`;
}

/**
 * Compiles TypeScript blocks in one `tsc --noEmit` run; errors carry the document line.
 * Each block is its own module (an `export {}` is appended), so blocks never see each other.
 */
export function compileTypeScriptBlocks(blocks: SourcedBlock[]): BlockError[] {
  const dir = scratchDir('ts');
  try {
    const files = blocks.map((b, i) => {
      const file = fileName(b, i, 'ts');
      fs.writeFileSync(path.join(dir, file), `${b.block.code}export {};\n`);
      return file;
    });
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'ES2022',
        lib: ['es2022'],
        module: 'nodenext',
        moduleResolution: 'nodenext',
        types: ['node'],
        skipLibCheck: true,
        // What a consumer gets from `npm install cdk-orders-workflow`: the built declarations.
        paths: {
          'cdk-orders-workflow': [path.join(REPO_ROOT, 'lib', 'index.d.ts')],
          'cdk-orders-workflow/worker': [path.join(REPO_ROOT, 'assets', 'runtime', 'worker', 'index.d.ts')],
        },
      },
      files,
    }, null, 2));
    const result = spawnSync(path.join(REPO_ROOT, 'node_modules', '.bin', 'tsc'), ['--project', dir, '--pretty', 'false'], { cwd: dir, encoding: 'utf8' });
    const output = `${result.stdout}${result.stderr}`;
    const errors: BlockError[] = [];
    for (const line of output.split('\n')) {
      const m = /^(.+?)\((\d+),(\d+)\): (error .*)$/.exec(line.trim());
      if (!m) continue;
      const index = files.indexOf(path.basename(m[1]));
      const b = blocks[index];
      errors.push(b
        ? { source: b.source, line: b.block.firstLine + Number(m[2]) - 1, column: Number(m[3]), text: m[4] }
        : { source: m[1], line: Number(m[2]), column: Number(m[3]), text: m[4] });
    }
    if (result.status !== 0 && errors.length === 0) {
      throw new Error(`tsc failed without a located error (exit ${result.status}):\n${output}`);
    }
    return errors;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Type-checks Python blocks with pyright against the freshly built bindings; errors carry the document line. */
export function typeCheckPythonBlocks(blocks: SourcedBlock[]): { errors: BlockError[]; ignored: BlockError[] } {
  const dir = scratchDir('py');
  const bindings = prepareBindings();
  try {
    const files = blocks.map((b, i) => {
      const file = path.join(dir, fileName(b, i, 'py'));
      fs.writeFileSync(file, b.block.code);
      return file;
    });
    const result = pyrightCheck(bindings, files);
    if (result.filesAnalyzed !== files.length) {
      throw new Error(`pyright analyzed ${result.filesAnalyzed} of ${files.length} blocks`);
    }
    const toError = (d: Diagnostic): BlockError => {
      const b = blocks[files.indexOf(d.file)];
      const text = `${d.severity}: ${d.message}${d.rule ? ` (${d.rule})` : ''}`;
      return b
        ? { source: b.source, line: b.block.firstLine + d.line - 1, column: d.column, text }
        : { source: d.file, line: d.line, column: d.column, text };
    };
    return { errors: result.problems.map(toError), ignored: result.ignored.map(toError) };
  } finally {
    bindings.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function formatBlockError(e: BlockError): string {
  return `${path.relative(REPO_ROOT, e.source) || e.source}:${e.line}:${e.column} - ${e.text}`;
}
