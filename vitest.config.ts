import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    include: ['server/**/*.test.ts', 'schema/**/*.test.ts', 'scripts/**/*.test.ts', '{survey,admin}-ui/src/**/*.test.{ts,tsx}'],
    exclude: ['**/*.e2e.test.ts', 'node_modules/**'],
    // Most test time is spent waiting on child processes, sockets, fsync and PostgreSQL, not on the
    // CPU: vitest's default of one worker per CPU but one left two-core CI machines half idle.
    maxWorkers: Math.max(availableParallelism(), 3),
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
