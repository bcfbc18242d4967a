// What a Windows user's checkout looks like, simulated here: Git for Windows clones with
// core.autocrlf=true, which writes CRLF into every text file unless .gitattributes says otherwise.
// The generated .gitattributes keeps every file byte-identical to the committed one, so DVC's md5s
// (dvc.lock) and `upgrade --check` see the same project as on Linux CI.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, listTree, tempDir } from './support/cli.js';

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
