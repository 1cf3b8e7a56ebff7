import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**'],
    pool: 'forks',
    // Two cores: two files at a time, each with its own database.
    maxWorkers: 2,
    minWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: { NODE_ENV: 'test' },
    // TEST_WALL_CLOCK=<ISO instant> runs the suite with the process clock moved there.
    setupFiles: ['test/setup/wall-clock.ts'],
    reporters: ['default'],
  },
});
