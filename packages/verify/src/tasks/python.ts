import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RECORD_FILE, findPython, probePython, versions } from '@create-ml-ci-cd/core';
import { checksDir, tool, toolsBin, verifyDir, type TaskContext } from './context.js';

/**
 * The interpreter for a scenario's venv: the project's Python found as the CLI's `--install` finds
 * it (core's findPython: pyenv's `versions/3.X.*`, then `python3.X` on PATH), else the host's
 * `python3`. The project's files (workflow, pyproject, Dockerfile) say 3.X either way; when the host
 * lacks it only the local venv differs, and setup's result and the summary record both.
 */
export function hostPython(wanted: string): { path: string; version: string; matches: boolean } {
  const found = findPython(wanted);
  if (found) return { ...found, matches: true };
  const fallback = probePython('python3');
  if (fallback) return { ...fallback, matches: false };
  throw new Error(`No python3 on PATH: install Python ${versions.python.supported[0]} or newer.`);
}

/** For Nx's hash: what hostPython would look at (shell, run by Nx as a runtime input). */
export function pythonProbeCommand(wanted: string): string {
  return `ls -d "\${PYENV_ROOT:-$HOME/.pyenv}"/versions/${wanted}* 2>/dev/null; python${wanted} --version 2>/dev/null; python3 --version`;
}

function requirementsHash(project: string, python: string): string {
  const hash = createHash('sha256').update(python);
  for (const f of readdirSync(project).filter((f) => /^requirements.*\.(txt|lock)$/.test(f)).sort()) {
    hash.update(`\0${f}\0`).update(readFileSync(join(project, f)));
  }
  return hash.digest('hex');
}

const STAMP = '.verify-requirements';

/**
 * Make `<scenario>/venv` hold the project's requirements, unless it already does. The venv is not
 * an Nx output (it is big, and uv rebuilds it from its cache in seconds), so every target that
 * needs it calls this: after a cache hit on `setup` the venv may not exist on this machine.
 */
export async function ensureVenv(ctx: TaskContext): Promise<string> {
  const project = ctx.project;
  const venv = join(ctx.dir, 'venv');
  const interpreter = hostPython(ctx.scenario.python);
  const stamp = requirementsHash(project, interpreter.path);
  ctx.details.python = { project: ctx.scenario.python, venv: interpreter.version, interpreter: interpreter.path, matches: interpreter.matches };
  const python = join(venv, 'bin/python');
  if (existsSync(python) && existsSync(join(venv, STAMP)) && readFileSync(join(venv, STAMP), 'utf8') === stamp) return python;

  const uv = tool('uv');
  const env = {
    ...process.env,
    UV_CACHE_DIR: uvCacheDir(),
    UV_PYTHON_DOWNLOADS: 'never',
    UV_NO_PROGRESS: '1',
    VIRTUAL_ENV: undefined,
  };
  if (!interpreter.matches) ctx.print(`! Python ${ctx.scenario.python} is not installed here; the venv uses Python ${interpreter.version} (${interpreter.path}).`);
  rmSync(venv, { recursive: true, force: true });
  await ctx.run('uv venv', uv, ['venv', '--quiet', '--python', interpreter.path, venv], { env });
  // Compiled once here: the project's commands run with PYTHONDONTWRITEBYTECODE (venvEnv), and each
  // would otherwise compile every module it imports from source, MLflow's hundreds included.
  await ctx.run('uv pip sync --require-hashes requirements-dev.lock', uv, ['pip', 'sync', '--require-hashes', '--compile-bytecode', '--python', python, 'requirements-dev.lock'], { cwd: project, env });
  writeFileSync(join(venv, STAMP), stamp);
  return python;
}

/** Environment for running the project's Python: its venv first on PATH, then the verify tools. */
export function venvEnv(python: string): NodeJS.ProcessEnv {
  const bin = join(python, '..');
  return { ...process.env, VIRTUAL_ENV: join(bin, '..'), PATH: `${bin}:${toolsBin}:${process.env.PATH ?? ''}`, PYTHONDONTWRITEBYTECODE: '1' };
}

/**
 * A directory of distributions for the act runs: the workflows' own `pip install -r ...` runs with
 * PIP_NO_INDEX and PIP_FIND_LINKS pointing here (what setup-python's pip cache gives on GitHub).
 * Only for pip projects: returns undefined for uv ones.
 * pip's HTTP cache does not work behind this machine's registry proxy, so without it every act run
 * downloads every wheel. It holds exactly what the venv resolved (`uv pip freeze`, downloaded with
 * --no-deps: wheels, or the sdist when a pin has none, e.g. antlr4-python3-runtime 4.9.3 for dvc)
 * plus setuptools and wheel to build such sdists. One per Python minor version, shared by all
 * scenarios (the ml-*.sh checks use it too, through ML_WHEELHOUSE); flock keeps concurrent
 * downloads apart. Like the venv it is not an Nx output: ensured where needed.
 */
