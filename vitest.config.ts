import { defineConfig } from 'vitest/config';

// TZ=UTC is set by the npm scripts; every test gets its own in-memory database.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    env: { TZ: 'UTC' },
  },
});
