/**
 * Writes API.md with jsii-docgen, from an isolated assemblies folder.
 *
 * jsii-docgen collects every `.jsii` below the folder it runs in, keyed by name@version. In a
 * checkout that includes the copy of this very package that examples/app installs from the
 * tarball, and whichever copy the glob meets last wins, so API.md could silently document a
 * stale build. The folder given to it here holds only this package's assembly, its
 * package.json and a link to the real node_modules (aws-cdk-lib, constructs).
 *
 * Usage: tsx projenrc/docgen.ts [output] (default API.md)
 */
import { copyFileSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { Documentation, Language } from 'jsii-docgen';

async function main(output: string): Promise<void> {
  const root = resolve(__dirname, '..');
  const dir = mkdtempSync(join(tmpdir(), 'orders-docgen-'));
  try {
    copyFileSync(join(root, '.jsii'), join(dir, '.jsii'));
    copyFileSync(join(root, 'package.json'), join(dir, 'package.json'));
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const docs = await Documentation.forProject(dir);
    const markdown = await docs.toMarkdown({ language: Language.TYPESCRIPT, allSubmodules: true });
    writeFileSync(resolve(output), markdown.render());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main(process.argv[2] ?? 'API.md').catch((error) => {
  console.error(error);
  process.exit(1);
});
