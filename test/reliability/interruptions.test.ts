// The project appears complete or not at all: an interrupt leaves nothing behind, and a failed
// install leaves the complete project with instructions to retry.
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa, execaSync } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { versions } from '@create-ml-ci-cd/core';
import { bin, cli, listTree, repoRoot, tempDir } from '../support/cli.js';
import { pausedCli } from '../support/paused-cli.js';
import { snapshot } from './support.js';

/** The create command built with a pause after rendering the whole project into its staging directory. */
let paused: string;
beforeAll(async () => {
  paused = await pausedCli();
}, 120_000);
const PAUSED = /\[test\] paused before moving (\.\S+\.creating-[0-9a-f]+) into place/;

/** Start the CLI, wait until it has paused with a full staging directory, and return both. */
async function startPaused(cwd: string, args: string[]) {
  const child = execa('node', [paused, ...args], { cwd, reject: false, stdin: 'ignore', env: { NO_COLOR: '1' } });
  let stderr = '';
  const staging = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk;
      const m = PAUSED.exec(stderr);
      if (m) resolve(m[1]);
    });
    child.then((r) => reject(new Error(`exited ${r.exitCode} before pausing: ${r.stderr}`)), reject);
  });
  return { child, staging };
}

describe('interrupted while writing', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('%s with the project rendered but not yet in place: exit %i, nothing left', async (signal, code) => {
    const cwd = tempDir();
    const { child, staging } = await startPaused(cwd, ['demo', '--yes']);
    // The worst moment: every file is written, only the move into place is left.
    expect(listTree(join(cwd, staging))).toContain('src/train.py');
    child.kill(signal);
    const result = await child;
    expect(result.exitCode).toBe(code);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('SIGTERM while writing into an existing directory (--force) leaves it exactly as it was', async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'demo'));
    writeFileSync(join(cwd, 'demo/notes.txt'), 'mine');
    const before = snapshot(join(cwd, 'demo'));
    const { child, staging } = await startPaused(cwd, ['demo', '--yes', '--force']);
    expect(existsSync(join(cwd, staging, 'src/train.py'))).toBe(true);
    child.kill('SIGTERM');
    expect((await child).exitCode).toBe(143);
    expect(readdirSync(cwd)).toEqual(['demo']);
    expect(snapshot(join(cwd, 'demo'))).toEqual(before);
  });

  it('Ctrl-C in a real terminal while writing: exit 130, nothing left', async () => {
    const cwd = tempDir();
    // The pty driver types Ctrl-C once the pause marker shows; the terminal turns it into SIGINT.
    const result = await execa('python3', [join(repoRoot, 'test/support/pty_drive.py'), JSON.stringify([['paused before moving', '\x03']]), '--', 'node', paused, 'demo', '--yes'], {
      cwd,
      reject: false,
      env: { NO_COLOR: '1' },
    });
    expect(result.exitCode, result.stdout).toBe(130);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('SIGTERM at a prompt: exit 143, nothing written', async () => {
    const cwd = tempDir();
    const result = await execa('python3', [join(repoRoot, 'test/support/pty_drive.py'), JSON.stringify([['Project name', 'SIGNAL:SIGTERM']]), '--', 'node', bin], {
      cwd,
      reject: false,
      env: { NO_COLOR: '1' },
    });
    expect(result.exitCode, result.stdout).toBe(143);
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe('a failed or interrupted dependency install', () => {
  const py = versions.python.default;
  /** A bin directory holding only git, and python<default> if a script is given: the rest of PATH is gone. */
  function pathWith(python?: string): string {
    const dir = tempDir('cmlcicd-bin-');
    const git = execaSync('sh', ['-c', 'command -v git']).stdout.trim();
    symlinkSync(git, join(dir, 'git'));
    if (python !== undefined) writeFileSync(join(dir, `python${py}`), python, { mode: 0o755 });
    return dir;
  }
  /** No pyenv either: an empty PYENV_ROOT. */
  const noPyenv = () => tempDir('cmlcicd-pyenv-');

  /** Exit 5, the whole project in place and committed, and the exact commands to retry. */
  function expectIntact(cwd: string, result: { exitCode?: number; stderr: unknown; stdout: unknown }) {
    const stderr = String(result.stderr);
    expect(result.exitCode, stderr).toBe(5);
    expect(stderr).toContain('Installing the dependencies failed; the project itself is complete. Retry with:');
    expect(stderr).toMatch(new RegExp(`cd demo\\n\\s+\\S*python${py.replace('.', '\\.')} -m venv \\.venv\\n\\s+\\.venv/bin/python -m pip install --require-hashes --no-deps -r requirements-dev\\.lock`));
    expect(stderr).not.toMatch(/^\s+at /m);
    const tree = listTree(join(cwd, 'demo'));
    for (const file of ['.create-ml-ci-cd.json', 'src/train.py', 'requirements-dev.txt', 'requirements-dev.lock', '.github/workflows/ml_pipeline.yml']) expect(tree).toContain(file);
    expect(existsSync(join(cwd, 'demo/.git')), 'git ran before the install').toBe(true);
    expect(readdirSync(cwd).filter((f) => f.includes('.creating-'))).toEqual([]);
  }

  const gitIdentity = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };

  it("the project's Python is not installed: one line naming what to install, exit 2, nothing written", async () => {
    const cwd = tempDir();
    const result = await execa(process.execPath, [bin, 'demo', '--yes', '--install', '--package-manager', 'pip'], {
      cwd,
      reject: false,
      stdin: 'ignore',
      env: { NO_COLOR: '1', PATH: pathWith(), PYENV_ROOT: noPyenv(), ...gitIdentity },
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      `create-ml-ci-cd: Python ${py} (the project's --python) is not installed here (looked at pyenv's versions, python${py} on PATH). Install it (\`pyenv install ${py}\`, \`uv python install ${py}\` or python.org), choose one you have with --python, or drop --install.`,
    );
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('the venv step failing: exit 5, project intact', async () => {
    const cwd = tempDir();
    // Answers the interpreter probe as Python <default>, then fails to make the venv.
    const fake = `#!/bin/sh\nif [ "$1" = -c ]; then echo "$0"; echo ${py}.0; exit 0; fi\necho "simulated venv failure" >&2\nexit 1\n`;
    const result = await execa(process.execPath, [bin, 'demo', '--yes', '--install', '--package-manager', 'pip'], {
      cwd,
      reject: false,
      stdin: 'ignore',
      env: { NO_COLOR: '1', PATH: pathWith(fake), PYENV_ROOT: noPyenv(), ...gitIdentity },
    });
    expectIntact(cwd, result);
    expect(result.stderr).toContain('simulated venv failure');
  });

  it('a requirement pip cannot install: exit 5, project intact, the venv made from the declared Python among several', async () => {
    const cwd = tempDir();
    const result = await cli(['demo', '--yes', '--install', '--package-manager', 'pip'], {
      cwd,
      // No index and an empty directory of links: pip cannot fetch the lock's first package and
      // fails at once, without asking PyPI.
      env: { NO_COLOR: '1', PIP_NO_INDEX: '1', PIP_FIND_LINKS: tempDir('cmlcicd-nolinks-'), PIP_DISABLE_PIP_VERSION_CHECK: '1', ...gitIdentity },
    });
    expectIntact(cwd, result);
    // What failed is the install from the lock, hashes required.
    expect(result.stdout).toContain('-m pip install --require-hashes --no-deps -r requirements-dev.lock');
    expect(result.stderr).toMatch(/No matching distribution found for \S+==/);
    // python3 here is another version (3.11 on these machines): the venv still has the project's.
    const venv = execaSync(join(cwd, 'demo/.venv/bin/python'), ['-c', 'import platform; print(platform.python_version())']).stdout;
    expect(venv.startsWith(`${py}.`), venv).toBe(true);
  });

  it('Ctrl-C in a terminal while pip installs: exit 130, no traceback, no half-made .venv, the project complete', async () => {
    const cwd = tempDir();
    const result = await execa(
      'python3',
      [join(repoRoot, 'test/support/pty_drive.py'), JSON.stringify([['-m pip install', '\x03']]), '--', 'node', bin, 'demo', '--yes', '--install', '--package-manager', 'pip'],
      { cwd, reject: false, env: { NO_COLOR: '1', PIP_DISABLE_PIP_VERSION_CHECK: '1', ...gitIdentity } },
    );
    expect(result.exitCode, result.stdout).toBe(130);
    expect(result.stdout).toContain('Interrupted while installing; removed the half-made .venv. The project itself is complete.');
    expect(result.stdout).not.toMatch(/Traceback|KeyboardInterrupt/);
    expect(existsSync(join(cwd, 'demo/.venv'))).toBe(false);
    expect(existsSync(join(cwd, 'demo/src/train.py'))).toBe(true);
  });
});
