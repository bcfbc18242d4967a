// Where create-ml-ci-cd's start-up goes: the built bundle under `node --cpu-prof`, self time per
// bundled package, and what each command loads. Usage: node bench/profile.mjs [--runs 5] [--node <path>]
// (see bench/README.md). Writes bench/profile.md and bench/profile.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { importTs, machine, median, repoRoot } from './lib.mjs';

const { values: flags } = parseArgs({ options: { runs: { type: 'string', default: '5' }, node: { type: 'string', default: process.execPath } } });
const RUNS = Number(flags.runs);
if (!(RUNS >= 3)) throw new Error('--runs must be at least 3.');

const packageDir = join(repoRoot, 'packages/create-ml-ci-cd');
const dist = join(packageDir, 'dist');
const built = spawnSync(process.execPath, ['build.mjs'], { cwd: packageDir, stdio: 'inherit' });
if (built.status !== 0) process.exit(1);
const { features } = await importTs('packages/core/src/index.ts');

/** For each chunk of dist/: the bundled module starting at each line (esbuild marks each with a `// path` line). */
const chunks = Object.fromEntries(
  readdirSync(dist)
    .filter((f) => f.endsWith('.js'))
    .map((file) => {
      const lines = readFileSync(join(dist, file), 'utf8').split('\n');
      const starts = lines.flatMap((line, i) => (/^\/\/ \S+\.(m?[jt]s|json)$/.test(line) ? [[i, line.slice(3)]] : []));
      return [file, { bytes: lines.join('\n').length, starts }];
    }),
);

/** A bundled module's package: the npm package, or our own workspace. */
function packageOf(modulePath) {
  const npm = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(modulePath);
  if (npm) return npm[1];
  const ours = /^(?:\.\.\/)*(packages\/[^/]+|generators\/[^/]+|core|src)\//.exec(modulePath.replace(/^(\.\.\/)+/, ''));
  return ours ? `(ours) ${ours[1].replace(/^src$/, 'packages/create-ml-ci-cd')}` : `(ours) ${modulePath}`;
}

function whereIs(url, line) {
  const file = url.split('/').pop();
  if (!url.startsWith('file://') || !url.includes('/dist/') || !chunks[file]) {
    if (!url) return '(node: compiling, native code)';
    return url.startsWith('node:') ? '(node: built-in modules)' : '(node: other)';
  }
  const { starts } = chunks[file];
  let module = '(chunk runtime)';
  for (const [start, path] of starts) {
    if (start > line) break;
    module = path;
  }
  return module === '(chunk runtime)' ? module : packageOf(module);
}

/** One profiled run: self milliseconds per package, and the chunks it executed code in. */
function profile(args) {
  const dir = mkdtempSync(join(tmpdir(), 'cmlcicd-prof-'));
  try {
    const result = spawnSync(flags.node, ['--cpu-prof', '--cpu-prof-interval', '200', '--cpu-prof-dir', join(dir, 'prof'), join(packageDir, 'index.js'), ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', NODE_DISABLE_COMPILE_CACHE: '1' },
    });
    if (result.status !== 0) throw new Error(`create-ml-ci-cd ${args.join(' ')} failed: ${result.stderr}`);
    const [file] = readdirSync(join(dir, 'prof'));
    const { nodes, samples, timeDeltas } = JSON.parse(readFileSync(join(dir, 'prof', file), 'utf8'));
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const self = {};
    const loaded = new Set();
    samples.forEach((id, i) => {
      const { url, lineNumber, functionName } = byId.get(id).callFrame;
      const key = functionName === '(garbage collector)' ? '(node: GC)' : functionName === '(idle)' ? '(node: idle)' : whereIs(url, lineNumber);
      self[key] = (self[key] ?? 0) + (timeDeltas[i] ?? 0) / 1000;
    });
    for (const { callFrame } of nodes) if (callFrame.url.includes('/dist/')) loaded.add(callFrame.url.split('/').pop());
    return { self, loaded, total: timeDeltas.reduce((a, b) => a + b, 0) / 1000 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const commands = {
  '--version': ['--version'],
  '--help': ['--help'],
  'default project': ['app', '--yes', '--no-git'],
  'every feature': ['app', '--yes', '--no-git', ...features.map((f) => `--${f.name}`)],
};
profile(['--version']); // warm the OS file cache, untimed
const results = {};
for (const [label, args] of Object.entries(commands)) {
  const runs = Array.from({ length: RUNS }, () => profile(args));
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.self)))];
  const self = Object.fromEntries(keys.map((k) => [k, median(runs.map((r) => r.self[k] ?? 0))]).sort((a, b) => b[1] - a[1]));
  const loaded = [...new Set(runs.flatMap((r) => [...r.loaded]))].sort();
  results[label] = { totalMs: median(runs.map((r) => r.total)), self, loaded, loadedKb: loaded.reduce((sum, f) => sum + chunks[f].bytes, 0) / 1024 };
  process.stderr.write(`${label}: ${results[label].totalMs.toFixed(0)} ms\n`);
}

/** Packages only the generator chunk brings: Yeoman, its in-memory file system and what they use. */
const runChunk = Object.keys(chunks).find((f) => f.startsWith('run-'));
const yeomanSide = new Set(chunks[runChunk].starts.map(([, path]) => packageOf(path)).filter((p) => !p.startsWith('(ours)')));
for (const r of Object.values(results)) r.yeomanSideMs = Object.entries(r.self).reduce((sum, [name, ms]) => sum + (yeomanSide.has(name) ? ms : 0), 0);

// Report: one table of totals, one of where the time of a scaffold goes.
const top = (label, n) => Object.entries(results[label].self).slice(0, n);
const info = machine();
const markdown = [
  `Medians of ${RUNS} runs under \`node --cpu-prof\` (200 µs samples, compile cache off), ${new Date().toISOString().slice(0, 10)}, Node ${spawnSync(flags.node, ['--version'], { encoding: 'utf8' }).stdout.trim()}, ${info.cpus} CPUs (load ${info.loadavg.join(' ')}); \`node bench/profile.mjs --runs ${RUNS}\`.`,
  '',
  '| command | profiled time | bundle loaded | chunks | self time in the generator chunk\'s packages |',
  '|---|---|---|---|---|',
  ...Object.entries(results).map(([label, r]) => `| \`${label}\` | ${r.totalMs.toFixed(0)} ms | ${r.loadedKb.toFixed(0)} kB | ${r.loaded.length} of ${Object.keys(chunks).length} | ${r.yeomanSideMs.toFixed(1)} ms |`),
  '',
  `The generator chunk's packages: ${[...yeomanSide].sort().join(', ')}.`,
  '',
  'Self time by package (a bundled package is the code esbuild copied from it), every feature:',
  '',
  '| package | every feature | default project | `--help` |',
  '|---|---|---|---|',
  ...top('every feature', 16).map(([name, ms]) => `| ${name} | ${ms.toFixed(1)} ms | ${(results['default project'].self[name] ?? 0).toFixed(1)} ms | ${(results['--help'].self[name] ?? 0).toFixed(1)} ms |`),
  '',
].join('\n');
mkdirSync(join(repoRoot, 'bench'), { recursive: true });
writeFileSync(join(repoRoot, 'bench/profile.json'), `${JSON.stringify({ date: new Date().toISOString(), runs: RUNS, machine: info, results }, null, 2)}\n`);
writeFileSync(join(repoRoot, 'bench/profile.md'), markdown);
console.log(`\n${markdown}`);
