import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// Unit tests (*.test.ts) run in parallel; integration tests (*.int.test.ts) start the real
// server or chDB and run one file at a time, each in its own process (chDB allows one data
// directory per process).
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['src/**/*.test.ts', 'bench/**/*.test.ts'], exclude: ['**/*.int.test.ts'] } },
      // The web app's components, in a simulated DOM.
      { plugins: [react()], test: { name: 'web', include: ['web/src/**/*.test.{ts,tsx}'], environment: 'jsdom' } },
      {
        test: {
          name: 'int',
          include: ['src/**/*.int.test.ts', 'test/**/*.int.test.ts'],
          pool: 'forks',
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
