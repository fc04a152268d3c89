import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The web UI, built into web/dist and served by `gantry serve` (src/api/web-ui-routes.ts).
 * `npm run web:dev` proxies the API to a server on GANTRY_DEV_API (http://127.0.0.1:8080 unless set).
 */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    proxy: { '/api': process.env.GANTRY_DEV_API ?? 'http://127.0.0.1:8080' },
  },
});
