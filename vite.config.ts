import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * Builds the end-user web pages (Hub, OAuth callback) and connect.js into dist/web/.
 *
 * Served by the server under the static prefix /web/:
 *   dist/web/hub/index.html       → GET /embedded/integrations, GET /embedded/hub
 *   dist/web/callback/index.html  → GET /embedded/accounts/callback
 *   dist/web/dashboard/index.html → GET /dashboard, /dashboard/* (the project admin's dashboard)
 *   dist/web/connect.js           → GET /web/connect.js (and /stackone/connect.js)
 *   dist/web/assets/*             → GET /web/assets/* (hashed, immutable)
 */
const root = fileURLToPath(new URL('./src/web/', import.meta.url));

/**
 * Two builds into one folder, so that the end-user pages and the dashboard share no chunk (each
 * page loads one script; a module both import, such as the category labels, is copied into each):
 * `vite build` (the end-user pages, emptying dist/web/) then `SWITCHBOARD_WEB_BUILD=dashboard vite build`.
 */
const dashboardBuild = process.env.SWITCHBOARD_WEB_BUILD === 'dashboard';
const inputs = dashboardBuild
  ? { dashboard: `${root}dashboard/index.html` }
  : {
      hub: `${root}hub/index.html`,
      callback: `${root}callback/index.html`,
      connect: `${root}connect/connect.ts`,
    };

export default defineConfig({
  root,
  base: '/web/',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('./dist/web/', import.meta.url)),
    emptyOutDir: !dashboardBuild,
    target: 'es2020',
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    rollupOptions: {
      input: inputs,
      output: {
        // connect.js is loaded by third-party pages with a plain <script src>: stable name, no hash.
        entryFileNames: (chunk) => (chunk.name === 'connect' ? 'connect.js' : 'assets/[name]-[hash].js'),
        // The Hub's catalogues other than English: one file each, fetched only for that language.
        chunkFileNames: (chunk) =>
          chunk.facadeModuleId?.includes('/shared/i18n/')
            ? 'assets/locale-[name]-[hash].js'
            : 'assets/[name]-[hash].js',
      },
    },
  },
});
