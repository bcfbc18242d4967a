import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { repoRoot } from './cli.js';

/**
 * Bundle paused-create.ts (our workspaces from source, npm packages left to node_modules) into a
 * folder one level below the CLI package, as dist/ is: the CLI finds its package.json and built
 * templates/ there, and the npm packages resolve. Returns the file to run with node.
 */
export async function pausedCli(): Promise<string> {
  const outdir = join(repoRoot, 'packages/create-ml-ci-cd/.test-build');
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, 'paused-create.mjs');
  await build({
    entryPoints: [join(repoRoot, 'test/support/paused-create.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    logLevel: 'error',
    plugins: [
      {
        name: 'npm-packages-external',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@create-ml-ci-cd/') ? undefined : { path: args.path, external: true }));
        },
      },
    ],
  });
  return outfile;
}
