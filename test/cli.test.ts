import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allOptions, kebab, optionHelp, versions } from '@create-ml-ci-cd/core';
import { cli, listTree, readJson, repoRoot, tempDir } from './support/cli.js';

describe('create-ml-ci-cd (spawned, non-interactive)', () => {
  it('creates the base project with recorded answers and a git commit', async () => {
    const cwd = tempDir();
    const result = await cli(['demo', '--yes', '--description', 'Iris: "quoted" #1'], { cwd });
    expect(result.exitCode, result.stderr).toBe(0);
    const project = join(cwd, 'demo');
    const tree = listTree(project);
    for (const file of ['.create-ml-ci-cd.json', '.gitignore', 'data/iris.csv', 'src/train.py', 'params.yaml', 'requirements.txt', 'pyproject.toml', 'README.md', '.github/workflows/ml_pipeline.yml'])
      expect(tree).toContain(file);
    expect(tree.some((f) => f.startsWith('tests/'))).toBe(true);
    const record = readJson(join(project, '.create-ml-ci-cd.json'));
    expect(record.answers).toEqual({ name: 'demo', description: 'Iris: "quoted" #1', python: versions.python.default, packageManager: 'uv', ci: 'github', retrainCron: '0 6 * * 1', features: [] });
    expect(record.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(existsSync(join(project, '.git'))).toBe(true);
    expect(result.stdout).toContain('Next steps');
    expect(readdirSync(cwd)).toEqual(['demo']); // no staging directory left behind
  });

  it('--ci gitlab --yes writes .gitlab-ci.yml and no .github/, and records the provider', async () => {
    const cwd = tempDir();
    const result = await cli(['demo', '--ci', 'gitlab', '--yes', '--no-git'], { cwd });
    expect(result.exitCode, result.stderr).toBe(0);
    const tree = listTree(join(cwd, 'demo'));
    expect(tree).toContain('.gitlab-ci.yml');
    expect(tree.filter((f) => f.startsWith('.github/'))).toEqual([]);
    expect(readJson(join(cwd, 'demo', '.create-ml-ci-cd.json')).answers.ci).toBe('gitlab');
    expect(readFileSync(join(cwd, 'demo', 'README.md'), 'utf8')).toContain('## GitLab CI');
  });

  it('takes flags over the answers file over defaults', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'answers.json'), JSON.stringify({ name: 'from-file', description: 'from file', python: '3.12' }));
    const result = await cli(['out', '--answers', 'answers.json', '--python', '3.11', '--no-git'], { cwd });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readJson(join(cwd, 'out/.create-ml-ci-cd.json')).answers).toMatchObject({ name: 'from-file', description: 'from file', python: '3.11' });
    expect(existsSync(join(cwd, 'out/.git'))).toBe(false);
  });

  it('accepts a recorded .create-ml-ci-cd.json as an answers file and reproduces the project', async () => {
    const cwd = tempDir();
    expect((await cli(['one', '--yes', '--no-git', '--python', '3.13'], { cwd })).exitCode).toBe(0);
    expect((await cli(['two', '--yes', '--no-git', '--answers', 'one/.create-ml-ci-cd.json'], { cwd })).exitCode).toBe(0);
    const one = listTree(join(cwd, 'one'));
    expect(listTree(join(cwd, 'two'))).toEqual(one);
    for (const file of one) expect(readFileSync(join(cwd, 'two', file)), file).toEqual(readFileSync(join(cwd, 'one', file)));
  });

  it('prints help and version', async () => {
    const help = await cli(['--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/Usage: create-ml-ci-cd \[directory\]/);
    const version = await cli(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('derives --help and upgrade --help from the options model: every option, its choices and its default', async () => {
    const [create, upgrade] = await Promise.all([cli(['--help']), cli(['upgrade', '--help'])]);
    for (const { option } of allOptions()) {
      expect(create.stdout).toContain(`--${kebab(option.key)} ${option.valueName}`);
      expect(create.stdout).toContain(optionHelp(option));
      // upgrade takes every answer but the name (the project keeps its name).
      if (option.key !== 'name') expect(upgrade.stdout).toContain(`--${kebab(option.key)} ${option.valueName}`);
    }
  });

  it("documents every create flag in the README's option table", async () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const flags = [...(await cli(['--help'])).stdout.matchAll(/--(?:\[no-\])?([a-z][a-z-]*)/g)].map((m) => m[1]);
    expect(flags.length).toBeGreaterThan(10);
    for (const flag of new Set(flags)) expect(readme, `--${flag}`).toMatch(new RegExp(`^\\| .*[\` ]--(\\[no-\\])?${flag}[\` ]`, 'm'));
  });

  it.each([
    [['Bad Name', '--yes'], /Invalid project name "Bad Name".*Pass --name/],
    [['demo', '--name', 'import', '--yes'], /Python keyword/],
    [['demo', '--bogus'], /Unknown option --bogus/],
    [['demo', '--python', '2.7'], /unsupported Python version "2.7" \(--python\): use one of 3\.11/],
    [["demo", "--package-manager", "npm"], /unsupported package manager "npm" \(--package-manager\): use uv or pip/],
    [['demo', '--ci', 'travis'], /^create-ml-ci-cd: unsupported CI provider "travis" \(--ci\): use one of github, gitlab, jenkins\./],
    [['demo', '--git', '--no-git'], /Conflicting options/],
    [['a', 'b'], /Too many arguments/],
    [['demo', '--answers', 'missing.json'], /missing.json does not exist/],
  ])('refuses %j with one line, exit 2, nothing written', async (args, message) => {
    const cwd = tempDir();
    const result = await cli(args, { cwd });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('refuses a non-empty directory without --force, and with --force keeps unrelated files', async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'demo'));
    writeFileSync(join(cwd, 'demo', 'notes.txt'), 'mine');
    const refused = await cli(['demo', '--yes'], { cwd });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/demo is not empty\. Use --force/);
    expect(readdirSync(join(cwd, 'demo'))).toEqual(['notes.txt']);

    const forced = await cli(['demo', '--yes', '--force', '--no-git'], { cwd });
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(readFileSync(join(cwd, 'demo', 'notes.txt'), 'utf8')).toBe('mine');
    expect(existsSync(join(cwd, 'demo', 'src/train.py'))).toBe(true);
    expect(readdirSync(cwd)).toEqual(['demo']);
  });

  it('installs with pip when asked, and tells uv users without uv that pip installs locally', async () => {
    const cwd = tempDir();
    // PATH without uv (node and git only): the default project says how to install with pip.
    const bare = tempDir();
    for (const tool of ['node', 'git']) symlinkSync(execFileSync('which', [tool], { encoding: 'utf8' }).trim(), join(bare, tool));
    const noUv = await cli(['uvless', '--yes'], { cwd, env: { PATH: bare } });
    expect(noUv.exitCode, noUv.stderr).toBe(0);
    expect(noUv.stdout).toMatch(/uv was not found on PATH, so pip installs locally \(CI uses uv either way\)/);
    expect(noUv.stdout).toContain(`python${versions.python.default} -m venv .venv\n  .venv/bin/python -m pip install --require-hashes --no-deps -r requirements-dev.lock`);
    expect(readFileSync(join(cwd, 'uvless/.github/workflows/ml_pipeline.yml'), 'utf8')).toContain('uv pip sync --require-hashes requirements-dev.lock');

    // uv on PATH: the next steps use it.
    const withUv = await cli(['uvful', '--yes', '--no-git'], { cwd, env: { PATH: `${join(repoRoot, '.tools/bin')}:${bare}` } });
    // The same commands as the generated README's quick start.
    expect(withUv.stdout).toContain(`uv venv --python ${versions.python.default} .venv\n  uv pip sync --require-hashes requirements-dev.lock`);
    expect(withUv.stdout).not.toMatch(/not found|-m pip/);

    const pip = await cli(['piponly', '--yes', '--no-git', '--package-manager', 'pip'], { cwd, env: { PATH: bare } });
    expect(pip.exitCode, pip.stderr).toBe(0);
    expect(pip.stdout).not.toMatch(/uv/);
    expect(readJson(join(cwd, 'piponly/.create-ml-ci-cd.json')).answers.packageManager).toBe('pip');
    const workflow = readFileSync(join(cwd, 'piponly/.github/workflows/ml_pipeline.yml'), 'utf8');
    expect(workflow).toMatch(/uses: actions\/setup-python@[0-9a-f]{40} # v/);
    expect(workflow).toContain('run: python -m pip install --require-hashes --no-deps -r requirements-dev.lock');
    expect(workflow).not.toMatch(/setup-uv|uv pip/);
    expect(readFileSync(join(cwd, 'piponly/README.md'), 'utf8')).toContain('python -m venv .venv');
  });

  it('works in a path with spaces', async () => {
    const cwd = tempDir();
    const result = await cli(['my dir/demo', '--yes', '--no-git'], { cwd });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(existsSync(join(cwd, 'my dir/demo/src/train.py'))).toBe(true);
  });
});

describe('messages', () => {
  it('`help` prints the help and creates nothing, with or without a terminal', async () => {
    const cwd = tempDir();
    const result = await cli(['help'], { cwd });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^Usage: create-ml-ci-cd \[directory\]/);
    expect((await cli(['help', 'upgrade'], { cwd })).stdout).toMatch(/^Usage: create-ml-ci-cd upgrade/);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('says "the current directory" for `.`; --force without a terminal refuses listing what differs, --overwrite replaces it', async () => {
    const cwd = tempDir();
    const here = await cli(['.', '--yes', '--no-git', '--name', 'demo'], { cwd });
    expect(here.stdout).toContain('Created demo in the current directory.');
    const dir = join(cwd, 'again');
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'src/train.py'), 'mine');
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const refused = await cli(['again', '--yes', '--no-git', '--force'], { cwd });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr.trim()).toBe(
      'create-ml-ci-cd: again: 1 existing file would be overwritten (src/train.py). Pass --overwrite to replace them, run in a terminal to choose per file, or choose another directory.',
    );
    expect(listTree(dir).sort()).toEqual(['notes.txt', 'src/train.py']);
    expect(readdirSync(cwd).filter((f) => f.includes('.creating-'))).toEqual([]);
    const forced = await cli(['again', '--yes', '--no-git', '--overwrite'], { cwd });
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(forced.stdout).toContain('Overwrote 1 existing file: src/train.py');
    expect(readFileSync(join(dir, 'src/train.py'), 'utf8')).not.toBe('mine');
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('--force: files identical to what it writes are not conflicts; the list names the first three and a count', async () => {
    const cwd = tempDir();
    expect((await cli(['demo', '--yes', '--no-git'], { cwd })).exitCode).toBe(0);
    const dir = join(cwd, 'demo');
    const identical = await cli(['demo', '--yes', '--no-git', '--force'], { cwd });
    expect(identical.exitCode, identical.stderr).toBe(0);
    expect(identical.stdout).not.toContain('Overwrote');
    for (const file of ['README.md', 'src/train.py', 'params.yaml', 'SECURITY.md']) writeFileSync(join(dir, file), 'mine\n');
    const refused = await cli(['demo', '--yes', '--no-git', '--force'], { cwd });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/demo: 4 existing files would be overwritten \(README\.md, SECURITY\.md, params\.yaml and 1 more\)\. Pass --overwrite/);
    expect(readFileSync(join(dir, 'src/train.py'), 'utf8')).toBe('mine\n');
  });

  it('points a directory that already is a project to upgrade, in the launcher\'s syntax', async () => {
    const cwd = tempDir();
    expect((await cli(['demo', '--yes', '--no-git'], { cwd })).exitCode).toBe(0);
    const again = await cli(['demo', '--yes'], { cwd, env: { npm_config_user_agent: 'pnpm/10.34.8 npm/? node/v20.20.2 linux x64' } });
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toBe('create-ml-ci-cd: demo is already a create-ml-ci-cd project: run `pnpm dlx create-ml-ci-cd@latest upgrade` in it to bring in newer templates.');
  });

  it('colours its own lines only when asked: FORCE_COLOR on, NO_COLOR (or no terminal) off', async () => {
    const { execa } = await import('execa');
    const { bin } = await import('./support/cli.js');
    const run = (env: Record<string, string>) => execa('node', [bin, 'x', '--yes', '--no-git', '--python', '2.7'], { cwd: tempDir(), reject: false, stdin: 'ignore', env, extendEnv: true });
    expect((await run({ FORCE_COLOR: '1', NO_COLOR: '' })).stderr).toContain('\x1b[31mcreate-ml-ci-cd:\x1b[39m');
    expect((await run({ NO_COLOR: '1' })).stderr).not.toContain('\x1b[');
    expect((await run({ FORCE_COLOR: '0' })).stderr).not.toContain('\x1b[');
  });
});
