// What a Windows user's checkout looks like, simulated here: Git for Windows clones with
// core.autocrlf=true, which writes CRLF into every text file unless .gitattributes says otherwise.
// The generated .gitattributes keeps every file byte-identical to the committed one, so DVC's md5s
// (dvc.lock) and `upgrade --check` see the same project as on Linux CI.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { findPython, versions } from '@create-ml-ci-cd/core';
import { cli, listTree, repoRoot, tempDir } from './support/cli.js';

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });

describe('a CRLF checkout (core.autocrlf=true)', () => {
  it('gets every file byte for byte as committed, and upgrade --check says up to date', async () => {
    const cwd = tempDir();
    const created = await cli(['demo', '--yes', '--dvc', '--mlflow', '--docker', '--upgrade-bot'], {
      cwd,
      env: { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' },
    });
    expect(created.exitCode, created.stderr).toBe(0);
    const origin = join(cwd, 'demo');
    const clone = join(cwd, 'windows');
    git(cwd, 'clone', '-q', '-c', 'core.autocrlf=true', origin, clone);
    expect(git(clone, 'config', 'core.autocrlf').trim()).toBe('true');

    const files = listTree(origin);
    expect(files).toContain('data/iris.csv');
    expect(listTree(clone)).toEqual(files);
    for (const file of files) expect(readFileSync(join(clone, file)).equals(readFileSync(join(origin, file))), file).toBe(true);
    expect(git(clone, 'status', '--porcelain')).toBe('');

    const check = await cli(['upgrade', '--check'], { cwd: clone });
    expect(check.exitCode, `${check.stdout}\n${check.stderr}`).toBe(0);
  });
});

describe('a DVC project committed on Linux, checked out on Windows', () => {
  it('has every stage dependency as dvc.lock recorded it: dvc status reports no changed dependency', async () => {
    const cwd = tempDir();
    const identity = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
    expect((await cli(['demo', '--yes', '--dvc'], { cwd, env: identity })).exitCode).toBe(0);
    const origin = join(cwd, 'demo');
    const python = findPython(versions.python.default);
    expect(python, `Python ${versions.python.default} (pyenv or PATH)`).toBeDefined();
    const uv = join(repoRoot, '.tools/bin/uv');
    // dvc runs the stages' `python` from PATH: the project's venv, as after `source .venv/bin/activate`.
    const env = { ...process.env, ...identity, UV_PYTHON_DOWNLOADS: 'never', VIRTUAL_ENV: join(origin, '.venv'), PATH: `${join(origin, '.venv/bin')}:${process.env.PATH}` };
    await execa(uv, ['venv', '--quiet', '--python', python!.path, '.venv'], { cwd: origin, env: { ...env, VIRTUAL_ENV: undefined } });
    await execa(uv, ['pip', 'sync', '--quiet', '--require-hashes', 'requirements-dev.lock'], { cwd: origin, env });
    const dvc = join(origin, '.venv/bin/dvc');
    const repro = await execa(dvc, ['repro'], { cwd: origin, env, reject: false, all: true });
    expect(repro.exitCode, repro.all).toBe(0);
    git(origin, 'add', '-A');
    git(origin, 'commit', '-q', '-m', 'dvc repro');

    const clone = join(cwd, 'windows');
    git(cwd, 'clone', '-q', '-c', 'core.autocrlf=true', origin, clone);
    const status = await execa(dvc, ['status'], { cwd: clone, env, reject: false, all: true });
    expect(status.exitCode, status.all).toBe(0);
    // The outputs are not in git (a fresh clone pulls or rebuilds them), so they and the stages
    // that read them show as deleted; every input in git must match dvc.lock: none is modified, and
    // the first stage, whose inputs are all in git, has no changed dependency.
    expect(status.all).toMatch(/^prepare:\n\tchanged outs:/);
    expect(status.all, status.all).not.toMatch(/modified:/);
  }, 600_000);
});
