/**
 * Vite configuration of the browser app (`npm run app`, `npm run build:app`).
 * The app is a static site (relative base, so any static host or a sub-path works); the core
 * library under ../src is bundled as TypeScript source; engines run in a module Web Worker.
 */
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  worker: { format: 'es' },
  server: { port: 5173, strictPort: false, fs: { allow: ['..'] } },
  preview: { port: 4173 },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
    // The app, and the space renderer's benchmark page (bench/app.ts opens bench.html?n=10000).
    rollupOptions: { input: { main: fileURLToPath(new URL('index.html', import.meta.url)), bench: fileURLToPath(new URL('bench.html', import.meta.url)) } },
  },
});
