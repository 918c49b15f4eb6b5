/**
 * API.md (jsii-docgen, run by the build's post-compile) is complete and current, and the TSDoc it
 * is generated from gives every public type, prop and property a sentence and every optional prop
 * a `@default`. Reads the compiled `.jsii`: run `npx projen compile` (and `npx projen docgen`)
 * first; the build does both before the tests.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

jest.setTimeout(2 * 60_000);

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const PROPS_FQN = 'cdk-orders-workflow.OrdersWorkflowProps';
const CONSTRUCT_FQN = 'cdk-orders-workflow.OrdersWorkflow';

interface Docs { summary?: string; remarks?: string; default?: string }
interface Property { name: string; optional?: boolean; docs?: Docs }
interface Parameter { name: string; docs?: Docs }
interface JsiiType {
  fqn: string;
  kind: string;
  docs?: Docs;
  properties?: Property[];
  initializer?: { parameters?: Parameter[] };
  methods?: Array<{ name: string; docs?: Docs; parameters?: Parameter[] }>;
}

const assemblyFile = path.join(REPO_ROOT, '.jsii');
const apiMdFile = path.join(REPO_ROOT, 'API.md');

function readAssembly(): { types: Record<string, JsiiType> } {
  if (!fs.existsSync(assemblyFile)) throw new Error('No .jsii: run `npx projen compile` first.');
  return JSON.parse(fs.readFileSync(assemblyFile, 'utf8'));
}

/**
 * A summary a reader can use: a whole sentence. jsii cuts the summary at the first sentence end,
 * so a doc comment whose first sentence ends in `:` or `;` shows as `pipeline:.` or `ending in /;`.
 */
function summaryProblem(docs: Docs | undefined): string | undefined {
  const summary = docs?.summary?.trim() ?? '';
  if (summary.length === 0) return 'no summary';
  if (summary.split(/\s+/).length < 3) return `summary too short: "${summary}"`;
  if (/[:;,]\.?$/.test(summary)) return `summary is not a whole sentence: "${summary}"`;
  if (!/[.!?)`]$/.test(summary)) return `summary does not end a sentence: "${summary}"`;
  return undefined;
}

/** Every documentation gap of the public API, one line each. */
function docProblems(types: Record<string, JsiiType>): string[] {
  const problems: string[] = [];
  for (const type of Object.values(types)) {
    const where = type.fqn.replace('cdk-orders-workflow.', '');
    const own = summaryProblem(type.docs);
    if (own) problems.push(`${where}: ${own}`);
    for (const property of type.properties ?? []) {
      const problem = summaryProblem(property.docs);
      if (problem) problems.push(`${where}.${property.name}: ${problem}`);
      if (type.kind === 'interface' && property.optional && !property.docs?.default?.trim()) {
        problems.push(`${where}.${property.name}: optional prop without @default`);
      }
    }
    for (const parameter of type.initializer?.parameters ?? []) {
      if (!parameter.docs?.summary?.trim()) problems.push(`${where} constructor parameter ${parameter.name}: no @param description`);
    }
    for (const method of type.methods ?? []) {
      const problem = summaryProblem(method.docs);
      if (problem) problems.push(`${where}.${method.name}(): ${problem}`);
    }
  }
  return problems.sort();
}

/** Gaps allowed in the public TSDoc: none (the test fails on any new one). */
const KNOWN_GAPS: string[] = [];

describe('the TSDoc of the public API (.jsii)', () => {
  const types = readAssembly().types;

  test('exports the construct and its props', () => {
    expect(types[CONSTRUCT_FQN]?.kind).toBe('class');
    expect(types[PROPS_FQN]?.kind).toBe('interface');
  });

  test('every prop of OrdersWorkflowProps has a summary and, being optional, a @default', () => {
    const props = types[PROPS_FQN].properties ?? [];
    expect(props.length).toBeGreaterThan(0);
    const missing = props.filter(p => !p.docs?.summary?.trim() || (p.optional && !p.docs?.default?.trim())).map(p => p.name);
    expect(missing).toEqual([]);
  });

  test('every public property of OrdersWorkflow has a summary', () => {
    const properties = types[CONSTRUCT_FQN].properties ?? [];
    expect(properties.length).toBeGreaterThan(0);
    expect(properties.filter(p => !p.docs?.summary?.trim()).map(p => p.name)).toEqual([]);
  });

  test('has no documentation gaps beyond the known, reported ones', () => {
    expect(docProblems(types)).toEqual(KNOWN_GAPS);
  });
});

describe('API.md', () => {
  test('is what jsii-docgen generates from the current .jsii (run `npx projen docgen` if not)', () => {
    expect(fs.existsSync(apiMdFile)).toBe(true);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-docgen-'));
    try {
      const fresh = path.join(dir, 'API.md');
      // The build's own docgen (an isolated assemblies folder; see projenrc/docgen.ts).
      execFileSync(path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), ['projenrc/docgen.ts', fresh], { cwd: REPO_ROOT, stdio: 'pipe' });
      // A mismatch prints as a diff of the two documents.
      expect(fs.readFileSync(apiMdFile, 'utf8')).toEqual(fs.readFileSync(fresh, 'utf8'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('documents every prop and every public property with its summary and default', () => {
    const apiMd = fs.readFileSync(apiMdFile, 'utf8');
    const assemblyTypes = readAssembly().types;
    for (const [fqn, type] of [[PROPS_FQN, assemblyTypes[PROPS_FQN]], [CONSTRUCT_FQN, assemblyTypes[CONSTRUCT_FQN]]] as const) {
      for (const property of type.properties ?? []) {
        expect(apiMd).toContain(`id="${fqn}.property.${property.name}"`);
        expect(apiMd).toContain(property.docs!.summary!);
        // jsii-docgen drops the leading '- ' of a descriptive default ("- a new custom event bus").
        if (property.docs?.default) expect(apiMd).toContain(`- *Default:* ${property.docs.default.replace(/^-\s*/, '').split('\n')[0]}`);
      }
    }
  });
});
