import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module without types
import { containerJobs, runWorkflow } from '../../../verify/run-workflow.mjs';

const root = join(import.meta.dirname, '../../..');

describe('run-workflow under act', () => {
  // act runs CommonJS helpers (hashFiles among them) from the work dir: below this repository's
  // package.json ("type": "module") they broke and hashFiles() returned '' without an error.
  it('evaluates hashFiles() with the work dir inside this repository', async () => {
    const project = mkdtempSync(join(tmpdir(), 'rw-hash-'));
    mkdirSync(join(project, '.github/workflows'), { recursive: true });
    const checkout = JSON.parse(readFileSync(join(root, 'packages/core/src/versions.json'), 'utf8')).actions['actions/checkout'].sha;
    writeFileSync(
      join(project, '.github/workflows/t.yml'),
      `on: push\npermissions: {}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@${checkout}\n        with:\n          persist-credentials: false\n      - run: echo hi > made.txt\n      - id: seen\n        if: hashFiles('made.txt') != ''\n        run: echo found\n`,
    );
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@localhost', ...args], { cwd: project });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-qm', 'init');
    mkdirSync(join(root, 'packages/verify/tmp'), { recursive: true });
    const workDir = mkdtempSync(join(root, 'packages/verify/tmp/run-workflow-'));
    const report = await runWorkflow({ project, workflow: '.github/workflows/t.yml', event: 'push', workDir, quiet: true, log: () => {} });
    expect(report.ok).toBe(true);
    const steps = report.jobs[0].steps.filter((s: { stage: string }) => s.stage === 'Main');
    expect(steps.find((s: { id: string }) => s.id === 'seen')?.result).toBe('success');
  }, 120_000);
});

describe('run-workflow: jobs that need a container engine', () => {
  it('finds docker runs, docker/* actions, containers and services, then the jobs after them', () => {
    const workflow = {
      jobs: {
        test: { steps: [{ run: 'python -m pytest' }, { run: 'echo "no dockerfile here"' }] },
        image: { needs: 'test', steps: [{ uses: 'actions/checkout@abc' }, { run: 'set -e\ndocker build --tag x .' }] },
        publish: { needs: ['test', 'image'], steps: [{ uses: 'docker/login-action@abc' }] },
        deploy: { needs: ['publish'], uses: './.github/workflows/deploy.yml' },
        db: { container: 'postgres:16', steps: [{ run: 'true' }] },
        withServices: { services: { redis: { image: 'redis' } }, steps: [{ run: 'true' }] },
        report: { needs: 'test', steps: [{ run: 'cat dockerfile.txt; mydocker run' }] },
      },
    };
    expect(Object.fromEntries(containerJobs(workflow))).toEqual({
      image: 'needs a container engine: it runs docker',
      publish: 'needs a container engine: it uses docker/* actions',
      deploy: 'needs job publish, which is not run here',
      db: 'needs a container engine: it runs in a container',
      withServices: 'needs a container engine: it uses service containers',
    });
  });

  it('with image stand-ins, runs the jobs that only use docker/* actions, never a docker command', () => {
    const workflow = {
      jobs: {
        image: { steps: [{ run: 'docker build --tag x .' }] },
        deliver: { steps: [{ uses: 'docker/login-action@abc' }, { uses: 'docker/build-push-action@abc' }] },
        deploy: { needs: ['deliver'], uses: './.github/workflows/deploy.yml' },
      },
    };
    expect(Object.fromEntries(containerJobs(workflow, { imageStandIns: true }))).toEqual({
      image: 'needs a container engine: it runs docker',
    });
  });

  it('leaves a workflow without containers whole', () => {
    expect(containerJobs({ jobs: { a: { steps: [{ run: 'make' }] }, b: { needs: 'a', steps: [] } } }).size).toBe(0);
    expect(containerJobs({}).size).toBe(0);
  });
});

describe('the setup-uv stand-in', () => {
  it('runs the uv version the generated workflows pin (versions.json), the one scripts/setup-tools.sh installs', () => {
    const pinned = JSON.parse(readFileSync(join(root, 'packages/core/src/versions.json'), 'utf8')).other.uv;
    const tools = readFileSync(join(root, 'scripts/tools-requirements.txt'), 'utf8');
    expect(tools).toMatch(new RegExp(`^uv==${pinned.replace(/\./g, '\\.')}$`, 'm'));
  });
});
