/**
 * Item 1: the bundles as they are in assets/ now. Every function bundle found under
 * assets/lambda/<name>/handler/index.js (not a fixed list: a new function is measured as soon
 * as it is bundled) and every CLI under assets/tools/<tool>/<entry>/index.js.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';

export interface BundleFile {
  /** `api`, `worker`, `reads`, ... for functions; `replay-dlq/cli` for tools. */
  readonly name: string;
  readonly kind: 'function' | 'tool';
  readonly file: string;
}

export interface BundleSize {
  readonly name: string;
  readonly kind: 'function' | 'tool';
  /** Repository-relative path. */
  readonly path: string;
  readonly bytes: number;
  /** What the zip Lambda stores is closer to this than to the raw size. */
  readonly gzipBytes: number;
}

export function findBundles(repoRoot: string): BundleFile[] {
  const bundles: BundleFile[] = [];
  const lambdaDir = path.join(repoRoot, 'assets', 'lambda');
  for (const name of listDirs(lambdaDir)) {
    const file = path.join(lambdaDir, name, 'handler', 'index.js');
    if (fs.existsSync(file)) bundles.push({ name, kind: 'function', file });
  }
  const toolsDir = path.join(repoRoot, 'assets', 'tools');
  for (const tool of listDirs(toolsDir)) {
    for (const entry of listDirs(path.join(toolsDir, tool))) {
      const file = path.join(toolsDir, tool, entry, 'index.js');
      if (fs.existsSync(file)) bundles.push({ name: `${tool}/${entry}`, kind: 'tool', file });
    }
  }
  if (!bundles.some((bundle) => bundle.kind === 'function')) {
    throw new Error(`No function bundle under ${lambdaDir}: run \`npx projen bundle\` first (\`npm run bench\` does).`);
  }
  return bundles;
}

export function bundleSize(bundle: BundleFile, repoRoot: string): BundleSize {
  const content = fs.readFileSync(bundle.file);
  return {
    name: bundle.name,
    kind: bundle.kind,
    path: path.relative(repoRoot, bundle.file),
    bytes: content.length,
    gzipBytes: gzipSync(content, { level: 9 }).length,
  };
}

function listDirs(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
}
