// The generated project's own CI cost with pip and with uv: create the venv, install
// requirements-dev.txt, train, test. Warm caches (each tool's cache is primed by an untimed run),
// a fresh copy of the same generated project for every run, interleaved.
// Usage: node bench/python-install.mjs [--runs 3]     (see bench/README.md)
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { machine, median, repoRoot } from './lib.mjs';

const { values: flags } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const RUNS = Number(flags.runs);
if (!(RUNS >= 3)) throw new Error('--runs must be at least 3.');

const work = mkdtempSync(join(tmpdir(), 'cmlcicd-pybench-'));
const python = spawnSync('python3', ['-c', 'import sys; print(sys.executable, f"{sys.version_info[0]}.{sys.version_info[1]}")'], { encoding: 'utf8' });
if (python.status !== 0) throw new Error('python3 is required.');
const [pythonPath, pythonVersion] = python.stdout.trim().split(' ');

function sh(command, args, options = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

// uv: the repo's pinned tool (scripts/setup-tools.sh), else the same pin installed into a temp venv.
let uv = join(repoRoot, '.tools/venv/bin/uv');
if (!existsSync(uv)) {
  const pin = readFileSync(join(repoRoot, 'scripts/tools-requirements.txt'), 'utf8').match(/^uv==\S+/m)?.[0] ?? 'uv';
  sh(pythonPath, ['-m', 'venv', join(work, 'uv-venv')]);
  sh(join(work, 'uv-venv/bin/python'), ['-m', 'pip', 'install', '--quiet', pin]);
  uv = join(work, 'uv-venv/bin/uv');
}
const uvVersion = spawnSync(uv, ['--version'], { encoding: 'utf8' }).stdout.trim();
const pipVersion = spawnSync(pythonPath, ['-m', 'pip', '--version'], { encoding: 'utf8' }).stdout.split(' from ')[0];

// The default project, for the Python this machine has.
const bin = join(repoRoot, 'packages/create-ml-ci-cd/index.js');
if (!existsSync(join(repoRoot, 'packages/create-ml-ci-cd/dist/cli.js'))) throw new Error('Build first: npm run build.');
sh(process.execPath, [bin, 'project', '--yes', '--no-git', '--python', pythonVersion], { cwd: work });
const project = join(work, 'project');

const caches = { pip: join(work, 'pip-cache'), uv: join(work, 'uv-cache') };
const env = { ...process.env, PIP_CACHE_DIR: caches.pip, PIP_DISABLE_PIP_VERSION_CHECK: '1', UV_CACHE_DIR: caches.uv, PYTHONDONTWRITEBYTECODE: undefined };
const steps = {
  pip: [
    ['venv', pythonPath, ['-m', 'venv', '.venv']],
    ['install', '.venv/bin/python', ['-m', 'pip', 'install', '-r', 'requirements-dev.txt']],
  ],
  uv: [
    ['venv', uv, ['venv', '--quiet', '--python', pythonPath, '.venv']],
    ['install', uv, ['pip', 'install', '--python', '.venv/bin/python', '-r', 'requirements-dev.txt']],
  ],
};
const common = [
  ['train', '.venv/bin/python', ['src/train.py']],
  ['test', '.venv/bin/python', ['-m', 'pytest', '-q']],
];

let runs = 0;
function run(tool) {
  const cwd = join(work, `run-${++runs}-${tool}`);
  cpSync(project, cwd, { recursive: true });
  const times = {};
  for (const [name, command, args] of [...steps[tool], ...common]) times[name] = sh(command.startsWith('.') ? join(cwd, command) : command, args, { cwd, env });
  times.total = Object.values(times).reduce((a, b) => a + b, 0);
  return times;
}

const samples = { pip: [], uv: [] };
try {
  for (const tool of ['pip', 'uv']) run(tool); // prime the caches
  for (let round = 0; round < RUNS; round++) {
    for (const tool of round % 2 ? ['uv', 'pip'] : ['pip', 'uv']) samples[tool].push(run(tool));
    process.stderr.write(`round ${round + 1}/${RUNS}\n`);
  }
} finally {
  rmSync(work, { recursive: true, force: true }); // a venv per run: gigabytes
}

const phases = ['venv', 'install', 'train', 'test', 'total'];
const medians = Object.fromEntries(Object.entries(samples).map(([tool, list]) => [tool, Object.fromEntries(phases.map((p) => [p, median(list.map((t) => t[p]))]))]));
const results = {
  date: new Date().toISOString(),
  command: `node bench/python-install.mjs --runs ${RUNS}`,
  machine: { ...machine(), python: pythonVersion, pip: pipVersion, uv: uvVersion },
  medians,
  ratios: Object.fromEntries(phases.map((p) => [p, medians.pip[p] / medians.uv[p]])),
  samples,
};
const markdown = [
  `Generated default project, Python ${pythonVersion}, warm caches, medians of ${RUNS} interleaved runs; ${pipVersion}, ${uvVersion}; \`${results.command}\`.`,
  '',
  `| step | pip | uv | pip / uv |`,
  '|---|---|---|---|',
  ...phases.map((p) => `| ${p} | ${medians.pip[p].toFixed(2)} s | ${medians.uv[p].toFixed(2)} s | ${results.ratios[p].toFixed(2)}x |`),
  '',
].join('\n');
mkdirSync(join(repoRoot, 'bench'), { recursive: true });
writeFileSync(join(repoRoot, 'bench/python-install.json'), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(repoRoot, 'bench/python-install.md'), markdown);
console.log(`\n${markdown}`);
console.log('Wrote bench/python-install.json and bench/python-install.md.');
