import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module without types
import { containerJobs } from '../../../verify/run-workflow.mjs';

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

  it('leaves a workflow without containers whole', () => {
    expect(containerJobs({ jobs: { a: { steps: [{ run: 'make' }] }, b: { needs: 'a', steps: [] } } }).size).toBe(0);
    expect(containerJobs({}).size).toBe(0);
  });
});
