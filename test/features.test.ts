import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { featureCombinations, features } from '@create-ml-ci-cd/core';
import { cli, repoRoot, tempDir } from './support/cli.js';

type Step = { name?: string; uses?: string; run?: string };
type Workflow = { jobs: Record<string, { steps: Step[]; permissions?: Record<string, string>; environment?: string }> };

// Issue 3's features (DVC, MLflow, Docker) in generated projects, run for real: every combination
// generates, installs, trains and passes its own tests and lint, and its workflows pass actionlint
// and zizmor. The per-feature checks (verify/checks/<feature>.sh: DVC, MLflow and the serving app
// end to end) run in the verification matrix, whose quick subset `npm test` runs. There is no
// container engine here: the image itself is built and smoke-tested by the generated project's CI.
//
// One venv serves every project: all pins come from one versions file, so the fullest project's
// requirements-dev.txt covers the others. Projects run two at a time (the machine has 2 cores).

const ISSUE_FEATURES = ['dvc', 'mlflow', 'docker'];
const combinations = featureCombinations(features.filter((f) => ISSUE_FEATURES.includes(f.name)));
const label = (combo: string[]) => (combo.length ? combo.join('+') : 'base');
const tool = (name: string) => [join(repoRoot, '.tools/bin', name), join(repoRoot, '.tools/venv/bin', name)].find(existsSync);

// No usage reports from the tools under test; a tracking server set in the caller's shell is ignored.
const env = { DVC_NO_ANALYTICS: '1', MLFLOW_DISABLE_TELEMETRY: 'true', DO_NOT_TRACK: '1', MLFLOW_TRACKING_URI: '', REGISTER_MODEL: '' };

const root = tempDir('cmlcicd-features-');
let python = '';
const projects = new Map<string, string>();

function run(file: string, args: string[], cwd: string, extraEnv: Record<string, string> = {}) {
  return execa(file, args, { cwd, reject: false, all: true, env: { ...env, ...extraEnv } });
}

/** Run `tasks` with at most `limit` at a time; each result (or error) is kept, none aborts the rest. */
async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<PromiseSettledResult<T>[]> {
  const results: PromiseSettledResult<T>[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]().then(
        (value) => ({ status: 'fulfilled', value }) as const,
        (reason) => ({ status: 'rejected', reason }) as const,
      );
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

/** What each project's run produced, asserted on by one test per combination. */
interface ComboRun {
  train: { exitCode?: number; all?: string };
  tests: { exitCode?: number; all?: string };
  lint: { exitCode?: number; all?: string };
  actionlint: { exitCode?: number; all?: string };
  zizmor: { exitCode?: number; all?: string };
}
const comboRuns = new Map<string, Promise<ComboRun>>();

async function runCombo(combo: string[]): Promise<ComboRun> {
  const project = projects.get(label(combo))!;
  const bin = join(python, '..');
  const path = { PATH: `${bin}:${process.env.PATH}` }; // as in an activated venv: DVC stages run `python`
  const train = combo.includes('dvc') ? await run(python, ['-m', 'dvc', 'repro'], project, path) : await run(python, ['src/train.py'], project, path);
  const tests = await run(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], project, path);
  const check = await run(python, ['-m', 'ruff', 'check', '--no-cache', '.'], project);
  const format = check.exitCode === 0 ? await run(python, ['-m', 'ruff', 'format', '--check', '--no-cache', '.'], project) : check;
  const lint = { exitCode: format.exitCode, all: `${check.all}\n${format.all}` };
  const actionlint = await run(tool('actionlint')!, [], project);
  const zizmor = await run(tool('zizmor')!, ['--offline', '--no-progress', '.github/workflows'], project);
  return { train, tests, lint, actionlint, zizmor };
}

