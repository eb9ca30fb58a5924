import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('./renderer', import.meta.url)),
  // Relative asset paths: the same build loads from the app's custom protocol and from the browser host.
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    // Loaded from disk or the clinic's LAN, and the contract's zod schemas validate forms
    // before they are sent: one bundle of this size is cheaper than the requests to split it.
    chunkSizeWarningLimit: 1024,
  },
});
