// create-ml-ci-cd against create-vite, both served by one local registry (verdaccio).
// Usage: node bench/run.mjs [--runs 7] [--no-build] [--features a,b] [--node <path>] [--out <name>]   (see bench/README.md)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { importTs, machine, measure, median, repoRoot, requireGnuTime } from './lib.mjs';

const { values: flags } = parseArgs({
  options: { runs: { type: 'string', default: '7' }, build: { type: 'boolean', default: true }, features: { type: 'string' }, node: { type: 'string', default: process.execPath }, out: { type: 'string', default: 'results' } },
  allowNegative: true,
});
const RUNS = Number(flags.runs);
if (!(RUNS >= 5)) throw new Error('--runs must be at least 5.');
const VITE = { name: 'create-vite', version: '9.3.0' };
// Issue 20's targets; the direct scaffold has one for the default project and one for every feature.
const TARGETS = { coldCreate: 1.1, directDefault: 1.3, directAll: 1.4, memory: 1.2 };
// --node: the Node that runs both tools' bins in the direct scenarios (npm create uses npm's).
const NODE = flags.node;

requireGnuTime();
const packageDir = join(repoRoot, 'packages/create-ml-ci-cd');
if (flags.build) {
  const built = spawnSync(process.execPath, ['build.mjs'], { cwd: packageDir, stdio: 'inherit' });
  if (built.status !== 0) process.exit(1);
}
const { startRegistry } = await importTs('test/support/registry.ts');
const { features } = await importTs('packages/core/src/index.ts');

