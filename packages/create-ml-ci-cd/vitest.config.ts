import { defineConfig } from 'vitest/config';

// Nx sets FORCE_COLOR for its tasks; Node warns on stderr when a spawned CLI also gets NO_COLOR.
delete process.env.FORCE_COLOR;

export default defineConfig({
  test: { testTimeout: 120_000, hookTimeout: 300_000 },
});
