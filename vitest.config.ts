import { defineConfig } from 'vitest/config';

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    include: ['server/**/*.test.ts', 'schema/**/*.test.ts', 'scripts/**/*.test.ts', '{survey,admin}-ui/src/**/*.test.{ts,tsx}'],
    exclude: ['**/*.e2e.test.ts', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
