import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { versions } from '@create-ml-ci-cd/core';
import { bin, readJson, repoRoot, tempDir } from './support/cli.js';

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
      ['Optional features', ` ${ENTER}`], // space ticks the first feature
      ['git repository', `n${ENTER}`],
      ['install dependencies', ENTER],
    ]);
    expect(result.exitCode, result.stdout).toBe(0);
    const record = readJson(join(cwd, 'iris-pty/.create-ml-ci-cd.json'));
    expect(record.answers).toMatchObject({ name: 'iris-pty', description: 'Typed at a prompt' });
    expect(record.answers.python).not.toBe(versions.python.default); // moved off the default
    expect(record.answers.packageManager).toBe('pip');
    expect(record.answers.features).toEqual(['dvc']);
    expect(existsSync(join(cwd, 'iris-pty/.git'))).toBe(false);
  });

  it('skips the prompts whose values came as flags', async () => {
    const cwd = tempDir();
    const result = await inPty(cwd, ['flagged', '--description', 'from a flag', '--python', '3.11', '--package-manager', 'uv', '--no-dvc', '--no-git', '--no-install'], []);
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout).not.toMatch(/Project name|Description:|Python version|Package manager|Optional features/);
    expect(readJson(join(cwd, 'flagged/.create-ml-ci-cd.json')).answers).toMatchObject({ description: 'from a flag', python: '3.11' });
  });

  it('rejects an invalid name at the prompt and asks again', async () => {
    const cwd = tempDir();
    const result = await inPty(cwd, ['--no-git', '--no-install', '--python', '3.12', '--package-manager', 'uv', '--description', 'x', '--no-dvc'], [
      ['Project name', `\x15Bad Name${ENTER}`],
      ['Invalid project name', `\x15good-name${ENTER}`],
    ]);
    expect(result.exitCode, result.stdout).toBe(0);
    expect(existsSync(join(cwd, 'good-name/src/train.py'))).toBe(true);
  });

  it('Ctrl-C at a prompt exits 130 and writes nothing', async () => {
    const cwd = tempDir();
    const result = await inPty(cwd, [], [['Project name', '\x03']]);
    expect(result.exitCode).toBe(130);
    expect(readdirSync(cwd)).toEqual([]);
  });
});