const work = mkdtempSync(join(tmpdir(), 'cmlcicd-bench-'));
const temp = (prefix) => mkdtempSync(join(work, prefix));
const npm = (args, cwd, env) => {
  const result = spawnSync('npm', args, { cwd, env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
};
const untar = (tarball) => {
  const dir = temp('unpacked-');
  spawnSync('tar', ['xzf', tarball, '-C', dir]);
  return join(dir, 'package');
};

// 1. The two tarballs: ours packed from the build, create-vite's as published upstream.
const ours = JSON.parse(npm(['pack', '--json', '--pack-destination', work], packageDir))[0];
const oursTarball = join(work, ours.filename);
const theirs = JSON.parse(npm(['pack', '--json', `${VITE.name}@${VITE.version}`], work))[0];
const viteTarball = join(work, theirs.filename);
const size = (p) => ({ packedBytes: p.size, unpackedBytes: p.unpackedSize, files: p.entryCount });

// 2. One registry serving both, neither proxied.
const registry = await startRegistry({ local: ['create-ml-ci-cd', VITE.name] });
let results;
try {
  const { version } = await registry.publish(oursTarball);
  await registry.publish(viteTarball);
  const oursBin = join(untar(oursTarball), 'index.js');
  const viteBin = join(untar(viteTarball), 'index.js');

  // Default: every feature of the registry.
  const allFeatures = (flags.features?.split(',') ?? features.map((f) => f.name)).map((name) => `--${name}`);
  const viteArgs = ['--template', 'vanilla-ts', '--no-interactive', '--no-immediate'];
  const env = (cache) => registry.env({ cache, extra: { NO_COLOR: '1' } });
  const warmCache = { ours: registry.freshCache(), vite: registry.freshCache() };

  /** Each scenario: ours and vite, each a function of a fresh target directory. */
  const scenarios = {
    'npm create, empty cache': {
      ours: (cwd) => ['npm', ['create', `ml-ci-cd@${version}`, '--', 'app', '--yes', '--no-git'], env(registry.freshCache())],
      vite: (cwd) => ['npm', ['create', `vite@${VITE.version}`, '--', 'app', ...viteArgs], env(registry.freshCache())],
    },
    'npm create, warm cache': {
      ours: (cwd) => ['npm', ['create', `ml-ci-cd@${version}`, '--', 'app', '--yes', '--no-git'], env(warmCache.ours)],
      vite: (cwd) => ['npm', ['create', `vite@${VITE.version}`, '--', 'app', ...viteArgs], env(warmCache.vite)],
    },
    'direct, default project': {
      ours: () => [NODE, [oursBin, 'app', '--yes', '--no-git'], env()],
      vite: () => [NODE, [viteBin, 'app', ...viteArgs], env()],
    },
    // The same without Node's compile cache (index.js turns it on; a no-op before Node 22.1).
    'direct, default project, no compile cache': {
      ours: () => [NODE, [oursBin, 'app', '--yes', '--no-git'], { ...env(), NODE_DISABLE_COMPILE_CACHE: '1' }],
      vite: () => [NODE, [viteBin, 'app', ...viteArgs], { ...env(), NODE_DISABLE_COMPILE_CACHE: '1' }],
    },
    'direct, all features': {
      ours: () => [NODE, [oursBin, 'app', '--yes', '--no-git', ...allFeatures], env()],
      vite: () => [NODE, [viteBin, 'app', ...viteArgs], env()],
    },
  };
  const run = (scenario, who) => {
    const cwd = temp('run-');
    const [command, args, runEnv] = scenarios[scenario][who](cwd);
    return measure(command, args, { cwd, env: runEnv });
  };

  // Prime the warm caches (and the OS file cache) once, untimed.
  for (const scenario of Object.keys(scenarios)) for (const who of ['ours', 'vite']) run(scenario, who);

  // 3. Interleaved: every round runs every scenario for both, alternating who goes first.
  const samples = Object.fromEntries(Object.keys(scenarios).map((s) => [s, { ours: [], vite: [] }]));
  for (let round = 0; round < RUNS; round++) {
    for (const scenario of Object.keys(scenarios)) {
      for (const who of round % 2 ? ['vite', 'ours'] : ['ours', 'vite']) samples[scenario][who].push(run(scenario, who));
    }
    process.stderr.write(`round ${round + 1}/${RUNS}\n`);
  }

  const rows = Object.entries(samples).map(([scenario, { ours, vite }]) => {
    const row = {
      scenario,
      ours: Object.fromEntries(['seconds', 'cpuSeconds', 'rssKb'].map((k) => [k, median(ours.map((s) => s[k]))])),
      vite: Object.fromEntries(['seconds', 'cpuSeconds', 'rssKb'].map((k) => [k, median(vite.map((s) => s[k]))])),
    };
    row.timeRatio = row.ours.seconds / row.vite.seconds;
    row.cpuRatio = row.ours.cpuSeconds / row.vite.cpuSeconds;
    row.memoryRatio = row.ours.rssKb / row.vite.rssKb;
    return row;
  });
  const row = (name) => rows.find((r) => r.scenario === name);
  const memoryWorst = Math.max(...rows.map((r) => r.memoryRatio));
  const targets = [
    { target: `cold npm create <= ${TARGETS.coldCreate}x create-vite`, ratio: row('npm create, empty cache').timeRatio, limit: TARGETS.coldCreate },
    { target: `direct, default project <= ${TARGETS.directDefault}x create-vite`, ratio: row('direct, default project').timeRatio, limit: TARGETS.directDefault },
    { target: `direct, all features <= ${TARGETS.directAll}x create-vite`, ratio: row('direct, all features').timeRatio, limit: TARGETS.directAll },
    { target: `peak memory <= ${TARGETS.memory}x create-vite`, ratio: memoryWorst, limit: TARGETS.memory },
  ].map((t) => ({ ...t, met: t.ratio <= t.limit }));
  results = {
    date: new Date().toISOString(),
    command: `node bench/run.mjs --runs ${RUNS}${flags.features ? ` --features ${flags.features}` : ''}${NODE !== process.execPath ? ` --node ${NODE}` : ''}`,
    directNode: spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout.trim(),
    allFeatures,
    runs: RUNS,
    machine: machine(),
    tarballs: { 'create-ml-ci-cd': { version, ...size(ours) }, [VITE.name]: { version: VITE.version, ...size(theirs) } },
    rows,
    targets,
    samples,
  };
} finally {
  await registry.stop();
  rmSync(work, { recursive: true, force: true });
}

// 4. Report.
const s = (x) => `${x.toFixed(2)} s`;
const mb = (kb) => `${(kb / 1024).toFixed(0)} MB`;
const kB = (bytes) => `${(bytes / 1024).toFixed(0)} kB`;
const { tarballs } = results;
const markdown = [
  `Medians of ${RUNS} interleaved runs, ${results.date.slice(0, 10)}, Node ${results.machine.node} (direct scenarios: ${results.directNode}), npm ${results.machine.npm}, ${results.machine.cpus} CPUs (load ${results.machine.loadavg.join(' ')}); \`${results.command}\`.`,
  '',
  '| scenario | wall: create-ml-ci-cd | create-vite | ratio | CPU: ours | vite | ratio | peak RSS: ours | vite | ratio |',
  '|---|---|---|---|---|---|---|---|---|---|',
  ...results.rows.map(
    (r) =>
      `| ${r.scenario} | ${s(r.ours.seconds)} | ${s(r.vite.seconds)} | **${r.timeRatio.toFixed(2)}x** | ${s(r.ours.cpuSeconds)} | ${s(r.vite.cpuSeconds)} | ${r.cpuRatio.toFixed(2)}x | ${mb(r.ours.rssKb)} | ${mb(r.vite.rssKb)} | **${r.memoryRatio.toFixed(2)}x** |`,
  ),
  '',
  '| tarball | packed | unpacked | files |',
  '|---|---|---|---|',
  ...Object.entries(tarballs).map(([name, t]) => `| ${name}@${t.version} | ${kB(t.packedBytes)} | ${kB(t.unpackedBytes)} | ${t.files} |`),
  '',
  '| target | measured | |',
  '|---|---|---|',
  ...results.targets.map((t) => `| ${t.target} | ${t.ratio.toFixed(2)}x | ${t.met ? 'met' : '**missed**'} |`),
  '',
].join('\n');
mkdirSync(join(repoRoot, 'bench'), { recursive: true });
writeFileSync(join(repoRoot, `bench/${flags.out}.json`), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(repoRoot, `bench/${flags.out}.md`), markdown);
console.log(`\n${markdown}`);
console.log(`Wrote bench/${flags.out}.json and bench/${flags.out}.md.`);
if (results.targets.some((t) => !t.met)) process.exitCode = 1;