export async function ensureWheelhouse(ctx: TaskContext, python: string): Promise<string | undefined> {
  // uv projects install from uv's cache (which works here), the ml-*.sh checks' too.
  if (JSON.parse(readFileSync(join(ctx.project, RECORD_FILE), 'utf8')).answers.packageManager !== 'pip') return undefined;
  const minor = hostPython(ctx.scenario.python).version.split('.').slice(0, 2).join('.');
  const dir = join(wheelhouseRoot(), `py${minor}`);
  const stamp = join(dir, `.complete-${requirementsHash(ctx.project, minor).slice(0, 16)}`);
  if (existsSync(stamp)) return dir;
  mkdirSync(dir, { recursive: true });
  const pins = join(ctx.dir, 'venv-freeze.txt');
  writeFileSync(pins, (await freeze(ctx, python)).join('\n'));
  const download = (...args: string[]) => [
    join(dir, '.lock'), 'python3', '-m', 'pip', 'download', '--quiet', '--disable-pip-version-check', '--no-color',
    '--python-version', minor, '--dest', dir, ...args,
  ];
  await ctx.run(`pip download into .verify/.wheels/py${minor}`, 'flock', download('--no-deps', '-r', pins));
  await ctx.run('pip download setuptools wheel (to build sdists)', 'flock', download('--only-binary=:all:', 'setuptools', 'wheel'));
  writeFileSync(stamp, '');
  return dir;
}

export const wheelhouseRoot = () => join(verifyDir(), '.wheels');
/** uv's cache, shared by every scenario's venv and act runs. */
export const uvCacheDir = () => join(verifyDir(), '.uv-cache');

/** `name==version` of everything in the venv. */
async function freeze(ctx: TaskContext, python: string): Promise<string[]> {
  let pins: string[] = [];
  await ctx.run('uv pip freeze', tool('uv'), ['pip', 'freeze', '--color', 'never', '--python', python], {
    env: { ...process.env, UV_CACHE_DIR: uvCacheDir() },
    stdout: (text) => (pins = text.trim().split('\n').filter(Boolean)),
  });
  return pins;
}

export async function setup(ctx: TaskContext): Promise<void> {
  rmSync(join(ctx.dir, 'venv', STAMP), { force: true });
  const python = await ensureVenv(ctx);
  ctx.details.installed = await freeze(ctx, python);
  ctx.details.wheelhouse = (await ensureWheelhouse(ctx, python)) ?? 'none: uv installs from its cache';
}

/** A work copy of `from` (the generated or the trained project) for one target, so targets never share a tree. */
function workCopy(ctx: TaskContext, from: string, name: string): string {
  const dir = ctx.freshDir(name);
  cpSync(join(ctx.dir, from), dir, { recursive: true, verbatimSymlinks: true });
  return dir;
}

export async function train(ctx: TaskContext): Promise<void> {
  const dir = workCopy(ctx, 'project', 'train');
  const python = await ensureVenv(ctx);
  await ctx.run('python src/train.py', python, ['src/train.py'], { cwd: dir, env: venvEnv(python) });
  const metrics = join(dir, 'metrics.json');
  if (existsSync(metrics)) ctx.details.metrics = JSON.parse(readFileSync(metrics, 'utf8'));
}

export async function pytest(ctx: TaskContext): Promise<void> {
  const dir = workCopy(ctx, 'train', 'pytest');
  const python = await ensureVenv(ctx);
  const env = venvEnv(python);
  const tests = await ctx.run('python -m pytest', python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], {
    cwd: dir,
    env,
    allowFailure: true,
    stdout: (text) => (ctx.details.pytest = text.match(/^(\d+ (passed|failed).*)$/m)?.[1] ?? null),
  });
  // The project's own CI lints too; a template that renders unformatted Python fails here first.
  await ctx.run('ruff check', python, ['-m', 'ruff', 'check', '--no-cache', '.'], { cwd: dir, env, allowFailure: true });
  await ctx.run('ruff format --check', python, ['-m', 'ruff', 'format', '--check', '--no-cache', '.'], { cwd: dir, env, allowFailure: true });
  if (!tests.ok) ctx.details.pytest ??= 'failed';
}

/**
 * A check script (see scenarios.ts discoverChecks for who gets which arguments). Checks copy the
 * generated project themselves; their temporary files go under `.verify/<scenario>/check-<name>/`
 * (TMPDIR), kept until the next run. They also get VERIFY_PYTHON and ML_WHEELHOUSE.
 */
export async function check(ctx: TaskContext, name: string, owner: string | undefined): Promise<void> {
  const script = join(checksDir, `${name}.sh`);
  if (!existsSync(script)) throw new Error(`${script} does not exist (the check list is read when Nx builds its project graph; re-run nx).`);
  const python = await ensureVenv(ctx);
  const wheels = wheelhouseRoot();
  await ensureWheelhouse(ctx, python);
  const work = ctx.freshDir(`check-${name}`);
  mkdirSync(work, { recursive: true });
  const env = { ...process.env, TMPDIR: work, VERIFY_PYTHON: python, ML_WHEELHOUSE: wheels };
  // A feature's check gets the venv's python; any other gets a work directory.
  const args = owner ? [script, ctx.project, python] : [script, ctx.project, join(work, 'work')];
  await ctx.run(`verify/checks/${name}.sh`, 'bash', args, { cwd: work, env });
}
