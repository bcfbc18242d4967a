import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cli, readJson, repoRoot, tempDir } from './support/cli.js';

// Issue 8: the pull-request report, the regression gate, retraining, drift, promotion and rollback,
// deployment. Everything runs for real: the built CLI, Python with the pinned requirements (one
// virtual environment for the file), MLflow on SQLite, kubeconform. The workflows themselves run
// under act in the verification matrix (`npm test` runs its quick subset): the check-ml-* targets
// run verify/checks/ml-*.sh against a fake GitHub that records comments, issues and releases.

const uv = join(repoRoot, '.tools/bin/uv');
const work = tempDir('ml-cicd-');
const projects = { base: join(work, 'base'), mlflow: join(work, 'mlflow'), docker: join(work, 'docker') };
const venv = join(work, 'venv');
const python = join(venv, 'bin/python');

function run(cwd: string, args: string[], env: Record<string, string> = {}) {
  return execa(python, args, { cwd, reject: false, all: true, env: { MLFLOW_DISABLE_TELEMETRY: 'true', ...env } });
}

function bash(script: string, args: string[], timeout: number) {
  return execa('bash', [join(repoRoot, script), ...args], { cwd: repoRoot, reject: false, all: true, timeout });
}

beforeAll(async () => {
  for (const [name, flags] of [['base', []], ['mlflow', ['--mlflow']], ['docker', ['--docker']]] as const) {
    const created = await cli([name, '--yes', '--no-git', '--name', `demo-${name}`, ...flags], { cwd: work });
    expect(created.exitCode, created.stderr).toBe(0);
  }
  // The MLflow project's requirements are a superset of the base project's.
  const requirements = join(projects.mlflow, 'requirements-dev.lock');
  if (existsSync(uv)) {
    await execa(uv, ['venv', '--quiet', '-p', 'python3', venv], { env: { UV_PYTHON_DOWNLOADS: 'never' } });
    await execa(uv, ['pip', 'sync', '--quiet', '--require-hashes', requirements], { env: { VIRTUAL_ENV: venv } });
  } else {
    await execa('python3', ['-m', 'venv', venv]);
    await execa(python, ['-m', 'pip', 'install', '--quiet', '--require-hashes', '--no-deps', '-r', requirements]);
  }
}, 900_000);

describe('--retrain-cron', () => {
  it('puts the schedule into retrain.yml and records it', async () => {
    const cwd = tempDir();
    const created = await cli(['demo', '--yes', '--no-git', '--retrain-cron', ' 15 3  * * 0 '], { cwd });
    expect(created.exitCode, created.stderr).toBe(0);
    const workflow = parse(readFileSync(join(cwd, 'demo/.github/workflows/retrain.yml'), 'utf8'));
    expect(workflow.on.schedule).toEqual([{ cron: '15 3 * * 0' }]);
    expect(readJson(join(cwd, 'demo/.create-ml-ci-cd.json')).answers.retrainCron).toBe('15 3 * * 0');
  });

  it('defaults to weekly and refuses an invalid schedule, naming it', async () => {
    expect(parse(readFileSync(join(projects.base, '.github/workflows/retrain.yml'), 'utf8')).on.schedule).toEqual([{ cron: '0 6 * * 1' }]);
    const refused = await cli(['demo', '--yes', '--no-git', '--retrain-cron', '0 25 * * *'], { cwd: tempDir() });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/invalid retrain cron "0 25 \* \* \*": the hour must be between 0 and 23/);
  });
});

