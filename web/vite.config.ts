import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const page = (name: string) => fileURLToPath(new URL(`./${name}/index.html`, import.meta.url));

// One build, three pages: each HTML entry lands at dist/<page>/index.html and all hashed assets in
// dist/assets/, which the server serves under /assets/ with an immutable cache header.
export default defineConfig({
  root: webRoot,
  base: '/',
  publicDir: false,
  plugins: [preact({ devToolsEnabled: false, prerender: { enabled: false } })],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    // Chromium-based kiosk browsers only; modern output keeps the bundle small.
    target: 'es2022',
    // The polyfill would be an inline script, which the Content-Security-Policy forbids.
    modulePreload: { polyfill: false },
    // Inline `data:` assets are allowed for images only; keep fonts/CSS as files.
    assetsInlineLimit: 0,
    reportCompressedSize: false,
    rolldownOptions: {
      input: { terminal: page('terminal'), station: page('station'), staff: page('staff') },
      output: {
        // Readable names in the network panel: catalogs by language, the rest is the shared kit.
        chunkFileNames: (chunk) => (/^[a-z]{2}$/.test(chunk.name) ? 'assets/i18n-[name]-[hash].js' : 'assets/shared-[hash].js'),
        assetFileNames: (asset) => (asset.names.some((name) => name.endsWith('.css')) ? 'assets/shared-[hash][extname]' : 'assets/[name]-[hash][extname]'),
      },
    },
  },
});
