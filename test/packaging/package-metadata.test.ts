/**
 * Construct Hub readiness: the metadata Construct Hub and npm show (and index the package by),
 * and a README that renders. Construct Hub lists jsii packages carrying the `awscdk` keyword and
 * renders the README and API docs from the tarball's `.jsii`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { extractCodeBlocks } from './snippets/code-blocks';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');

describe('package.json', () => {
  test('is found by Construct Hub and npm search: keywords and a description', () => {
    expect(manifest.name).toBe('cdk-orders-workflow');
    expect(manifest.keywords).toEqual(expect.arrayContaining(['cdk', 'awscdk', 'aws-cdk']));
    expect(manifest.description).toMatch(/CDK/);
    expect(manifest.description.length).toBeGreaterThanOrEqual(40);
  });

  test('names its repository, license, author and stability', () => {
    expect(manifest.repository).toEqual({ type: 'git', url: expect.stringMatching(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/) });
    expect(manifest.license).toBe('Apache-2.0');
    const license = fs.readFileSync(path.join(REPO_ROOT, 'LICENSE'), 'utf8');
    expect(license).toContain('Apache License');
    expect(license).toContain('Version 2.0');
    expect(manifest.author).toEqual(expect.objectContaining({ name: expect.any(String), email: expect.stringContaining('@') }));
    expect(['experimental', 'stable', 'deprecated']).toContain(manifest.stability);
    expect(manifest.publishConfig).toEqual(expect.objectContaining({ access: 'public' }));
  });

  test('publishes the Python bindings too (jsii target)', () => {
    expect(manifest.jsii.targets.python).toEqual({ distName: 'cdk-orders-workflow', module: 'cdk_orders_workflow' });
  });

  test('takes aws-cdk-lib and constructs as peers, and builds against the lowest version it accepts', () => {
    expect(manifest.dependencies ?? {}).toEqual({});
    for (const peer of ['aws-cdk-lib', 'constructs']) {
      const range: string = manifest.peerDependencies[peer];
      expect(range).toMatch(/^\^\d+\.\d+\.\d+$/);
      expect(manifest.devDependencies[peer]).toBe(range.slice(1));
    }
    expect(manifest.main).toBe('lib/index.js');
    expect(manifest.types).toBe('lib/index.d.ts');
  });
});

describe('the compiled assembly (.jsii), what Construct Hub reads', () => {
  const assemblyFile = path.join(REPO_ROOT, '.jsii');

  test('carries the same metadata, the README and the Python target', () => {
    if (!fs.existsSync(assemblyFile)) throw new Error('No .jsii: run `npx projen compile` first.');
    const assembly = JSON.parse(fs.readFileSync(assemblyFile, 'utf8'));
    expect(assembly.name).toBe(manifest.name);
    expect(assembly.description).toBe(manifest.description);
    expect(assembly.license).toBe(manifest.license);
    expect(assembly.repository.url).toBe(manifest.repository.url);
    expect(assembly.keywords).toEqual(expect.arrayContaining(['cdk', 'awscdk', 'aws-cdk']));
    expect(assembly.targets.python).toEqual(manifest.jsii.targets.python);
    expect(assembly.readme?.markdown?.length).toBeGreaterThan(500);
  });
});

describe('README.md renders', () => {
  test('starts with the package title and is not the projen placeholder', () => {
    expect(readme.split('\n').find(l => l.trim() !== '')).toMatch(/^# \S/);
    expect(readme).not.toMatch(/^# replace this/m);
    expect(readme.length).toBeGreaterThan(2000);
  });

  test('closes every code fence and names the language of every block (highlighting, Python transliteration)', () => {
    const blocks = extractCodeBlocks(readme, 'README.md');
    expect(blocks.length).toBeGreaterThan(0);
    expect(blocks.filter(b => b.language === '').map(b => `README.md:${b.firstLine - 1}`)).toEqual([]);
  });

  test('links only to files that exist', () => {
    const outside = extractCodeBlocks(readme).reduce((text, b) => text.replace(b.code, ''), readme);
    const targets = [...outside.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map(m => m[1])
      .filter(t => !/^(https?:|mailto:|#)/.test(t))
      .map(t => t.split('#')[0]);
    expect(targets.filter(t => !fs.existsSync(path.join(REPO_ROOT, t)))).toEqual([]);
  });
});
