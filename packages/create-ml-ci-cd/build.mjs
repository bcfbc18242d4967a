// Build the published package: bundle the CLI (with the core and the generator) into dist/, and
// copy the repo's templates/ into the package so `npm pack` ships them.
import { cpSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const here = (path) => new URL(path, import.meta.url).pathname;

rmSync(here('dist'), { recursive: true, force: true });
rmSync(here('templates'), { recursive: true, force: true });
cpSync(here('../../templates'), here('templates'), { recursive: true });

await build({
  entryPoints: [here('src/cli.ts')],
  outdir: here('dist'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  // Bundle our workspaces; leave installed packages external for now.
  plugins: [
    {
      name: 'external-node-modules',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) =>
          args.path.startsWith('@create-ml-ci-cd/') ? undefined : { path: args.path, external: true },
        );
      },
    },
  ],
  logLevel: 'warning',
});
