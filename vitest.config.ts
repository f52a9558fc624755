import os from 'node:os';
import { defineConfig } from 'vitest/config';

// Flow files each boot an app against their own database; one worker per core, and at least two.
const maxWorkers = Math.max(2, os.availableParallelism());

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers,
    reporters: ['default'],
    projects: [
      {
        // Beside the code: pure functions, no PostgreSQL, no server.
        extends: true,
        test: { name: 'unit', include: ['src/**/*.test.ts'], testTimeout: 30_000 },
      },
      {
        // Through a real server, a real PostgreSQL and the fakes.
        extends: true,
        test: {
          name: 'flow',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/helpers/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
