import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

// The renderer is served from two places: Electron's app:// protocol (and file://)
// and the web host's http://127.0.0.1. Relative asset URLs (base './') work in both.
export default defineConfig({
  root: here,
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // The strict CSP (script-src 'self') forbids inline scripts and data: scripts;
    // keep every asset a file.
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2022',
  },
});
