import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { versions } from '@create-ml-ci-cd/core';
import { cli, repoRoot, tempDir } from './support/cli.js';

// The generated default project, installed and run with real Python, as its README says.
describe('generated default project (real Python)', () => {
  it('installs, trains past the quality gate and passes its own tests and lint', async () => {
    const cwd = tempDir();
    // --install as a user with uv runs it (the default package manager): uv from .tools, where `npm test` installs it.
    const uvBin = join(repoRoot, '.tools/bin');
    expect(existsSync(join(uvBin, 'uv')), 'run scripts/setup-tools.sh first').toBe(true);
    const created = await cli(['demo', '--yes', '--install'], { cwd, env: { PATH: `${uvBin}:${process.env.PATH}` } });
    expect(created.exitCode, `${created.stdout}\n${created.stderr}`).toBe(0);
    // The project's Python (found in pyenv's versions here, whatever python3 is), not the PATH's python3.
    const py = versions.python.default;
    expect(created.stdout).toMatch(new RegExp(`\\$ uv venv --python \\S*python${py.replace('.', '\\.')} \\.venv\\n`));
    expect(created.stdout).toContain('$ uv pip sync --require-hashes requirements-dev.lock\n');
    const project = join(cwd, 'demo');
    const run = (file: string, args: string[]) => execa(file, args, { cwd: project, reject: false, all: true });
    const python = join(project, '.venv/bin/python');
    expect((await run(python, ['-c', 'import platform; print(platform.python_version())'])).stdout).toMatch(new RegExp(`^${py.replace('.', '\\.')}\\.`));

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
