import { defineConfig } from 'vitest/config';

// TZ=UTC is set by the npm scripts; every test gets its own in-memory database.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest would use one worker on a 2-core machine; most integration and browser tests wait on
    // their peers (cupsd, ippeveprinter, scanimage, Chromium), so two files at a time (not Vitest's one) keep both
    // cores busy; more made timing-sensitive browser tests flaky under load.
    maxWorkers: 2,
    env: { TZ: 'UTC' },
  },
});