beforeAll(async () => {
  // Generate every combination with the real CLI (with git, as users get it: DVC needs a repository).
  for (const combo of combinations) {
    const name = `p-${label(combo).replace(/\+/g, '-')}`;
    const created = await cli([name, '--yes', ...combo.map((f) => `--${f}`)], { cwd: root, env: { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@localhost', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@localhost' } });
    if (created.exitCode !== 0) throw new Error(`generating ${label(combo)} failed:\n${created.stderr}`);
    projects.set(label(combo), join(root, name));
  }

  // One venv with the union of the requirements (the project with every feature has them all).
  const full = projects.get(label(ISSUE_FEATURES))!;
  const venv = join(root, 'venv');
  python = join(venv, 'bin/python');
  const uv = tool('uv');
  const setup = uv
    ? [
        await run(uv, ['venv', '-q', '--python', 'python3', venv], root),
        // PYTHONDONTWRITEBYTECODE may be set: compile once here, or every import of MLflow recompiles it.
        await run(uv, ['pip', 'sync', '-q', '--require-hashes', '--compile-bytecode', '--python', python, join(full, 'requirements-dev.lock')], root),
      ]
    : [await run('python3', ['-m', 'venv', venv], root), await run(python, ['-m', 'pip', 'install', '-q', '--require-hashes', '--no-deps', '-r', join(full, 'requirements-dev.lock')], root)];
  for (const step of setup) if (step.exitCode !== 0) throw new Error(`setting up the venv failed:\n${step.all}`);

  const tasks: (() => Promise<unknown>)[] = [];
  const later = <T>(task: () => Promise<T>) => {
    let resolve!: (value: T) => void;
    let reject!: (reason: unknown) => void;
    const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
    promise.catch(() => {}); // reported by the test that awaits it
    tasks.push(() => task().then(resolve, reject));
    return promise;
  };
  for (const combo of combinations) comboRuns.set(label(combo), later(() => runCombo(combo)));
  // Not awaited here: each test waits for its own result, so results appear as they come.
  void pool(tasks, 2);
}, 1_800_000);

describe('DVC, MLflow and Docker features in generated projects (real Python)', () => {
  it.each(combinations.map((c) => [label(c), c] as const))('%s generates, trains, passes its tests, lint, actionlint and zizmor', async (name, combo) => {
    const r = await comboRuns.get(name)!;
    expect(r.train.exitCode, r.train.all).toBe(0);
    expect(r.tests.exitCode, r.tests.all).toBe(0);
    expect(r.tests.all).toMatch(/\d+ passed/);
    if (combo.includes('docker')) expect(r.tests.all).not.toMatch(/tests\/test_serve\.py.*(FAILED|ERROR)/);
    expect(r.lint.exitCode, r.lint.all).toBe(0);
    expect(r.actionlint.exitCode, r.actionlint.all).toBe(0);
    expect(r.zizmor.exitCode, r.zizmor.all).toBe(0);
    const readme = readFileSync(join(projects.get(name)!, 'README.md'), 'utf8');
    // The README explains only the features the project has.
    for (const [feature, heading] of [['dvc', '## Data and the DVC pipeline'], ['mlflow', '## Experiment tracking with MLflow'], ['docker', '## Serving the model with Docker']])
      expect(readme.includes(heading), `${name}: ${heading}`).toBe(combo.includes(feature));
  }, 1_800_000);
});

