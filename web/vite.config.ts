import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The console is built into web/dist and served at `/` by the local runtime (and CloudFront on AWS). */
export default defineConfig(({ mode }) => ({
  root,
  // a programmatic build (web/ensure-built.ts) leaves NODE_ENV to the caller's environment: the bundle's
  // libraries (antd's dev-only warnings, React's checks) follow the build's mode instead
  define: { 'process.env.NODE_ENV': JSON.stringify(mode === 'production' ? 'production' : 'development') },
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000', '/openapi.json': 'http://127.0.0.1:3000' } },
}));
