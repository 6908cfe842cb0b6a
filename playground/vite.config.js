import { defineConfig } from 'vite';

// A static site: `npm run build` writes dist/, which any static file server can serve (the page
// makes no request after load). The sample files are read from ../docs and ../tests at build
// time; entra-csa's web entry loads its .wasm with `new URL(..., import.meta.url)`, which Vite
// emits as an asset, so the package is kept out of dependency pre-bundling.
export default defineConfig({
  base: './',
  server: { host: '127.0.0.1', fs: { allow: ['..'] } },
  preview: { host: '127.0.0.1' },
  optimizeDeps: { exclude: ['entra-csa'] },
  build: { target: 'es2022', chunkSizeWarningLimit: 1024 },
});