describe('feature options and packaging', () => {
  it.each([
    ['s3://my-bucket/dvc', 'dvc-s3', 'aws-actions/configure-aws-credentials', 'AWS_DVC_ROLE_ARN'],
    ['gs://my-bucket', 'dvc-gs', 'google-github-actions/auth', 'GCP_WORKLOAD_IDENTITY_PROVIDER'],
    ['azure://models/dvc', 'dvc-azure', 'azure/login', 'AZURE_CLIENT_ID'],
  ])('--dvc-remote %s: config, the plugin, and an OIDC login (no stored key) in the trusted jobs only', async (url, plugin, login, variable) => {
    const cwd = tempDir();
    const result = await cli(['demo', '--yes', '--no-git', '--dvc', '--dvc-remote', url], { cwd });
    expect(result.exitCode, result.stderr).toBe(0);
    const project = join(cwd, 'demo');
    expect(readFileSync(join(project, '.dvc/config'), 'utf8')).toContain(`url = ${url}`);
    expect(readFileSync(join(project, 'requirements-dev.txt'), 'utf8')).toMatch(new RegExp(`^${plugin}==`, 'm'));
    const jobs = (file: string) => (parse(readFileSync(join(project, '.github/workflows', file), 'utf8')) as Workflow).jobs;
    const pipeline = jobs('ml_pipeline.yml');
    const retrain = jobs('retrain.yml');
    for (const job of [pipeline.remote, retrain.train]) {
      const uses = job.steps.map((s) => s.uses?.split('@')[0]);
      const run = job.steps.map((s) => s.run ?? '').join('\n');
      // Logged in before the pull, the pull before anything trains.
      expect(uses.indexOf(login)).toBeGreaterThan(0);
      expect(job.steps.findIndex((s) => s.run?.includes('dvc pull'))).toBeGreaterThan(uses.indexOf(login));
      expect(job.steps.findIndex((s) => s.run?.includes('dvc pull'))).toBeLessThan(job.steps.findIndex((s) => /dvc repro/.test(s.run ?? '')));
      expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
      expect(job.environment).toBe('ml-production');
      expect(JSON.stringify(job)).toContain(`vars.${variable}`);
      expect(run).not.toMatch(/secrets\./);
    }
    // No static keys anywhere; the job pull requests run gets no token for the cloud.
    const text = readFileSync(join(project, '.github/workflows/ml_pipeline.yml'), 'utf8');
    expect(text).not.toMatch(/AWS_SECRET_ACCESS_KEY|GCP_CREDENTIALS|AZURE_STORAGE_CONNECTION_STRING/);
    expect(pipeline.pipeline.permissions).toBeUndefined();
    expect(readFileSync(join(project, 'README.md'), 'utf8')).toContain(variable);
  });

  it('a local --dvc-remote is taken relative to the project; the default is a sibling directory', async () => {
    const cwd = tempDir();
    expect((await cli(['a', '--yes', '--no-git', '--dvc', '--dvc-remote', '../shared/store'], { cwd })).exitCode).toBe(0);
    expect(readFileSync(join(cwd, 'a/.dvc/config'), 'utf8')).toContain('url = ../../shared/store');
    expect((await cli(['b', '--yes', '--no-git', '--dvc'], { cwd })).exitCode).toBe(0);
    expect(readFileSync(join(cwd, 'b/.dvc/config'), 'utf8')).toContain('url = ../../b-dvc-storage');
  });

  it.each([
    [['--dvc', '--dvc-remote', 'http://example.com/store'], /http:\/\/ is not supported.*s3:\/\//],
    [['--dvc', '--dvc-remote', 's3://Bad_Bucket'], /not a valid bucket name/],
    [['--dvc', '--dvc-remote', '/tmp/a#b'], /character .dvc\/config cannot hold/],
    [['--dvc', '--dvc-remote', ''], /remote is empty/],
    [['--dvc-remote', 's3://bucket'], /--dvc-remote only applies with the dvc feature; add --dvc/],
  ])('refuses %j with a one-line reason', async (flags, message) => {
    const result = await cli(['demo', '--yes', '--no-git', ...flags], { cwd: tempDir() });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('the published package carries the dot-files the features render', async () => {
    const packed = await execa('npm', ['pack', '--dry-run', '--json'], { cwd: join(repoRoot, 'packages/create-ml-ci-cd') });
    const files = (JSON.parse(packed.stdout)[0].files as { path: string }[]).map((f) => f.path);
    for (const file of ['templates/docker/.dockerignore', 'templates/dvc/.dvcignore', 'templates/dvc/.dvc/config.ejs', 'templates/dvc/.dvc/_gitignore'])
      expect(files).toContain(file);
  });
});
