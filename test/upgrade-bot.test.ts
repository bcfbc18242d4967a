// The opt-in weekly upgrade workflow (--upgrade-bot): what it generates, linted; then the workflow
// itself run under act against a real npm registry (verdaccio on 127.0.0.1) holding two published
// versions, so `npx create-ml-ci-cd@latest upgrade` inside it runs the real published package.
// GitHub's side (pull requests) is verify/checks/upgrade-bot-fake-gh; `origin` is a local clone.
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { versions } from '../packages/core/src/index.js';
import { cli, readJson, repoRoot, tempDir } from './support/cli.js';
import { startRegistry, type Registry } from './support/registry.js';
import { tool } from './reliability/support.js';

const WORKFLOW = '.github/workflows/create-ml-ci-cd-upgrade.yml';
const pinned = versions.actions as Record<string, { sha: string; version: string }>;

describe('create-ml-ci-cd --upgrade-bot', () => {
  let dir: string;
  beforeAll(async () => {
    const cwd = tempDir('cmlcicd-bot-');
    const result = await cli(['demo', '--yes', '--no-git', '--upgrade-bot'], { cwd });
    expect(result.exitCode, result.stderr).toBe(0);
    dir = join(cwd, 'demo');
  });

  it('adds a weekly, least-privilege workflow with every action pinned from versions.json', () => {
    const text = readFileSync(join(dir, WORKFLOW), 'utf8');
    const workflow = parse(text);
    expect(Object.keys(workflow.on)).toEqual(['schedule', 'workflow_dispatch']);
    expect(workflow.on.schedule).toEqual([{ cron: expect.stringMatching(/^\d+ \d+ \* \* \d$/) }]);
    expect(workflow.permissions).toEqual({});
    const uses = Object.values<any>(workflow.jobs).flatMap((job) => job.steps.filter((s: any) => s.uses).map((s: any) => s.uses));
    for (const u of uses) expect(u).toBe(`${u.split('@')[0]}@${pinned[u.split('@')[0]].sha}`);
    // No job keeps git credentials in the checkout.
    for (const job of Object.values<any>(workflow.jobs)) expect(job.steps[0]).toMatchObject({ uses: expect.stringMatching(/^actions\/checkout@/), with: { 'persist-credentials': false } });
    // No answer (name, description) reaches the workflow.
    expect(text).not.toContain('demo');
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('### Weekly upgrades');
  });

  it('runs the fetched generator only in a job without a write token, and pushes from a job that runs no fetched code', () => {
    const text = readFileSync(join(dir, WORKFLOW), 'utf8');
    const { jobs } = parse(text);
    // The shell lines of a job, without comments and messages (which may name commands).
    const runs = (job: any) =>
      job.steps
        .flatMap((s: any) => (s.run ?? '').split('\n'))
        .filter((line: string) => !/^\s*(#|echo )/.test(line))
        .join('\n');
    const fetches = Object.entries<any>(jobs).filter(([, job]) => /\bnpx\b/.test(runs(job)));
    expect(fetches.map(([id]) => id)).toEqual(['upgrade']);
    const upgrade = jobs.upgrade;
    expect(upgrade.permissions).toEqual({ contents: 'read' });
    expect(upgrade.environment).toBeUndefined();
    expect(JSON.stringify(upgrade)).not.toMatch(/secrets\.|github\.token/);
    expect(upgrade.steps.at(-1)).toMatchObject({ uses: expect.stringMatching(/^actions\/upload-artifact@/), with: { name: 'create-ml-ci-cd-upgrade' } });

    const writers = Object.entries<any>(jobs).filter(([, job]) => Object.values(job.permissions ?? {}).includes('write'));
    expect(writers.map(([id]) => id)).toEqual(['pull-request']);
    const pr = jobs['pull-request'];
    expect(pr.needs).toBe('upgrade');
    expect(pr.permissions).toEqual({ contents: 'write', 'pull-requests': 'write' });
    expect(pr.environment).toBe('create-ml-ci-cd-upgrade');
    // Only the runner's own git and gh: no Node, npm, npx or Python set up or run, and no git hook.
    expect(pr.steps.map((s: any) => s.uses?.split('@')[0]).filter(Boolean)).toEqual(['actions/checkout', 'actions/download-artifact']);
    expect(runs(pr)).not.toMatch(/\b(npx|npm|node|python3?|pip|uv|make|sh -c|bash -c)\b|\.\/|source /);
    expect(pr.env).toEqual({ GIT_CONFIG_COUNT: 1, GIT_CONFIG_KEY_0: 'core.hooksPath', GIT_CONFIG_VALUE_0: '/dev/null' });
    expect(runs(pr)).toContain('git apply --index --binary "$RUNNER_TEMP/upgrade/upgrade.patch"');
  });

  it('is clean with actionlint (and shellcheck) and zizmor (auditor persona)', async () => {
    const shellcheck = (await execa('sh', ['-c', 'command -v shellcheck'])).stdout.trim();
    const lint = await execa(tool('actionlint'), ['-no-color', '-shellcheck', shellcheck, join(dir, WORKFLOW)], { reject: false });
    expect(`${lint.stdout}${lint.stderr}`).toBe('');
    const zizmor = await execa(tool('zizmor'), ['--offline', '--persona=auditor', '--no-config', '--no-ignores', '--format=json', join(dir, WORKFLOW)], {
      reject: false,
    });
    expect(JSON.parse(zizmor.stdout || 'null'), zizmor.stderr).toEqual([]);
  });

  it('is not generated without the flag', async () => {
    const cwd = tempDir('cmlcicd-bot-');
    expect((await cli(['demo', '--yes', '--no-git'], { cwd })).exitCode).toBe(0);
    expect(existsSync(join(cwd, 'demo', WORKFLOW))).toBe(false);
    expect(readFileSync(join(cwd, 'demo', 'README.md'), 'utf8')).not.toContain('Weekly upgrades');
  });
});

describe('the upgrade workflow under act, against a local npm registry', () => {
  const A = '1.0.0';
  const B = '1.1.0';
  const bot = '41898282+github-actions[bot]@users.noreply.github.com';
  let registry: Registry;
  let work: string;
  let project: string;
  const identity = { GIT_AUTHOR_NAME: 'u', GIT_AUTHOR_EMAIL: 'u@example.com', GIT_COMMITTER_NAME: 'u', GIT_COMMITTER_EMAIL: 'u@example.com', NO_COLOR: '1' };
  const secrets = { GITHUB_TOKEN: 'fake-github-token', CREATE_ML_CI_CD_UPGRADE_TOKEN: 'fake-pat' };
  /** A pull request as the fake GitHub stores it, from the upgrade branch. */
  const pull = (fields: object) => ({ headRefName: 'create-ml-ci-cd/upgrade', baseRefName: 'main', headRefOid: '0'.repeat(40), body: 'old', edits: 0, ...fields });

  /** Publish the built package as `version`, after `change` edits a copy of its templates. */
  async function publish(version: string, change: (templates: string) => void = () => {}) {
    const copy = join(work, `pkg-${version}`);
    for (const entry of ['index.js', 'dist', 'templates', 'package.json']) cpSync(join(repoRoot, 'packages/create-ml-ci-cd', entry), join(copy, entry), { recursive: true });
    change(join(copy, 'templates'));
    await registry.publish(copy, { version });
  }

  /** Run the workflow by hand (workflow_dispatch); the fake GitHub's state is <run>/github.json, seeded with `pulls`. */
  async function run(name: string, secrets: Record<string, string>, pulls: object[] = []) {
    const runDir = join(work, name);
    const state = join(runDir, 'github.json');
    mkdirSync(runDir, { recursive: true });
    writeFileSync(state, JSON.stringify({ pulls }));
    const result = await execa(
      'node',
      [
        join(repoRoot, 'verify/run-workflow.mjs'),
        project,
        WORKFLOW,
        'workflow_dispatch',
        '--repo',
        'local/proj',
        '--work-dir',
        runDir,
        '--report',
        join(work, `${name}.json`),
        ...Object.entries(secrets).flatMap(([k, v]) => ['--secret', `${k}=${v}`]),
      ],
      {
        // npm inside the workflow's steps reads the registry from this environment, as it would a
        // user's .npmrc: the workflow's `npx create-ml-ci-cd@latest` gets the versions published here.
        env: registry.env({ extra: { NO_COLOR: '1', FAKE_GH_STATE: state, PATH: `${join(repoRoot, 'verify/checks/upgrade-bot-fake-gh')}:${process.env.PATH}` } }),
        extendEnv: false,
        reject: false,
      },
    );
    const report = readJson(join(work, `${name}.json`));
    // The two jobs' step names differ except the checkout, so one map holds both.
    const steps: Record<string, string> = Object.fromEntries(
      report.jobs.flatMap((job: any) => job.steps.filter((s: any) => s.stage === 'Main').map((s: any) => [s.name, s.result])),
    );
    const jobs: Record<string, string> = Object.fromEntries(report.jobs.map((job: any) => [job.jobID, job.result]));
    const github = readJson(state);
    return { result, report, steps, jobs, github, output: `${result.stdout}\n${result.stderr}`, origin: join(runDir, 'repo') };
  }

  beforeAll(async () => {
    work = tempDir('cmlcicd-bot-act-');
    registry = await startRegistry({ local: ['create-ml-ci-cd'] });
    await publish(A);
    const created = await execa('npm', ['create', `ml-ci-cd@${A}`, '--', 'proj', '--yes', '--upgrade-bot'], {
      cwd: work,
      env: registry.env({ extra: identity }),
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
    });
    expect(created.exitCode, created.stderr).toBe(0);
    project = join(work, 'proj');
    // The user's own line at the end of the README, where B adds one too: a conflict.
    writeFileSync(join(project, 'README.md'), `${readFileSync(join(project, 'README.md'), 'utf8')}\nOur team owns this model.\n`);
    await execa('git', ['commit', '-qam', 'Say who owns it'], { cwd: project, env: identity });
  }, 300_000);

  afterAll(async () => {
    await registry?.stop();
  });

  it('does nothing when the project is up to date', { timeout: 300_000 }, async () => {
    const { result, report, steps, jobs, github, output } = await run('current', { GITHUB_TOKEN: 'fake-github-token' });
    expect(report.ok, output).toBe(true);
    expect(steps).toMatchObject({ 'Check whether the project is behind': 'success', Upgrade: 'skipped', 'Hand over the upgrade': 'skipped' });
    expect(jobs['pull-request']).toBe('skipped');
    expect(github.pulls).toEqual([]);
    expect(result.exitCode).toBe(0);
  });

  it('stops with a message when the upgrade changes workflows and there is only GITHUB_TOKEN', { timeout: 300_000 }, async () => {
    await publish(B, (templates) => {
      const readme = join(templates, 'base/README.md.ejs');
      writeFileSync(readme, `${readFileSync(readme, 'utf8')}\nNew in ${B}.\n`);
      const pipeline = join(templates, 'base/.github/workflows/ml_pipeline.yml.ejs');
      writeFileSync(pipeline, `${readFileSync(pipeline, 'utf8')}# changed in ${B}\n`);
    });
    const { report, steps, github, output } = await run('no-token', { GITHUB_TOKEN: 'fake-github-token' });
    expect(report.ok).toBe(false);
    expect(steps).toMatchObject({
      'Check whether the project is behind': 'success',
      Upgrade: 'success',
      'Hand over the upgrade': 'success',
      'Apply the upgrade': 'failure',
      'Open or update the pull request': 'skipped',
    });
    expect(readFileSync(join(work, 'no-token', 'act.jsonl'), 'utf8')).toContain('which GITHUB_TOKEN may not push. Add the secret CREATE_ML_CI_CD_UPGRADE_TOKEN');
    expect(github.pulls, output).toEqual([]);
  });

  it('with the token, pushes the upgrade with its conflict and opens one pull request listing it', { timeout: 300_000 }, async () => {
    const { report, steps, github, output, origin } = await run('token', secrets);
    expect(report.ok, output).toBe(true);
    expect(steps).toMatchObject({ Upgrade: 'success', 'Hand over the upgrade': 'success', 'Apply the upgrade': 'success', 'Open or update the pull request': 'success' });

    expect(github.pulls).toHaveLength(1);
    const [pull] = github.pulls;
    expect(pull).toMatchObject({ title: `Upgrade create-ml-ci-cd to ${B}`, state: 'OPEN', headRefName: 'create-ml-ci-cd/upgrade', baseRefName: 'main' });
    expect(pull.body).toContain(`from create-ml-ci-cd ${A} to ${B}`);
    expect(pull.body).toContain('**Conflicts in 1 file(s).**');
    expect(pull.body).toContain('- `README.md`');
    expect(pull.body).toContain('conflict markers');

    // What was pushed to the (local) origin: the user's line, B's line and markers between them.
    const git = (...args: string[]) => execa('git', args, { cwd: origin }).then((r) => r.stdout);
    const branch = 'create-ml-ci-cd/upgrade';
    expect(await git('rev-parse', branch)).toBe(pull.headRefOid);
    expect(await git('log', '-1', '--format=%ce %s', branch)).toBe(`${bot} Upgrade create-ml-ci-cd to ${B}`);
    const readme = await git('show', `${branch}:README.md`);
    expect(readme).toContain('Our team owns this model.');
    expect(readme).toContain(`New in ${B}.`);
    expect(readme).toMatch(/^<<<<<<< /m);
    expect(await git('show', `${branch}:.github/workflows/ml_pipeline.yml`)).toContain(`# changed in ${B}`);
    expect(JSON.parse(await git('show', `${branch}:.create-ml-ci-cd.json`)).version).toBe(B);
    expect(await git('diff', '--name-only', `main..${branch}`)).toBe(['.create-ml-ci-cd.json', '.github/workflows/ml_pipeline.yml', 'README.md'].join('\n'));
  });

  it('updates the pull request already open instead of opening another', { timeout: 300_000 }, async () => {
    const open = pull({ number: 7, title: 'Upgrade create-ml-ci-cd to 1.0.5', state: 'OPEN', url: 'https://github.com/local/proj/pull/7' });
    const { report, github, output, origin } = await run('open-pull', secrets, [open]);
    expect(report.ok, output).toBe(true);
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0]).toMatchObject({ number: 7, title: `Upgrade create-ml-ci-cd to ${B}`, edits: 1 });
    expect(github.pulls[0].body).toContain('- `README.md`');
    expect(github.pulls[0].headRefOid).toBe((await execa('git', ['rev-parse', 'create-ml-ci-cd/upgrade'], { cwd: origin })).stdout);
  });

  it('does not reopen a pull request closed for the same version', { timeout: 300_000 }, async () => {
    const closed = pull({ number: 3, title: `Upgrade create-ml-ci-cd to ${B}`, state: 'CLOSED', url: 'https://github.com/local/proj/pull/3' });
    const { report, steps, github, output, origin } = await run('closed-pull', secrets, [closed]);
    expect(report.ok, output).toBe(true);
    expect(steps['Open or update the pull request']).toBe('success');
    expect(github.pulls).toEqual([closed]);
    expect((await execa('git', ['branch', '--list', 'create-ml-ci-cd/upgrade'], { cwd: origin })).stdout).toBe('');
  });
});