describe('model report and regression gate (src/report.py, src/gate.py)', () => {
  // Real runs of the generated project's train.py: the base, harmless noise, a planted regression.
  const params = () => readFileSync(join(projects.base, 'params.yaml'), 'utf8');
  async function trainInto(dir: string, edit: (params: string) => string = (p) => p) {
    const file = join(dir, 'params.yaml');
    writeFileSync(file, edit(params()));
    const out = await run(projects.base, ['src/train.py', '--params', file, '--out-dir', dir]);
    expect(out.exitCode, out.all).toBe(0);
    return dir;
  }
  const stump = (p: string) =>
    p.replace('n_estimators: 100', 'n_estimators: 1').replace(/max_depth: 5\b/, 'max_depth: 1').replace('min_accuracy: 0.9', 'min_accuracy: 0.5');
  const loosened = (p: string) => stump(p).replace('max_drop: 0.02', 'max_drop: 0.5');

  it('reports the paired numbers, a changed gate and the params, judged by the base settings', async () => {
    const base = await trainInto(tempDir());
    const head = await trainInto(tempDir(), loosened);
    const out = await run(projects.base, [
      'src/report.py', '--base', base, '--current', head, '--base-label', 'main', '--params', join(head, 'params.yaml'),
      '--base-params', join(base, 'params.yaml'), '--output', join(head, 'report.md'),
    ]);
    expect(out.exitCode, out.all).toBe(0);
    const report = readFileSync(join(head, 'report.md'), 'utf8');
    expect(report.startsWith('<!-- create-ml-ci-cd:model-report -->\n### Model report\n')).toBe(true);
    expect(report).toContain("**Regression gate: failed.** It fails when accuracy on the evaluation rows both models scored dropped by more than `max_drop` 0.02 and McNemar's exact test gives p < `alpha` 0.05 (settings from main's `params.yaml`).");
    expect(report).toMatch(/\| Paired on \d+ evaluation rows \| main \| This change \|/);
    expect(report).toMatch(/McNemar one-sided p = \d\.\d+e-\d+\./);
    expect(report).toContain('⚠️ **This change edits the gate settings** (`quality_gate.min_accuracy`, `quality_gate.max_drop`)');
    expect(report).toContain('| model.n_estimators | 100 | 1 |');
    expect(report).not.toContain('The evaluation set changed');
  });

  it('fails a planted regression even under its own loosened settings, and passes noise', async () => {
    const base = await trainInto(tempDir());
    const gate = (current: string, settings: string) =>
      run(projects.base, ['src/gate.py', '--base', base, '--current', current, '--params', settings]);
    const baseSettings = join(base, 'params.yaml');
    const regressed = await trainInto(tempDir(), loosened);
    const judged = await gate(regressed, baseSettings);
    expect(judged.exitCode, judged.all).toBe(1);
    expect(judged.all).toMatch(/Regression gate failed against the baseline: accuracy on the \d+ shared evaluation rows/);
    expect(judged.all).toContain('Regression gate failed because accuracy');
    expect((await gate(regressed, join(regressed, 'params.yaml'))).exitCode).toBe(0); // what the loosened gate alone would say
    const noise = await trainInto(tempDir(), (p) => p.replace('n_estimators: 100', 'n_estimators: 150'));
    const passed = await gate(noise, baseSettings);
    expect(passed.exitCode, passed.all).toBe(0);
    expect(passed.all).toContain('Regression gate passed');
    expect((await gate(base, baseSettings)).exitCode).toBe(0);
    const none = await run(projects.base, ['src/gate.py', '--base', join(base, 'missing'), '--current', noise]);
    expect(none.exitCode).toBe(0);
    expect(none.all).toContain('nothing to compare');
  });
});

describe('drift check (src/drift.py)', () => {
  it('flags a shifted sample, stays quiet on the training data, and tells bad input and too little data apart', async () => {
    const dir = tempDir();
    const rows = readFileSync(join(projects.base, 'data/iris.csv'), 'utf8').trim().split('\n');
    const header = rows[0].split(',');
    const petal = header.indexOf('petal_length');
    const sample = rows.slice(1).filter((_, i) => i % 3 === 0); // 50 rows of every class
    writeFileSync(join(dir, 'same.csv'), [rows[0], ...sample].join('\n'));
    const shifted = sample.map((r) => r.split(',').map((v, i) => (i === petal ? (Number(v) + 1.5).toFixed(1) : v)).join(','));
    writeFileSync(join(dir, 'shifted.csv'), [rows[0], ...shifted].join('\n'));

    const quiet = await run(projects.base, ['src/drift.py', join(dir, 'same.csv')]);
    expect(quiet.exitCode, quiet.all).toBe(0);
    expect(quiet.all).toContain('No drift found.');
    const found = await run(projects.base, ['src/drift.py', join(dir, 'shifted.csv'), '--output', join(dir, 'drift.md')]);
    expect(found.exitCode, found.all).toBe(1);
    expect(readFileSync(join(dir, 'drift.md'), 'utf8')).toContain('**Drift found in 1 of 4 features: petal_length.**');
    // No prediction log and data/incoming/ holds only its README: not judged, its own exit status.
    const empty = await run(projects.base, ['src/drift.py']);
    expect(empty.exitCode, empty.all).toBe(3);
    expect(empty.all).toContain('too few to judge');
    // A non-numeric cell is bad input (2), not drift (1), and the message names it.
    writeFileSync(join(dir, 'bad.csv'), [rows[0], ...sample, 'x,3.0,1.4,0.2,setosa'].join('\n'));
    const bad = await run(projects.base, ['src/drift.py', join(dir, 'bad.csv')]);
    expect(bad.exitCode, bad.all).toBe(2);
    expect(bad.all).toContain('line 52, column sepal_length');
  });
});

