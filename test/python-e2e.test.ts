import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from './support/cli.js';

// The generated default project, installed and run with real Python, as its README says.
describe('generated default project (real Python)', () => {
  it('installs, trains past the quality gate and passes its own tests and lint', async () => {
    const cwd = tempDir();
    const created = await cli(['demo', '--yes'], { cwd });
    expect(created.exitCode, created.stderr).toBe(0);
    const project = join(cwd, 'demo');
    const run = (file: string, args: string[]) => execa(file, args, { cwd: project, reject: false, all: true });
    const python = join(project, '.venv/bin/python');

    expect((await run('python3', ['-m', 'venv', '.venv'])).exitCode).toBe(0);
    const install = await run(python, ['-m', 'pip', 'install', '-q', '-r', 'requirements-dev.txt']);
    expect(install.exitCode, install.all).toBe(0);

    const train = await run(python, ['src/train.py']);
    expect(train.exitCode, train.all).toBe(0);
    const metrics = JSON.parse(readFileSync(join(project, 'metrics.json'), 'utf8'));
    expect(metrics.accuracy).toBeGreaterThanOrEqual(0.9);

    const tests = await run(python, ['-m', 'pytest', '-q']);
    expect(tests.exitCode, tests.all).toBe(0);
    expect(tests.all).toMatch(/\d+ passed/);

    const lint = await run(python, ['-m', 'ruff', 'check', '.']);
    expect(lint.exitCode, lint.all).toBe(0);
  }, 900_000);
});
