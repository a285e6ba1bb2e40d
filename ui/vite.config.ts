import { defineConfig } from 'vitest/config';

// `npm run dev` proxies the API to a running Sextant (SEXTANT_API, default 127.0.0.1:7070).
const api = process.env.SEXTANT_API ?? 'http://127.0.0.1:7070';

export default defineConfig({
  esbuild: { jsx: 'automatic' },
  build: {
    // The jar's classpath folder; the server serves it at / (server/.../ui/UiService.java).
    outDir: 'target/classes/sextant-ui',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      // react-router marks its modules "use client" (for server components); harmless here.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: {
    host: '127.0.0.1',
    proxy: { '/api': api, '/health': api },
  },
  test: {
    environment: 'jsdom',
    globals: true,
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
  },
});
