import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { pageStyles } from './page-styles.ts';
import { ASSETS_PATH } from './serving.ts';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The console is built into web/dist and served at `/` by the local runtime (and CloudFront on AWS). */
export default defineConfig({
  root,
  base: '/',
  plugins: [react(), pageStyles()],
  build: {
    outDir: 'dist',
    assetsDir: ASSETS_PATH.slice(1, -1),
    emptyOutDir: true,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000', '/openapi.json': 'http://127.0.0.1:3000' } },
});
