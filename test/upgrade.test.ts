import { existsSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { features, versions } from '@create-ml-ci-cd/core';
import { execa } from 'execa';
import { listTree, readJson, repoRoot, tempDir } from './support/cli.js';
import { BASE_VERSION, CI, cli, cliBin, commitAll, edit, env, git, project, read, recordBaseVersion, status, templatesA, templatesB, upgrade, write } from './support/upgrade-fixture.js';

describe('create-ml-ci-cd upgrade', () => {
  it('applies every template change to an untouched project', async () => {
    const dir = await project();
    const result = await upgrade(dir);
    expect(result.exitCode, result.stderr).toBe(0);
    // The base came the product's own way: the recorded version, fetched through npm.
    expect(result.stdout).toContain(`Fetching create-ml-ci-cd@${BASE_VERSION} through npm`);
    expect(read(dir, CI)).toContain('python -m pytest');
    expect(read(dir, CI)).toContain('python src/train.py');
    expect(read(dir, 'README.md')).toContain('(B).');
    expect(read(dir, 'NEW.md')).toBe('Added by B.\n');
    expect(existsSync(join(dir, 'old.txt'))).toBe(false);
    expect(readFileSync(join(dir, 'models/baseline.bin'))).toEqual(Buffer.from([1, 0, 3, 0]));
    expect(result.stdout).toMatch(/updated +\.github\/workflows\/ci\.yml/);
    expect(result.stdout).toMatch(/added +NEW\.md/);
    expect(result.stdout).toMatch(/deleted +old\.txt/);
    expect(result.stdout).toContain('git diff');
  });

  it('keeps a non-overlapping edit and adds the template change to the same file', async () => {
    const dir = await project((d) => {
      edit(d, CI, 'name: ci', 'name: my ci');
      edit(d, 'src/train.py', 'print("train")', 'print("my training")');
    });
    const result = await upgrade(dir);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(read(dir, CI)).toMatch(/^name: my ci\n[\s\S]*python -m pytest[\s\S]*python src\/train\.py/);
    expect(read(dir, 'src/train.py')).toMatch(/import os\nimport sys[\s\S]*my training/);
    expect(read(dir, CI)).not.toContain('<<<<<<<');
    expect(result.stdout).toMatch(/merged +\.github\/workflows\/ci\.yml/);
  });

  it('leaves standard markers on an overlapping edit, registers the conflict with git, exits 3', async () => {
    const dir = await project((d) => edit(d, CI, '- run: pytest', '- run: pytest -x'));
    const result = await upgrade(dir);
    expect(result.exitCode).toBe(3);
    const text = read(dir, CI);
    expect(text).toContain('<<<<<<< current\n      - run: pytest -x\n=======\n      - run: python -m pytest\n>>>>>>> create-ml-ci-cd@');
    expect(text).toContain('python src/train.py'); // the non-conflicting part of the change still applies
    expect(result.stdout).toMatch(/CONFLICT +\.github\/workflows\/ci\.yml/);
    expect(result.stderr).toMatch(/1 file\(s\) have conflicts: \.github\/workflows\/ci\.yml/);
    expect(status(dir)).toContain(`UU ${CI}`);
    // The stages are base/ours/theirs, so git can re-create the markers and refuses to commit until resolved.
    const stages = git(dir, 'ls-files', '-s', CI).trim().split('\n').map((l) => l.split(/\s+/)[2]);
    expect(stages).toEqual(['1', '2', '3']);
    expect(git(dir, 'show', `:2:${CI}`)).toContain('pytest -x');
    expect(git(dir, 'show', `:3:${CI}`)).toContain('python -m pytest');
    expect(() => git(dir, 'commit', '-qm', 'x')).toThrow();
    git(dir, 'checkout', '--conflict=merge', '--', CI);
    expect(read(dir, CI)).toContain('<<<<<<< ours');
  });

  it('keeps a file the user deleted deleted, and reports it when the template changed it', async () => {
    const dir = await project((d) => unlinkSync(join(d, 'src/train.py')));
    const result = await upgrade(dir);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(existsSync(join(dir, 'src/train.py'))).toBe(false);
    expect(result.stdout).toMatch(/kept deleted +src\/train\.py/);
  });

  it('removes a file the template dropped only when unmodified; a modified one is kept as a modify/delete conflict', async () => {
    const dir = await project((d) => write(d, 'keep.txt', 'my notes\n'));
    const result = await upgrade(dir);
    expect(result.exitCode, result.stderr).toBe(3);
    expect(existsSync(join(dir, 'old.txt'))).toBe(false);
    expect(read(dir, 'keep.txt')).toBe('my notes\n');
    expect(result.stdout).toMatch(/CONFLICT +keep\.txt +\(no longer generated, but you modified it: keep it or delete it\)/);
    expect(result.stderr).toMatch(/1 file\(s\) are no longer generated but carry your edits: keep\.txt\./);
    // As git records one: base and ours, no stage 3 ("deleted by them"); committing needs a decision.
    expect(git(dir, 'status', '--porcelain', 'keep.txt')).toMatch(/^UD keep\.txt/);
    expect(git(dir, 'show', ':2:keep.txt')).toBe('my notes\n');
    expect(() => git(dir, 'commit', '-qm', 'x')).toThrow();
    git(dir, 'add', 'keep.txt');
    expect(git(dir, 'ls-files', '-u')).toBe('');
  });

  it('adds new template files and leaves the user own files alone', async () => {
    const dir = await project((d) => write(d, 'notes/mine.md', 'mine\n'));
    const result = await upgrade(dir);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(read(dir, 'NEW.md')).toBe('Added by B.\n');
    expect(read(dir, 'notes/mine.md')).toBe('mine\n');
  });

  it('merges a file the user created where the template now adds one: a two-way conflict', async () => {
    const dir = await project((d) => write(d, 'NEW.md', 'My own NEW.md.\n'));
    const result = await upgrade(dir);
    expect(result.exitCode).toBe(3);
    expect(read(dir, 'NEW.md')).toBe('<<<<<<< current\nMy own NEW.md.\n=======\nAdded by B.\n>>>>>>> create-ml-ci-cd@0.1.0\n'.replace('0.1.0', readJson(join(dir, '.create-ml-ci-cd.json')).version));
    expect(status(dir)).toContain('AA NEW.md');
  });

  it('changes answers during an upgrade (--python) and records them', async () => {
    const python = versions.python.supported.find((v) => v !== versions.python.default)!;
    const dir = await project((d) => edit(d, CI, 'name: ci', 'name: my ci'));
    const result = await upgrade(dir, ['--python', python, '--description', 'Better']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(read(dir, CI)).toContain(`python-version: "${python}"`);
    expect(read(dir, CI)).toContain('name: my ci');
    expect(read(dir, 'README.md')).toContain('Better');
    expect(readJson(join(dir, '.create-ml-ci-cd.json')).answers).toMatchObject({ python, description: 'Better' });
    expect(result.stdout).toContain(`python "${versions.python.default}" -> "${python}"`);
  });

  it('switches the CI provider (--ci) of a real project and back: an unedited project ends byte for byte as a fresh one', async () => {
    const real = join(repoRoot, 'templates');
    const root = tempDir('cmlcicd-ci-');
    for (const name of ['proj', 'fresh']) expect((await cli([name, '--name', 'proj', '--yes'], { cwd: root, env: { CREATE_ML_CI_CD_TEMPLATES: real } })).exitCode).toBe(0);
    const dir = join(root, 'proj');
    const fresh = listTree(join(root, 'fresh')).map((p) => [p, read(join(root, 'fresh'), p)]);

    const dry = await upgrade(dir, ['--ci', 'gitlab', '--dry-run'], { from: real, to: real });
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/would delete +\.github\/workflows\/ml_pipeline\.yml +\(no longer generated; you had not modified it\)/);
    expect(dry.stdout).toMatch(/would add +\.gitlab-ci\.yml/);
    expect(status(dir)).toEqual([]);

    const toGitlab = await upgrade(dir, ['--ci', 'gitlab'], { from: real, to: real });
    expect(toGitlab.exitCode, toGitlab.stderr).toBe(0);
    expect(listTree(dir).filter((p) => p.startsWith('.github/'))).toEqual([]);
    expect(existsSync(join(dir, '.gitlab-ci.yml'))).toBe(true);
    expect(readJson(join(dir, '.create-ml-ci-cd.json')).answers.ci).toBe('gitlab');
    commitAll(dir);

    const back = await upgrade(dir, ['--ci', 'github'], { from: real, to: real });
    expect(back.exitCode, back.stderr).toBe(0);
    expect(listTree(dir).map((p) => [p, read(dir, p)])).toEqual(fresh);
  });

  it('switching the CI provider keeps an edited workflow as a conflict and minds a deleted one not at all', async () => {
    const real = join(repoRoot, 'templates');
    const root = tempDir('cmlcicd-ci-');
    expect((await cli(['proj', '--yes'], { cwd: root, env: { CREATE_ML_CI_CD_TEMPLATES: real } })).exitCode).toBe(0);
    const dir = join(root, 'proj');
    const pipeline = '.github/workflows/ml_pipeline.yml';
    write(dir, pipeline, `${read(dir, pipeline)}# our own step\n`);
    git(dir, 'rm', '-q', '.github/workflows/drift.yml');
    commitAll(dir);

    const result = await upgrade(dir, ['--ci', 'gitlab'], { from: real, to: real });
    expect(result.exitCode, result.stderr).toBe(3);
    expect(read(dir, pipeline)).toMatch(/# our own step\n$/);
    expect(result.stdout).toMatch(/CONFLICT +\.github\/workflows\/ml_pipeline\.yml +\(no longer generated, but you modified it/);
    expect(result.stdout).not.toContain('drift.yml');
    expect(git(dir, 'status', '--porcelain', pipeline)).toMatch(/^UD /);
    expect(existsSync(join(dir, '.github/workflows/retrain.yml'))).toBe(false);
    expect(existsSync(join(dir, '.gitlab-ci.yml'))).toBe(true);
  });

  it('switches the package manager (--package-manager) in every workflow of a real project, keeping an edit beside it', async () => {
    const real = join(repoRoot, 'templates');
    const root = tempDir('cmlcicd-up-');
    const created = await cli(['proj', '--yes', '--package-manager', 'pip'], { cwd: root, env: { CREATE_ML_CI_CD_TEMPLATES: real } });
    expect(created.exitCode, created.stderr).toBe(0);
    const dir = join(root, 'proj');
    const pipeline = '.github/workflows/ml_pipeline.yml';
    edit(dir, pipeline, '      - name: Lint\n', '      - name: Tool versions\n        run: ruff --version\n\n      - name: Lint\n');
    commitAll(dir);

    const result = await upgrade(dir, ['--package-manager', 'uv'], { from: real, to: real });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('packageManager "pip" -> "uv"');
    for (const workflow of [pipeline, '.github/workflows/retrain.yml', '.github/workflows/drift.yml']) {
      expect(read(dir, workflow), workflow).toMatch(/uses: astral-sh\/setup-uv@[0-9a-f]{40} # v.*\n[\s\S]*run: uv pip sync --require-hashes requirements(-dev)?\.lock\n/);
      expect(read(dir, workflow), workflow).not.toMatch(/setup-python|python -m pip install/);
    }
    expect(read(dir, pipeline)).toContain('      - name: Tool versions\n        run: ruff --version\n');
    expect(read(dir, 'README.md')).toContain('uv pip sync --require-hashes requirements-dev.lock');
    expect(readJson(join(dir, '.create-ml-ci-cd.json')).answers.packageManager).toBe('uv');
  });

  it('adds a feature (--<feature>) and removes it (--no-<feature>), keeping modified files', async () => {
    expect(features.length, 'the registry has no feature to add').toBeGreaterThan(0);
    const f = features[0].name;
    const dir = await project();
    const added = await upgrade(dir, [`--${f}`], { from: templatesA, to: templatesA });
    expect(added.exitCode, added.stderr).toBe(0);
    expect(read(dir, `${f}.txt`)).toBe(`feature ${f}\n`);
    expect(readJson(join(dir, '.create-ml-ci-cd.json')).answers.features).toEqual([f]);
    write(dir, `${f}.txt`, 'my change\n');
    commitAll(dir);

    const removed = await upgrade(dir, [`--no-${f}`], { from: templatesA, to: templatesA });
    expect(removed.exitCode, removed.stderr).toBe(3);
    expect(existsSync(join(dir, `${f}-extra.txt`))).toBe(false);
    expect(read(dir, `${f}.txt`)).toBe('my change\n');
    expect(removed.stdout).toMatch(new RegExp(`CONFLICT +${f}\\.txt +\\(no longer generated, but you modified it`));
    expect(readJson(join(dir, '.create-ml-ci-cd.json')).answers.features).toEqual([]);
  });

  it('refuses a dirty tree with a message that says what to do, and --allow-dirty overrides', async () => {
    const dir = await project();
    write(dir, 'notes.txt', 'uncommitted\n');
    const refused = await upgrade(dir);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/has uncommitted changes \(1 file, e\.g\. notes\.txt\)\. Commit or stash them first \(`git stash -u`\), or pass --allow-dirty/);
    expect(status(dir)).toEqual(['?? notes.txt']);
    const allowed = await upgrade(dir, ['--allow-dirty']);
    expect(allowed.exitCode, allowed.stderr).toBe(0);
    expect(read(dir, 'notes.txt')).toBe('uncommitted\n');
    expect(existsSync(join(dir, 'NEW.md'))).toBe(true);
  });

  it('refuses outside a git repository unless --allow-dirty', async () => {
    const dir = await project();
    rmSync(join(dir, '.git'), { recursive: true, force: true });
    const refused = await upgrade(dir);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/not in a git repository.*git init/);
    const allowed = await upgrade(dir, ['--allow-dirty']);
    expect(allowed.exitCode, allowed.stderr).toBe(0);
    expect(existsSync(join(dir, 'NEW.md'))).toBe(true);
  });

  it('--check exits 4 with the list when behind, 0 when up to date, and writes nothing', async () => {
    const dir = await project((d) => edit(d, 'README.md', 'Run the training', 'Train'));
    const behind = await upgrade(dir, ['--check']);
    expect(behind.exitCode).toBe(4);
    expect(behind.stdout).toMatch(/behind create-ml-ci-cd .*: \d+ file\(s\) would change/);
    expect(behind.stdout).toMatch(/would update +\.github\/workflows\/ci\.yml/);
    expect(behind.stdout).toContain('upgrade` and commit the result');
    expect(status(dir)).toEqual([]);

    expect((await upgrade(dir)).exitCode).toBe(0);
    commitAll(dir);
    const current = await upgrade(dir, ['--check'], { from: templatesB });
    expect(current.exitCode, current.stdout).toBe(0);
    expect(current.stdout).toMatch(/up to date[\s\S]*carry your edits, which upgrade keeps: README\.md/);

    // A managed file the user deleted is said to be deleted, not to carry edits.
    git(dir, 'rm', '-q', 'NEW.md');
    commitAll(dir);
    const deleted = await upgrade(dir, ['--check'], { from: templatesB });
    expect(deleted.exitCode, deleted.stdout).toBe(0);
    expect(deleted.stdout).toContain('1 managed file(s) you deleted stay deleted: NEW.md.');
    expect(deleted.stdout).not.toMatch(/carry your edits[^\n]*NEW/);
  });

  it('--dry-run prints the plan and a unified diff and writes nothing', async () => {
    const dir = await project((d) => edit(d, CI, '- run: pytest', '- run: pytest -x'));
    const head = git(dir, 'rev-parse', 'HEAD');
    const result = await upgrade(dir, ['--dry-run']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/would CONFLICT +\.github\/workflows\/ci\.yml/);
    expect(result.stdout).toMatch(/would add +NEW\.md/);
    expect(result.stdout).toContain('--- a/src/train.py\n+++ b/src/train.py\n@@');
    expect(result.stdout).toContain('+import os');
    expect(result.stdout).toContain('--- /dev/null\n+++ b/NEW.md');
    expect(result.stdout).toContain('Dry run: nothing was written');
    expect(status(dir)).toEqual([]);
    expect(git(dir, 'rev-parse', 'HEAD')).toBe(head);
    expect(git(dir, 'ls-files', '-u')).toBe('');
  });

  it('merges a CRLF file in LF and gives it back CRLF', async () => {
    const dir = await project((d) => write(d, 'windows.txt', 'ALPHA\r\nbeta\r\ngamma\r\ndelta\r\n'));
    const result = await upgrade(dir);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(read(dir, 'windows.txt')).toBe('ALPHA\r\nbeta\r\ngamma\r\nDELTA\r\n');
  });

  it('never merges a data file: both changed it, so the user copy stays byte for byte', async () => {
    const mine = 'sepal,petal\n1,2\n9,9\n';
    const dir = await project((d) => write(d, 'data/iris.csv', mine));
    const result = await upgrade(dir);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(read(dir, 'data/iris.csv')).toBe(mine);
    expect(result.stdout).toMatch(/kept yours +data\/iris\.csv +\(data file changed by you and the template/);
  });

  it('running upgrade twice changes nothing the second time', async () => {
    const dir = await project((d) => edit(d, CI, 'name: ci', 'name: my ci'));
    expect((await upgrade(dir)).exitCode).toBe(0);
    commitAll(dir);
    // Now the project records the new templates: B is both base and theirs.
    const again = await upgrade(dir, [], { from: templatesB });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/up to date with create-ml-ci-cd .*; nothing to do/);
    expect(status(dir)).toEqual([]);
  });

  it('refuses outside a generated project with one line', async () => {
    const cwd = tempDir();
    const result = await cli(['upgrade'], { cwd });
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toMatch(/^create-ml-ci-cd: No \.create-ml-ci-cd\.json: upgrade runs in a project generated by create-ml-ci-cd\. .*--dir <path>\.$/);
  });

  it('refuses a corrupt record with one line naming the fix', async () => {
    const dir = await project((d) => write(d, '.create-ml-ci-cd.json', '{"generator": "create-ml-ci-cd", '));
    const result = await upgrade(dir);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/\.create-ml-ci-cd\.json is not valid JSON .*git checkout -- \.create-ml-ci-cd\.json/);
  });

  it('refuses a record from a newer create-ml-ci-cd', async () => {
    const dir = await project((d) => edit(d, '.create-ml-ci-cd.json', /"version": "[^"]+"/.exec(read(d, '.create-ml-ci-cd.json'))![0], '"version": "99.0.0"'));
    const result = await upgrade(dir);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/generated by create-ml-ci-cd 99\.0\.0, newer than this .*create-ml-ci-cd@latest upgrade/);
  });

  it('--workflows-only touches only .github/workflows and keeps the record', async () => {
    const dir = await project();
    const record = read(dir, '.create-ml-ci-cd.json');
    const result = await upgrade(dir, ['--workflows-only']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(status(dir)).toEqual([` M ${CI}`]);
    expect(read(dir, '.create-ml-ci-cd.json')).toBe(record);
    expect((await upgrade(dir, ['--workflows-only', '--python', '3.11'])).stderr).toMatch(/--workflows-only cannot change answers/);
  });

  it("--workflows-only follows the CI provider: with --ci gitlab it touches only .gitlab-ci.yml", async () => {
    const dir = await project(() => {}, ['--ci', 'gitlab']);
    expect(existsSync(join(dir, CI))).toBe(false);
    const result = await upgrade(dir, ['--workflows-only']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(status(dir)).toEqual([' M .gitlab-ci.yml']);
    expect(read(dir, '.gitlab-ci.yml')).toContain('python -m pytest');
  });

  it('without the base (version not in the registry, offline) loses nothing: differing files become conflicts', async () => {
    const dir = await project((d) => {
      edit(d, 'README.md', 'Run the training', 'Train');
    });
    // The real npm, offline: the recorded version cannot be had.
    const result = await cli(['upgrade', '--yes'], { cwd: dir, env: { CREATE_ML_CI_CD_TEMPLATES: templatesB, npm_config_offline: 'true', npm_config_registry: 'http://127.0.0.1:9/' } });
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toMatch(/Could not run create-ml-ci-cd@0\.0\.1 \(through npm: .*nothing is overwritten/);
    const readme = read(dir, 'README.md');
    expect(readme).toMatch(/^# proj\n\nIris demo\n\n## Usage\n\n<<<<<<< current\nTrain [\s\S]*\n=======\n[\s\S]*\(B\)\.\n>>>>>>> create-ml-ci-cd@/);
    expect(read(dir, 'old.txt')).toBe('dropped by B\n');
    expect(read(dir, 'NEW.md')).toBe('Added by B.\n');
    expect(status(dir)).toEqual(expect.arrayContaining(['AA README.md', `AA ${CI}`]));
    expect(readJson(join(dir, '.create-ml-ci-cd.json')).version).not.toBe('0.0.1');
  });

  it('without the base and with a terminal, asks per file: keep mine, take new, or markers', async () => {
    const dir = await project((d) => {
      edit(d, 'README.md', 'Run the training', 'Train');
    });
    const [UP, ENTER] = ['\x1b[A', '\r'];
    // Differing text files, in path order: ci.yml, README.md, src/train.py, windows.txt.
    const script = [
      ['ci\\.yml differs', `${UP}${ENTER}`],
      ['README\\.md differs', `${UP}${UP}${ENTER}`],
      ['train\\.py differs', ENTER],
      ['windows\\.txt differs', ENTER],
    ];
    const result = await execa('python3', [join(repoRoot, 'test/support/pty_drive.py'), JSON.stringify(script), '--', 'node', cliBin, 'upgrade'], {
      cwd: dir,
      reject: false,
      extendEnv: false,
      env: env({ CREATE_ML_CI_CD_TEMPLATES: templatesB, npm_config_offline: 'true', npm_config_registry: 'http://127.0.0.1:9/' }),
    });
    expect(result.exitCode, result.stdout).toBe(3);
    expect(read(dir, CI)).toContain('python -m pytest');
    expect(read(dir, CI)).not.toContain('<<<<<<<');
    expect(read(dir, 'README.md')).toContain('Train with');
    expect(read(dir, 'README.md')).not.toContain('(B)');
    expect(read(dir, 'src/train.py')).toContain('<<<<<<< current');
    expect(status(dir)).toEqual(expect.arrayContaining([` M ${CI}`, 'AA src/train.py', 'AA windows.txt']));
    expect(result.stdout).toMatch(/2 file\(s\) have conflicts: src\/train\.py, windows\.txt/);
  });

  it('upgrades a project in a subdirectory of a repository (--dir), registering conflicts at the right path', async () => {
    const root = tempDir('cmlcicd-mono-');
    git(root, 'init', '-q', '-b', 'main');
    const created = await cli(['packages/proj', '--yes'], { cwd: root, env: { CREATE_ML_CI_CD_TEMPLATES: templatesA } });
    expect(created.exitCode, created.stderr).toBe(0);
    recordBaseVersion(join(root, 'packages/proj'));
    edit(join(root, 'packages/proj'), CI, '- run: pytest', '- run: pytest -x');
    commitAll(root);
    const result = await upgrade(root, ['--dir', 'packages/proj']);
    expect(result.exitCode).toBe(3);
    expect(status(root)).toContain(`UU packages/proj/${CI}`);
    expect(read(root, 'packages/proj/NEW.md')).toBe('Added by B.\n');
  });

  it('--help lists the upgrade flags and the answer flags', async () => {
    const result = await cli(['upgrade', '--help'], { cwd: tempDir() });
    expect(result.exitCode).toBe(0);
    for (const flag of ['--dry-run', '--check', '--workflows-only', '--allow-dirty', '--dir <path>', '--python', '--yes', ...features.map((f) => `--[no-]${f.name}`)])
      expect(result.stdout).toContain(flag);
    expect(result.stdout).not.toContain('--name');
    expect((await cli(['upgrade', '--bogus'], { cwd: tempDir() })).stderr).toMatch(/Unknown option --bogus\. Run `create-ml-ci-cd upgrade --help`/);
  });

  it('with the real templates, a fresh project is up to date and upgrade is a no-op', async () => {
    const root = tempDir();
    const created = await cli(['proj', '--yes'], { cwd: root });
    expect(created.exitCode, created.stderr).toBe(0);
    const dir = join(root, 'proj');
    const check = await cli(['upgrade', '--check'], { cwd: dir });
    expect(check.exitCode, check.stdout + check.stderr).toBe(0);
    const run = await cli(['upgrade'], { cwd: dir });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('nothing to do');
    expect(status(dir)).toEqual([]);
    expect(listTree(dir)).toContain('.create-ml-ci-cd.json');
  });
});
