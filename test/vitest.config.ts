import { defineConfig } from 'vitest/config';

// These tests spawn the real CLI, real git and real Python: generous timeouts, no timing assertions.
export default defineConfig({
  test: { testTimeout: 120_000, hookTimeout: 300_000 },
});
