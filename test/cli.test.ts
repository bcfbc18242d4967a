import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, listTree, readJson, tempDir } from './support/cli.js';

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
    expect(record.answers).toEqual({ name: 'demo', description: 'Iris: "quoted" #1', python: '3.12', retrainCron: '0 6 * * 1', features: [] });
    expect(record.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(existsSync(join(project, '.git'))).toBe(true);
    expect(result.stdout).toContain('Next steps');
    expect(readdirSync(cwd)).toEqual(['demo']); // no staging directory left behind
  });

  it('takes flags over the answers file over defaults', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'answers.json'), JSON.stringify({ name: 'from-file', description: 'from file', python: '3.10' }));
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

  it.each([
    [['Bad Name', '--yes'], /Invalid project name "Bad Name".*Pass --name/],
    [['demo', '--name', 'import', '--yes'], /Python keyword/],
    [['demo', '--bogus'], /Unknown option --bogus/],
    [['demo', '--python', '2.7'], /Unsupported Python version "2.7"/],
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

  it('works in a path with spaces', async () => {
    const cwd = tempDir();
    const result = await cli(['my dir/demo', '--yes', '--no-git'], { cwd });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(existsSync(join(cwd, 'my dir/demo/src/train.py'))).toBe(true);
  });
});
