/**
 * Build step for index.html: the first screen (src/first-screen.tsx) rendered into #root, and
 * the app's stylesheets named in <head>. boot.ts imports the app (main.tsx) only after the first
 * paint, so without the links Vite would load the app's CSS only then, and the first screen
 * would paint unstyled. The app's modules are not named: fetched with the CSS, on a phone's
 * network they would delay the first paint (they load once it is there).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createServer, type HtmlTagDescriptor, type Plugin, type Rollup } from 'vite';

const BOOT_MESSAGE = /<p class="boot-message">[^<]*<\/p>/;

export function firstScreen(options: { readonly root: string; readonly app: string; readonly screen: string }): Plugin {
  let base = '/';
  let assetsDir = 'assets';
  /** The first screen's inline styles as a stylesheet, written next to the other assets. */
  let styles: { fileName: string; css: string } | undefined;
  return {
    name: 'orders-first-screen',
    apply: 'build',
    configResolved(config) {
      base = config.base;
      assetsDir = config.build.assetsDir;
    },
    writeBundle(output) {
      if (styles !== undefined && output.dir !== undefined) fs.writeFileSync(path.join(output.dir, styles.fileName), styles.css);
    },
    transformIndexHtml: {
      order: 'post',
      async handler(html, context) {
        const bundle = context.bundle;
        if (bundle === undefined) throw new Error('first-screen: no bundle (index.html is transformed after the build)');
        const appFile = path.resolve(options.root, options.app);
        const app = Object.values(bundle).find((output): output is Rollup.OutputChunk => output.type === 'chunk' && output.moduleIds.includes(appFile));
        if (app === undefined) throw new Error(`first-screen: no chunk for ${options.app}; boot.ts must import it`);
        const appStyles = staticStyles(app, bundle);
        if (!BOOT_MESSAGE.test(html)) throw new Error('first-screen: index.html has no boot message to replace');
        const screen = withoutInlineStyles(await renderScreen(options.root, options.screen));
        styles = screen.css === '' ? undefined
          : { fileName: path.posix.join(assetsDir, `first-screen-${createHash('sha256').update(screen.css).digest('hex').slice(0, 8)}.css`), css: screen.css };
        const stylesheets = [...appStyles, ...(styles ? [styles.fileName] : [])];
        const tags: HtmlTagDescriptor[] = [
          ...stylesheets.map((file) => ({ tag: 'link', attrs: { rel: 'stylesheet', crossorigin: true, href: base + file }, injectTo: 'head' as const })),
          ...textFaces(appStyles, bundle).map((file) => ({
            tag: 'link', attrs: { rel: 'preload', as: 'font', type: 'font/woff2', crossorigin: true, href: base + file }, injectTo: 'head' as const,
          })),
        ];
        return { html: html.replace(BOOT_MESSAGE, screen.html), tags };
      },
    },
  };
}

/** The CSS of the app chunk and of every chunk it imports statically, in load order. */
function staticStyles(entry: Rollup.OutputChunk, bundle: Rollup.OutputBundle): string[] {
  const seen = new Set<string>();
  const styles = new Set<string>();
  const visit = (chunk: Rollup.OutputChunk) => {
    if (seen.has(chunk.fileName)) return;
    seen.add(chunk.fileName);
    for (const imported of chunk.imports) {
      const next = bundle[imported];
      if (next?.type === 'chunk') visit(next);
    }
    for (const css of chunk.viteMetadata?.importedCss ?? []) styles.add(css);
  };
  visit(entry);
  return [...styles];
}

/**
 * The regular and bold upright faces (the first screen's text): fetched with the CSS instead of
 * after it, so the text paints in its own font at the first paint, not in a later repaint.
 */
function textFaces(styles: string[], bundle: Rollup.OutputBundle): string[] {
  const faces = new Set<string>();
  for (const fileName of styles) {
    const asset = bundle[fileName];
    if (asset?.type !== 'asset') continue;
    const css = typeof asset.source === 'string' ? asset.source : new TextDecoder().decode(asset.source);
    for (const [face] of css.matchAll(/@font-face\s*\{[^}]*\}/g)) {
      if (!/font-style:\s*normal/.test(face) || !/font-weight:\s*(400|700)\b/.test(face)) continue;
      const url = /url\(["']?([^"')]+\.woff2)["']?\)/.exec(face)?.[1];
      if (url === undefined || url.startsWith('data:')) throw new Error(`first-screen: a text face without a font file of its own in ${fileName}`);
      faces.add(path.posix.join(path.posix.dirname(fileName), url));
    }
  }
  return [...faces];
}

/**
 * React writes some styles as attributes (Cloudscape's layout sets a custom property that way).
 * The site's Content-Security-Policy (`style-src 'self'`) refuses style attributes in markup,
 * so each becomes a rule of a stylesheet of its own, keyed by a data attribute. `!important`
 * stands for the attribute's precedence: Cloudscape's own rules are more specific than it.
 */
function withoutInlineStyles(html: string): { html: string; css: string } {
  const rules: string[] = [];
  const rewritten = html.replace(/ style="([^"]*)"/g, (_match, declarations: string) => {
    const important = declarations.replace(/&quot;/g, '"').replace(/&amp;/g, '&').split(';').filter((declaration) => declaration.trim() !== '')
      .map((declaration) => `${declaration.trim()} !important`).join(';');
    rules.push(`[data-first-screen-style="${rules.length}"]{${important}}`);
    return ` data-first-screen-style="${rules.length - 1}"`;
  });
  return { html: rewritten, css: rules.join('\n') };
}

/** Renders the first screen with Vite's module runner (the same JSX, CSS-module and alias handling as the app). */
async function renderScreen(root: string, screen: string): Promise<string> {
  const server = await createServer({
    root,
    configFile: false,
    logLevel: 'error',
    appType: 'custom',
    server: { middlewareMode: true, hmr: false, ws: false },
    oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
    // Cloudscape's ESM imports omit file extensions: Node cannot load it as it is.
    ssr: { noExternal: [/@cloudscape-design\//] },
  });
  try {
    const module = await server.ssrLoadModule(screen) as { renderFirstScreen(): string };
    return module.renderFirstScreen();
  } finally {
    await server.close();
  }
}
