import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));
/** The gateway the dev server proxies API calls to: FIG_URL (as for the CLI), else `npm start`'s 8080. */
const gateway = process.env.FIG_URL ?? 'http://127.0.0.1:8080';

// The SPA is served by the gateway at /app/ (web/dist) and by Vite in development.
export default defineConfig({
  root,
  base: '/app/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': gateway,
      '/_fig': gateway,
      '/healthz': gateway,
    },
  },
});
