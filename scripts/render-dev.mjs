// Dev helper: render the templates with given answers into a directory, without the CLI.
// Usage: node scripts/render-dev.mjs <outdir> '{"name":"demo","features":[]}'
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

const [outDir, json = '{}'] = process.argv.slice(2);
const root = join(import.meta.dirname, '..');
const bundle = join(root, 'node_modules/.cache/render-dev.mjs');
await build({ entryPoints: [join(root, 'packages/core/src/index.ts')], bundle: true, platform: 'node', format: 'esm', outfile: bundle, logLevel: 'error', packages: 'external' });
const core = await import(bundle);
const files = core.renderProject(core.normalizeAnswers(JSON.parse(json)), join(root, 'templates'), '0.0.0-dev');
for (const [path, contents] of files) {
  mkdirSync(dirname(join(outDir, path)), { recursive: true });
  writeFileSync(join(outDir, path), contents);
}
console.log(`rendered ${files.size} files into ${outDir}`);
