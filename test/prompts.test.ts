import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { versions } from '@create-ml-ci-cd/core';
import { bin, cli, readJson, repoRoot, tempDir } from './support/cli.js';

const ENTER = '\r';
const DOWN = '\x1b[B';

/** Run the CLI in a real pseudo-terminal, answering prompts in order: [prompt regex, keys]. */
function inPty(cwd: string, args: string[], script: [string, string][]) {
  return execa('python3', [join(repoRoot, 'test/support/pty_drive.py'), JSON.stringify(script), '--', 'node', bin, ...args], {
    cwd,
    reject: false,
    env: { NO_COLOR: '1' },
  });
}

describe('interactive prompts (real pseudo-terminal)', () => {
  it('asks for every answer and writes them into the project', async () => {
    const cwd = tempDir();
    const result = await inPty(cwd, [], [
      ['Project name', `\x15iris-pty${ENTER}`],
      ['Description', `\x15Typed at a prompt${ENTER}`],
      ['Python version', `${DOWN}${ENTER}`],
      ['Package manager', `${DOWN}${ENTER}`], // uv is first; pip below
      ['CI provider', ENTER], // github, the default (GitLab needs a Python image digest 3.14 lacks)
      ['Optional features', ` ${ENTER}`], // space ticks the first feature
      ['DVC remote', `\x15../shared-store${ENTER}`], // the chosen feature's own option is asked too
      ['git repository', `n${ENTER}`],
      ['install dependencies', ENTER],
    ]);
    expect(result.exitCode, result.stdout).toBe(0);
    const record = readJson(join(cwd, 'iris-pty/.create-ml-ci-cd.json'));
    expect(record.answers).toMatchObject({ name: 'iris-pty', description: 'Typed at a prompt' });
    expect(record.answers.python).not.toBe(versions.python.default); // moved off the default
    expect(record.answers.packageManager).toBe('pip');
    expect(record.answers.ci).toBe('github');
    expect(record.answers.features).toEqual(['dvc']);
    expect(record.answers.dvcRemote).toBe('../shared-store');
    // The answer line names the chosen features; the full labels were shown once, in the list.
    expect(result.stdout).toMatch(/Optional features: dvc(\x1b\[\d+G)?\r?\n/);
    expect(existsSync(join(cwd, 'iris-pty/.git'))).toBe(false);
  });

  it('skips the prompts whose values came as flags', async () => {
    const cwd = tempDir();
    const result = await inPty(cwd, ['flagged', '--description', 'from a flag', '--python', '3.11', '--package-manager', 'uv', '--ci', 'gitlab', '--no-dvc', '--no-git', '--no-install'], []);
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout).not.toMatch(/Project name|Description:|Python version|Package manager|CI provider|Optional features/);
    expect(readJson(join(cwd, 'flagged/.create-ml-ci-cd.json')).answers).toMatchObject({ description: 'from a flag', python: '3.11' });
  });

  it('rejects an invalid name at the prompt and asks again', async () => {
    const cwd = tempDir();
    const result = await inPty(cwd, ['--no-git', '--no-install', '--python', '3.12', '--package-manager', 'uv', '--ci', 'github', '--description', 'x', '--no-dvc'], [
      ['Project name', `\x15Bad Name${ENTER}`],
      ['Invalid project name', `\x15good-name${ENTER}`],
    ]);
    expect(result.exitCode, result.stdout).toBe(0);
    expect(existsSync(join(cwd, 'good-name/src/train.py'))).toBe(true);
  });

  it('looks at a non-empty directory before any question: Cancel exits 0 and writes nothing', async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'full'));
    writeFileSync(join(cwd, 'full/notes.txt'), 'mine');
    // The first thing on screen after the banner is the directory question, not "Project name".
    const result = await inPty(cwd, ['full'], [['full is not empty', ENTER]]);
    expect(result.stdout).toMatch(/create-ml-ci-cd \d+\.\d+\.\d+/);
    expect(result.stdout).not.toMatch(/Description:|Python version/);
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout).toContain('Cancelled; nothing was written.');
    expect(readdirSync(join(cwd, 'full'))).toEqual(['notes.txt']);
  });

  it('asks about the directory right after the name that leads to it, and writes into it when told to', async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'taken'));
    writeFileSync(join(cwd, 'taken/notes.txt'), 'mine');
    const result = await inPty(cwd, ['--no-git', '--no-install', '--python', '3.12', '--package-manager', 'uv', '--ci', 'github', '--no-dvc'], [
      ['Project name', `\x15taken${ENTER}`],
      ['taken is not empty', `${DOWN}${ENTER}`],
      ['Description', ENTER],
    ]);
    expect(result.exitCode, result.stdout).toBe(0);
    expect(readFileSync(join(cwd, 'taken/notes.txt'), 'utf8')).toBe('mine');
    expect(existsSync(join(cwd, 'taken/src/train.py'))).toBe(true);
  });

  it('Ctrl-C at a prompt exits 130 and writes nothing', async () => {
    const cwd = tempDir();
    const result = await inPty(cwd, [], [['Project name', '\x03']]);
    expect(result.exitCode).toBe(130);
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe('--force in a terminal: Yeoman\'s conflicter asks per differing file', () => {
  /** A generated project with README.md and src/train.py edited, and a file of the user's. */
  async function edited() {
    const cwd = tempDir();
    expect((await cli(['demo', '--yes', '--no-git'], { cwd })).exitCode).toBe(0);
    for (const file of ['README.md', 'src/train.py']) writeFileSync(join(cwd, 'demo', file), 'mine\n');
    writeFileSync(join(cwd, 'demo/notes.txt'), 'keep\n');
    return cwd;
  }
  const args = ['demo', '--force', '--no-git', '--no-install', '--answers', 'demo/.create-ml-ci-cd.json'];
  const read = (cwd: string, file: string) => readFileSync(join(cwd, 'demo', file), 'utf8');

  it('shows the diff, then skips one file and overwrites the other; identical files are not asked about', async () => {
    const cwd = await edited();
    const result = await inPty(cwd, args, [
      ['Overwrite README.md\\?', `d${ENTER}`],
      ['-mine', ''],
      ['Overwrite README.md\\?', `n${ENTER}`],
      ['Overwrite src/train.py\\?', `y${ENTER}`],
    ]);
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout.match(/\? Overwrite [^?\s]+\?/g)?.filter((q, i, all) => all.indexOf(q) === i)).toEqual(['? Overwrite README.md?', '? Overwrite src/train.py?']);
    expect(result.stdout).toContain('Overwrote 1 existing file: src/train.py');
    expect(result.stdout).toContain('Kept 1 existing file unchanged: README.md');
    expect(read(cwd, 'README.md')).toBe('mine\n');
    expect(read(cwd, 'src/train.py')).not.toBe('mine\n');
    expect(read(cwd, 'notes.txt')).toBe('keep\n');
  });

  it('"skip this and all others" asks once and keeps both files', async () => {
    const cwd = await edited();
    const result = await inPty(cwd, args, [['Overwrite README.md\\?', `s${ENTER}`]]);
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout).not.toContain('Overwrite src/train.py?');
    expect(result.stdout).toContain('Kept 2 existing files unchanged: README.md, src/train.py');
    expect(read(cwd, 'src/train.py')).toBe('mine\n');
  });

  it('Ctrl-C at the second question: exit 130, nothing written, not even the file already answered', async () => {
    const cwd = await edited();
    const result = await inPty(cwd, args, [
      ['Overwrite README.md\\?', `y${ENTER}`],
      ['Overwrite src/train.py\\?', '\x03'],
    ]);
    expect(result.exitCode, result.stdout).toBe(130);
    expect(read(cwd, 'README.md')).toBe('mine\n');
    expect(read(cwd, 'src/train.py')).toBe('mine\n');
    expect(readdirSync(cwd)).toEqual(['demo']);
  });
});
