import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { bin, listTree, readJson, repoRoot, tempDir } from './support/cli.js';
import { cli, commitAll, git, read, status, write } from './support/upgrade-fixture.js';

// create-ml-ci-cd adopt, through the real CLI and templates, in a repository it did not make: one
// with its own training script, README and workflow, as a team would bring it.

const train = 'print("our own training")\n';
const ownWorkflow = 'name: ours\non: [push]\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n';

function repository(): string {
  const dir = join(tempDir('cmlcicd-adopt-'), 'iris-ml');
  write(dir, 'src/train.py', train);
  write(dir, 'README.md', '# Iris\n\nOur project.\n');
  write(dir, '.github/workflows/ci.yml', ownWorkflow);
  git(dir, 'init', '-q', '-b', 'main');
  commitAll(dir);
  return dir;
}

describe('create-ml-ci-cd adopt', () => {
  it('--help names the command, --only and what adopting does', async () => {
    const help = await cli(['adopt', '--help'], { cwd: tempDir() });
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/create-ml-ci-cd adopt \[options\]/);
    expect(help.stdout).toContain('--only <paths>');
    expect(help.stdout).toContain('merged three ways with an empty base');
  });

  it('--dry-run lists what it would add and where it would conflict, and writes nothing', async () => {
    const dir = repository();
    const before = listTree(dir);
    const dry = await cli(['adopt', '--yes', '--dry-run'], { cwd: dir });
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^Would adopt this repository into create-ml-ci-cd /m);
    expect(dry.stdout).toMatch(/would add +\.github\/workflows\/ml_pipeline\.yml/);
    expect(dry.stdout).toMatch(/would CONFLICT +src\/train\.py/);
    expect(dry.stdout).toMatch(/would CONFLICT +README\.md/);
    expect(dry.stdout).not.toContain('ci.yml');
    expect(listTree(dir)).toEqual(before);
    expect(status(dir)).toEqual([]);
  });

  it('adds the managed files, keeps every file of the user, and leaves both-added conflicts; upgrade afterwards is a no-op', async () => {
    const dir = repository();
    const result = await cli(['adopt', '--yes', '--description', 'Iris, adopted'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(3);
    expect(result.stderr).toMatch(/2 file\(s\) have conflicts: README\.md, src\/train\.py\./);
    expect(read(dir, '.github/workflows/ci.yml')).toBe(ownWorkflow);
    expect(existsSync(join(dir, '.github/workflows/ml_pipeline.yml'))).toBe(true);
    // As git records an add/add conflict: ours and theirs, no base.
    expect(git(dir, 'status', '--porcelain', 'src/train.py')).toMatch(/^AA /);
    expect(git(dir, 'show', ':2:src/train.py')).toBe(train);
    expect(git(dir, 'show', ':3:src/train.py')).toContain('def main');
    expect(read(dir, 'src/train.py')).toMatch(/^<<<<<<< current\nprint\("our own training"\)\n=======\n/);
    const record = readJson(join(dir, '.create-ml-ci-cd.json'));
    expect(record.answers).toMatchObject({ name: 'iris-ml', description: 'Iris, adopted' });
    expect(record.managedPaths).toBeUndefined();

    git(dir, 'checkout', '--ours', '--', 'src/train.py', 'README.md');
    commitAll(dir);
    const up = await cli(['upgrade'], { cwd: dir });
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stdout).toContain('nothing to do');
    expect((await cli(['upgrade', '--check'], { cwd: dir })).exitCode).toBe(0);
    expect(read(dir, 'src/train.py')).toBe(train);
  });

  it('in a terminal without --yes, asks the answers not given (the name comes from the directory)', async () => {
    const dir = repository();
    const [ENTER, DOWN] = ['\r', '\x1b[B'];
    const script = [
      ['Description', `\x15Asked at adopt${ENTER}`],
      ['Python version', ENTER],
      ['Package manager', `${DOWN}${ENTER}`], // uv is first; pip below
      ['CI provider', ENTER],
      ['Optional features', ENTER], // none ticked
    ];
    const result = await execa('python3', [join(repoRoot, 'test/support/pty_drive.py'), JSON.stringify(script), '--', 'node', bin, 'adopt'], { cwd: dir, reject: false, env: { NO_COLOR: '1' } });
    expect(result.exitCode, result.stdout).toBe(3);
    expect(result.stdout).not.toMatch(/Project name|git repository|install dependencies/);
    expect(readJson(join(dir, '.create-ml-ci-cd.json')).answers).toMatchObject({ name: 'iris-ml', description: 'Asked at adopt', packageManager: 'pip', ci: 'github', features: [] });
    expect(read(dir, '.github/workflows/ci.yml')).toBe(ownWorkflow);
  });

  it('--only manages just the paths named, and later upgrades leave the others alone', async () => {
    const dir = repository();
    const result = await cli(['adopt', '--yes', '--only', '.github/workflows/,src/gate.py'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(status(dir).sort()).toEqual(['?? .create-ml-ci-cd.json', '?? .github/workflows/drift.yml', '?? .github/workflows/ml_pipeline.yml', '?? .github/workflows/retrain.yml', '?? src/gate.py']);
    expect(readJson(join(dir, '.create-ml-ci-cd.json')).managedPaths).toEqual(['.github/workflows/', 'src/gate.py']);
    commitAll(dir);

    // Adding a feature changes src/train.py and params.yaml in a full project: here neither is managed.
    const up = await cli(['upgrade', '--dvc'], { cwd: dir });
    expect(up.exitCode, up.stderr).toBe(0);
    expect(read(dir, 'src/train.py')).toBe(train);
    expect(existsSync(join(dir, 'params.yaml'))).toBe(false);
    expect(existsSync(join(dir, 'dvc.yaml'))).toBe(false);
    expect(read(dir, '.github/workflows/ml_pipeline.yml')).toContain('dvc');
  });

  it('refuses, writing nothing: a path it does not generate, a dirty tree, no git, a project it already manages', async () => {
    const dir = repository();
    const unknown = await cli(['adopt', '--yes', '--only', 'nope'], { cwd: dir });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/--only nope: create-ml-ci-cd generates no such file or directory here/);

    write(dir, 'notes.txt', 'uncommitted\n');
    const dirty = await cli(['adopt', '--yes'], { cwd: dir });
    expect(dirty.exitCode).toBe(2);
    expect(dirty.stderr).toMatch(/has uncommitted changes \(1 file, e\.g\. notes\.txt\)/);
    expect(dirty.stderr).not.toContain('--allow-dirty'); // adopt has no such flag
    expect(status(dir)).toEqual(['?? notes.txt']);

    const plain = tempDir('cmlcicd-adopt-plain-');
    write(plain, 'src/train.py', train);
    const noGit = await cli(['adopt', '--yes', '--name', 'plain'], { cwd: plain });
    expect(noGit.exitCode).toBe(2);
    expect(noGit.stderr).toMatch(/is not in a git repository; adopt needs one/);
    expect(noGit.stderr).not.toContain('--allow-dirty');
    expect(listTree(plain)).toEqual(['src/train.py']);

    const made = tempDir('cmlcicd-adopt-made-');
    expect((await cli(['proj', '--yes'], { cwd: made })).exitCode).toBe(0);
    const again = await cli(['adopt', '--yes'], { cwd: join(made, 'proj') });
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toMatch(/already has \.create-ml-ci-cd\.json: create-ml-ci-cd manages it\. Run `create-ml-ci-cd upgrade` instead\./);
  });
});
