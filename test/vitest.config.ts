import { defineConfig } from 'vitest/config';

// Nx sets FORCE_COLOR for its tasks; with the NO_COLOR the tests pass to the CLI, Node then prints a
// warning on stderr that the spawned CLI's one-line-error assertions would count. Workers and the
// processes they spawn inherit this environment.
delete process.env.FORCE_COLOR;

// These tests spawn the real CLI, real git and real Python: generous timeouts, no timing assertions.
export default defineConfig({
  test: { testTimeout: 120_000, hookTimeout: 300_000 },
});
