/**
 * The README's usage snippets cannot rot: every ```ts block compiles against the built library and
 * every ```python block type-checks against the generated bindings (convention:
 * snippets/code-blocks.ts). A fixture proves the extractor and that both checks can fail.
 *
 * Needs `npx projen compile` (lib/ and .jsii); the build runs it before the tests.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  checkedBlocks, compileTypeScriptBlocks, extractCodeBlocks, formatBlockError, SourcedBlock, typeCheckPythonBlocks,
} from './snippets/code-blocks';

jest.setTimeout(6 * 60_000);

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const README = path.join(REPO_ROOT, 'README.md');
const FIXTURE = path.join(__dirname, 'fixtures', 'snippets.md');
/** The docs pages with usage snippets: checked the same way. */
const DOCS = ['python-and-packaging.md', 'http-api.md', 'operations.md', 'security.md', 'processors.md', 'stages.md']
  .map(page => path.join(REPO_ROOT, 'docs', page)).filter(f => fs.existsSync(f));

const readme = extractCodeBlocks(fs.readFileSync(README, 'utf8'), README);
const fixture = extractCodeBlocks(fs.readFileSync(FIXTURE, 'utf8'), FIXTURE);
const sourced = (source: string, blocks: typeof readme): SourcedBlock[] => blocks.map(block => ({ source, block }));
const docs = DOCS.map(file => ({ file, blocks: extractCodeBlocks(fs.readFileSync(file, 'utf8'), file) }));
const docsBlocks = (language: 'typescript' | 'python') => docs.flatMap(d => sourced(d.file, checkedBlocks(d.blocks, language)));

describe('the code block extractor', () => {
  test('finds backtick and tilde fences, aliases, indented blocks and the nocompile flag', () => {
    expect(fixture.map(b => [b.language, b.firstLine, b.skip])).toEqual([
      ['typescript', 7, false],
      ['typescript', 15, false],
      ['typescript', 23, true],
      ['python', 27, false],
      ['python', 37, false],
      ['python', 45, true],
      ['bash', 49, false],
    ]);
    // The list item's indentation is removed, so the Python block is valid Python.
    expect(fixture[4].code.split('\n')[0]).toBe('from aws_cdk import App, Stack');
  });

  test('handles CRLF, longer closing fences and fences inside longer fences', () => {
    const md = '# t\r\n````md\r\n```ts\r\nnot a block\r\n```\r\n````\r\n\r\n```TypeScript\r\nconst a = 1;\r\n`````\r\n';
    expect(extractCodeBlocks(md).map(b => [b.language, b.firstLine, b.code])).toEqual([
      ['md', 3, '```ts\nnot a block\n```\n'],
      ['typescript', 9, 'const a = 1;\n'],
    ]);
  });

  test('rejects an unclosed fence instead of silently skipping the rest', () => {
    expect(() => extractCodeBlocks('text\n```ts\nconst a = 1;\n', 'X.md')).toThrow('X.md:2: code fence ``` is never closed');
  });
});

describe('README.md and the docs pages', () => {
  test('has TypeScript and Python usage blocks to check', () => {
    expect(checkedBlocks(readme, 'typescript').length).toBeGreaterThanOrEqual(1);
    expect(checkedBlocks(readme, 'python').length).toBeGreaterThanOrEqual(1);
  });

  test('TypeScript blocks compile against the built library, and a wrong prop fails', () => {
    const errors = compileTypeScriptBlocks([
      ...sourced(README, checkedBlocks(readme, 'typescript')),
      ...docsBlocks('typescript'),
      ...sourced(FIXTURE, checkedBlocks(fixture, 'typescript')),
    ]);
    expect(errors.filter(e => e.source !== FIXTURE).map(formatBlockError)).toEqual([]);
    // The fixture's bad block: reported at the fixture's line 19, naming the prop.
    const fixtureErrors = errors.filter(e => e.source === FIXTURE);
    expect(fixtureErrors).toHaveLength(1);
    expect(fixtureErrors[0].line).toBe(19);
    expect(fixtureErrors[0].text).toMatch(/error TS\d+: .*'batchSise' does not exist in type 'OrdersWorkflowProps'/);
  });

  test('Python blocks type-check against the generated bindings, and a wrong type fails', () => {
    const { errors, ignored } = typeCheckPythonBlocks([
      ...sourced(README, checkedBlocks(readme, 'python')),
      ...docsBlocks('python'),
      ...sourced(FIXTURE, checkedBlocks(fixture, 'python')),
    ]);
    if (ignored.length > 0) console.log(`ignored (aws/jsii#4541):\n${ignored.map(e => formatBlockError(e).split('\n')[0]).join('\n')}`);
    expect(errors.filter(e => e.source !== FIXTURE).map(formatBlockError)).toEqual([]);
    const fixtureErrors = errors.filter(e => e.source === FIXTURE);
    expect(fixtureErrors).toHaveLength(1);
    expect(fixtureErrors[0].line).toBe(41);
    expect(fixtureErrors[0].text).toMatch(/Argument of type "Literal\['5'\]" cannot be assigned to parameter "max_receive_count"/);
  });
});
