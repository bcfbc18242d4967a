// The CLI's create command, built from source with one hook: it waits after rendering the whole
// project into its staging directory, so a test can interrupt at the worst moment. The shipped CLI
// has no such pause; this file is bundled by test/support/paused-cli.ts and run with node.
import { basename } from 'node:path';
import { create } from '../../packages/create-ml-ci-cd/src/create.js';

process.exitCode = await create(process.argv.slice(2), {
  rendered: async (staging) => {
    console.error(`[test] paused before moving ${basename(staging)} into place`);
    await new Promise((resolve) => setTimeout(resolve, 60_000));
  },
});
