import { defineConfig } from 'vite';

// React + TypeScript without @vitejs/plugin-react: Vite 8's built-in Oxc transform compiles
// TSX with React's automatic runtime (no Fast Refresh; edits reload the page).
export default defineConfig({
  base: '/',
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'react' },
  },
  server: {
    port: 5173,
    strictPort: true,
    // The form imports the API's own validation rules from lambda/shared (and their one
    // import from src/); react and zod come from the repository root's node_modules.
    fs: {
      allow: ['.', '../../lambda/shared', '../../src/event-contract.ts', '../../node_modules'],
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Everything but index.html lands under assets/ with a content hash (cached for a year
    // by CloudFront); no public/ folder, so nothing unhashed sits next to index.html.
    assetsDir: 'assets',
    assetsInlineLimit: 0,
  },
});