describe('the generated projects pass their own tests of these modules', () => {
  it.each(['base', 'mlflow'] as const)('%s', async (name) => {
    const tests = ['tests/test_data.py', 'tests/test_report.py', 'tests/test_gate.py', 'tests/test_drift.py', 'tests/test_rollback.py'];
    const result = await run(projects[name], ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', ...tests]);
    expect(result.exitCode, result.all).toBe(0);
    expect(result.all).toMatch(/\d+ passed/);
  }, 300_000);
});

describe('the champion with MLflow: the release, mirrored on the alias (src/tracking.py, src/rollback.py)', () => {
  it('promotion and rollback point the alias at the champion release\'s registered version', async () => {
    const project = projects.mlflow;
    const dir = tempDir();
    const store = join(dir, 'mlflow.db');
    // GitHub's side is the fake gh of the verify checks: releases in a JSON file.
    const github = { GH_REPO: 'local/ml-project', GH_TOKEN: 'fake', FAKE_GH_STATE: join(dir, 'github.json'), PATH: `${join(repoRoot, 'verify/checks/ml-fake-gh')}:${process.env.PATH}` };
    const env = { MLFLOW_TRACKING_URI: `sqlite:///${store}`, ...github };
    // Read the alias straight from the store's table: importing mlflow for it takes seconds.
    const query = "import sqlite3, sys; print(*sqlite3.connect(sys.argv[1]).execute(\"select version from registered_model_aliases where alias = 'champion'\").fetchone() or ['none'])";
    const champion = async () => (await run(project, ['-c', query, store])).stdout.trim();
    const params = readFileSync(join(project, 'params.yaml'), 'utf8');
    const promote = async () => {
      // What the Retrain workflow's promote and mlflow-champion jobs do with the trained model.
      const tag = (await run(project, ['src/model_record.py', 'tag'])).stdout.trim();
      const created = await execa('gh', ['release', 'create', tag, join(project, 'models/model.joblib')], { cwd: project, env: github, reject: false, all: true });
      expect(created.exitCode, created.all).toBe(0);
      const pointed = await run(project, ['src/tracking.py', 'champion', tag], env);
      expect(pointed.exitCode, pointed.all).toBe(0);
      return { tag, out: pointed.stdout };
    };
    try {
      const trained = await run(project, ['src/train.py'], env);
      expect(trained.exitCode, trained.all).toBe(0);
      expect(trained.stdout).toContain('registered demo-mlflow version 1');
      expect(await champion()).toBe('none'); // training alone never moves the alias
      const first = await promote();
      expect(first.out).toContain(`version 1 (${first.tag}) is now champion`);
      writeFileSync(join(project, 'params.yaml'), params.replace(/max_depth: 5\b/, 'max_depth: 3'));
      expect((await run(project, ['src/train.py'], env)).exitCode).toBe(0);
      const second = await promote();
      expect(second.tag).not.toBe(first.tag);
      expect(await champion()).toBe('2');

      const dry = await run(project, ['src/rollback.py', '--dry-run'], env);
      expect(dry.stdout).toContain('point the MLflow alias champion');
      expect(await champion()).toBe('2');
      const rollback = await run(project, ['src/rollback.py'], env);
      expect(rollback.exitCode, rollback.all).toBe(0);
      expect(rollback.stdout).toContain(`Rolling back to ${first.tag}`);
      expect(rollback.stdout).toContain(`version 1 (${first.tag}) is now champion`);
      expect(await champion()).toBe('1');
      const lifted = await run(project, ['src/rollback.py', '--lift', second.tag], env);
      expect(lifted.exitCode, lifted.all).toBe(0);
      expect(await champion()).toBe('2');
    } finally {
      writeFileSync(join(project, 'params.yaml'), params);
    }
  }, 300_000);
});

describe('workflows: least privilege, no untrusted expansion', () => {
  type Job = { permissions?: Record<string, string>; steps?: { run?: string }[]; uses?: string };
  const workflows = (name: keyof typeof projects) =>
    ['ml_pipeline', 'retrain', 'drift', ...(name === 'docker' ? ['deploy'] : [])].map((w) => ({
      file: w,
      yaml: parse(readFileSync(join(projects[name], `.github/workflows/${w}.yml`), 'utf8')) as { on: object; permissions: object; jobs: Record<string, Job> },
    }));

  it.each(['base', 'mlflow', 'docker'] as const)('%s', (name) => {
    const writes: string[] = [];
    for (const { file, yaml } of workflows(name)) {
      expect(yaml.permissions, file).toEqual({ contents: 'read' });
      expect(Object.keys(yaml.on), file).not.toContain('pull_request_target');
      for (const [id, job] of Object.entries(yaml.jobs)) {
        for (const [scope, level] of Object.entries(job.permissions ?? {})) if (level === 'write') writes.push(`${file}/${id}: ${scope}`);
        for (const step of job.steps ?? []) expect(step.run ?? '', `${file}/${id}`).not.toMatch(/\$\{\{\s*(github\.event|inputs\.)/);
      }
    }
    const expected = [
      'ml_pipeline/comment: pull-requests',
      'retrain/promote: contents', // every mode: the champion is a release
      'drift/issue: issues',
      // Only a promotion delivers and deploys: nothing in ml_pipeline can push or deploy.
      ...(name === 'docker'
        ? ['retrain/deliver: contents', 'retrain/deliver: packages', 'retrain/deliver: id-token', 'retrain/deliver: attestations', 'retrain/deploy: id-token', 'deploy/deploy: id-token']
        : []),
    ];
    expect(writes.sort()).toEqual(expected.sort());
  });
});

describe('Kubernetes manifests (--docker)', () => {
  it('pass kubeconform offline, strictly, and a planted mistake does not', async () => {
    const result = await bash('verify/checks/docker-kubeconform.sh', [projects.docker], 300_000);
    expect(result.exitCode, result.all).toBe(0);
    expect(result.all).toContain('Valid: 3, Invalid: 0, Errors: 0, Skipped: 0');
    expect(result.all).toContain('a planted mistake is rejected');
  }, 300_000);
});
