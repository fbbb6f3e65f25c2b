// The crowd test (50 runners, max_connections = 30) alone: `npm test` runs it after the other files,
// since 50 processes beside another test file overload two cores (its PostgreSQL was seen to restart).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/session/crowd.test.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    hookTimeout: 180_000,
  },
});
