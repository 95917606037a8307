/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev` proxies the API and SDK routes to a running `switchyard serve`
// (SWITCHYARD_URL, default http://127.0.0.1:8080), so the dev server is same-origin too.
const target = process.env.SWITCHYARD_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      '/api': target,
      '/sdk': { target, ws: true },
      '/ofrep': target,
      '/healthz': target,
    },
  },
  build: {
    outDir: 'dist',
    chunkSizeWarningLimit: 1500,
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}', 'scripts/**/*.test.mjs'],
    css: false,
    // Tests that type into forms take seconds on a busy 2-core machine (make test runs them beside
    // other work); 5 s (the default) failed them for load alone. Tests assert behaviour, not time.
    testTimeout: 20_000,
  },
});
