import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The break test spawns the real CLI and the lint tools for every scenario.
    testTimeout: 600_000,
    hookTimeout: 120_000,
    // @actions/workflow-parser imports its JSON schemas without `with { type: 'json' }`, which Node
    // refuses (tsx, which runs the targets, does not mind); let Vite load it instead.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
});
