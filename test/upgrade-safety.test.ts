// `upgrade` never loses or alters a byte it was not asked to change: encodings, line endings,
// ignored files, symbolic links, type conflicts, failures and signals mid-way, the record, and
// the documented undo recipe. Real git fixtures and the built CLI, as in upgrade.test.ts.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { readJson, tempDir } from './support/cli.js';
import { CI, baseFrom, cliBin, commitAll, edit, env, git, project, read, status, templatesA, templatesB, upgrade, write } from './support/upgrade-fixture.js';
import { expectRefusal, snapshot } from './reliability/support.js';

/** Every entry below `dir` but .git: type, mode and bytes (or link target). Equal trees are byte-for-byte the same. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const path = rel ? `${rel}/${name}` : name;
      if (path === '.git') continue;
      const s = lstatSync(join(dir, path));
      if (s.isSymbolicLink()) out[path] = `link -> ${readlinkSync(join(dir, path))}`;
      else if (s.isDirectory()) {
        out[path] = `dir ${(s.mode & 0o7777).toString(8)}`;
        visit(path);
      } else out[path] = `file ${(s.mode & 0o7777).toString(8)} ${readFileSync(join(dir, path)).toString('hex')}`;
    }
  };
  visit('');
  return out;
}

const bytes = (dir: string, path: string) => readFileSync(join(dir, path));
const index = (dir: string) => readFileSync(join(dir, '.git/index'));
const record = (dir: string) => readJson(join(dir, '.create-ml-ci-cd.json'));
/** snapshot() of the work tree only: git may refresh its index's stat data, which is not the tree. */
const worktree = (dir: string) => Object.fromEntries(Object.entries(snapshot(dir)).filter(([p]) => p !== '.git' && !p.startsWith('.git/')));
const noStack = (text: string) => expect(text).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);

describe('upgrade keeps every byte it was not asked to change', () => {
  it('merges a CRLF file holding cp1252 bytes byte for byte', async () => {
    // "alphé" and "été" in cp1252 (0xE9 is not UTF-8), CRLF throughout.
    const mine = Buffer.from('alph\xe9\r\n\xe9t\xe9\r\nbeta\r\ngamma\r\ndelta\r\n', 'latin1');
    const dir = await project((d) => write(d, 'windows.txt', mine));
    const result = await upgrade(dir);
    expect(result.exitCode, result.stderr).toBe(0);
    // Only the template's change (delta -> DELTA) is new; every other byte is the user's.
    expect(result.stdout).toMatch(/merged +windows\.txt/);
    expect(bytes(dir, 'windows.txt')).toEqual(Buffer.from('alph\xe9\r\n\xe9t\xe9\r\nbeta\r\ngamma\r\nDELTA\r\n', 'latin1'));
    expect(git(dir, 'diff', '--numstat', '--', 'windows.txt')).toBe('1\t1\twindows.txt\n');
    expect(status(dir)).toContain(' M windows.txt');
  });

  it('keeps each line of a mixed-ending file its own ending, and brings the template change', async () => {
    const dir = await project((d) => write(d, 'windows.txt', 'alpha\r\nbeta\ngamma\ndelta\n'));
    const result = await upgrade(dir);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(bytes(dir, 'windows.txt').toString('latin1')).toBe('alpha\r\nbeta\ngamma\nDELTA\n');
    expect(git(dir, 'diff', '--', 'windows.txt')).toMatch(/^-delta\n\+DELTA$/m);
    expect(status(dir)).toContain(' M windows.txt');
  });

  it('never merges UTF-16 text as if it were bytes of lines: both changed it, so the user copy stays', async () => {
    const mine = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('alpha\r\nbeta\r\ngamma\r\ndelta\r\nmine\r\n', 'utf16le')]);
    const dir = await project((d) => write(d, 'windows.txt', mine));
    const result = await upgrade(dir);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/kept yours +windows\.txt/);
    expect(bytes(dir, 'windows.txt')).toEqual(mine);
    expect(status(dir)).not.toContain(' M windows.txt');
  });

  it('--dry-run shows bytes that are not UTF-8 as they are, as git diff does', async () => {
    const dir = await project((d) => write(d, 'src/train.py', Buffer.from('# caf\xe9\n' + read(d, 'src/train.py'), 'latin1')));
    const result = await execa('node', [cliBin, 'upgrade', '--dry-run'], {
      cwd: dir,
      reject: false,
      extendEnv: false,
      encoding: 'buffer',
      env: env({ CREATE_ML_CI_CD_TEMPLATES: templatesB, ...baseFrom(templatesA) }),
    });
    expect(result.exitCode).toBe(0);
    expect(Buffer.from(result.stdout).includes(Buffer.from(' # caf\xe9\n', 'latin1'))).toBe(true);
  });
});

describe('files git does not track, symbolic links and type conflicts', () => {
  it('refuses when an ignored file sits where the new release adds one, and changes nothing', async () => {
    const mine = 'my private notes, never committed\n';
    const dir = await project((d) => write(d, '.gitignore', 'NEW.md\n'));
    write(dir, 'NEW.md', mine);
    expect(status(dir)).toEqual([]);
    const before = worktree(dir);
    const indexBefore = index(dir);
    const result = await upgrade(dir);
    expectRefusal(result, 2, /Upgrade stopped before writing anything: it would change 1 file\(s\) that git does not track \(ignored or never added\).*: NEW\.md\. Move them away/);
    expect(worktree(dir)).toEqual(before);
    expect(index(dir)).toEqual(indexBefore);
    expect(read(dir, 'NEW.md')).toBe(mine);
    expect(status(dir)).toEqual([]);
    // The plan says so too, and git reset cannot take the file: it never reached the index.
    const dry = await upgrade(dir, ['--dry-run']);
    expect(dry.exitCode).toBe(0);
    expect(dry.stdout).toMatch(/Upgrade would stop: .*NEW\.md/);
    git(dir, 'reset', '--hard', '-q');
    expect(read(dir, 'NEW.md')).toBe(mine);
  });

  it('refuses an untracked file there even with --allow-dirty', async () => {
    const dir = await project();
    write(dir, 'NEW.md', 'mine\n');
    const before = tree(dir);
    expectRefusal(await upgrade(dir, ['--allow-dirty']), 2, /does not track .*: NEW\.md/);
    expect(tree(dir)).toEqual(before);
    expect(status(dir)).toEqual(['?? NEW.md']);
  });

  it('never writes through a symbolic link: links to files and directories outside the project are left alone', async () => {
    const outside = tempDir('cmlcicd-outside-');
    const dir = await project((d) => {
      writeFileSync(join(outside, 'README.md'), read(d, 'README.md'));
      mkdirSync(join(outside, 'github/workflows'), { recursive: true });
      writeFileSync(join(outside, 'github/workflows/ci.yml'), read(d, CI));
      rmSync(join(d, 'README.md'));
      rmSync(join(d, '.github'), { recursive: true });
      symlinkSync(join(outside, 'README.md'), join(d, 'README.md'));
      symlinkSync(join(outside, 'github'), join(d, '.github'));
    });
    const outsideBefore = tree(outside);
    const result = await upgrade(dir);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/left alone +\.github\/workflows\/ci\.yml +\(a symbolic link; upgrade never writes through one\)/);
    expect(result.stdout).toMatch(/left alone +README\.md/);
    expect(tree(outside)).toEqual(outsideBefore);
    expect(readlinkSync(join(dir, 'README.md'))).toBe(join(outside, 'README.md'));
    expect(readlinkSync(join(dir, '.github'))).toBe(join(outside, 'github'));
    // Everything else is upgraded, and git sees exactly that.
    expect(read(dir, 'src/train.py')).toContain('import os');
    expect(status(dir)).toEqual(['?? NEW.md', '?? pkg/module.txt', ' D keep.txt', ' D old.txt', ' M .create-ml-ci-cd.json', ' M data/iris.csv', ' M models/baseline.bin', ' M src/train.py', ' M windows.txt'].sort());
  });

  it('refuses a symbolic-link record with one line', async () => {
    const outside = tempDir('cmlcicd-outside-');
    const dir = await project((d) => {
      writeFileSync(join(outside, 'record.json'), read(d, '.create-ml-ci-cd.json'));
      unlinkSync(join(d, '.create-ml-ci-cd.json'));
      symlinkSync(join(outside, 'record.json'), join(d, '.create-ml-ci-cd.json'));
    });
    expectRefusal(await upgrade(dir), 2, /\.create-ml-ci-cd\.json is a symbolic link/);
  });

  it.each([
    ['a file where the new release needs a directory', (d: string) => write(d, 'pkg', 'my file named pkg\n'), /pkg is a file where a directory is needed/],
    ['a directory where the new release writes a file', (d: string) => write(d, 'NEW.md/mine.txt', 'mine\n'), /NEW\.md is a directory where a file is needed/],
  ])('%s: one line, exit 2, nothing changed', async (_, setup, message) => {
    const dir = await project(setup);
    const before = worktree(dir);
    const result = await upgrade(dir);
    expectRefusal(result, 2, message);
    expect(result.stderr).toMatch(/Move them away/);
    expect(worktree(dir)).toEqual(before);
    expect(status(dir)).toEqual([]);
    const check = await upgrade(dir, ['--check']);
    expect(check.exitCode).toBe(4);
    expect(check.stdout).toMatch(message);
  });
});

describe('all or nothing', () => {
  it('a write that fails mid-apply (git index locked) leaves the tree exactly as before', async () => {
    const dir = await project((d) => edit(d, CI, '- run: pytest', '- run: pytest -x'));
    const before = tree(dir);
    const indexBefore = index(dir);
    // Another git process holds the index: the conflicts cannot be registered, after every file was written.
    writeFileSync(join(dir, '.git/index.lock'), '');
    const result = await upgrade(dir);
    expectRefusal(result, 1, /The upgrade failed: git update-index failed: .*index\.lock.*; every change was undone: the project is exactly as it was\./);
    expect(tree(dir)).toEqual(before);
    expect(index(dir)).toEqual(indexBefore);
    unlinkSync(join(dir, '.git/index.lock'));
    expect(status(dir)).toEqual([]);
    // Nothing half done stops the next run.
    expect((await upgrade(dir)).exitCode).toBe(3);
  });

  const conflicting = () =>
    project((d) => {
      edit(d, CI, '- run: pytest', '- run: pytest -x'); // a conflict
      edit(d, 'src/train.py', 'print("train")', 'print("mine")'); // a clean merge
    });

  /**
   * Run a real upgrade with a git on PATH that stops at `command`; when upgrade reaches it, signal
   * the whole process group, as a terminal's Ctrl-C does.
   */
  async function interruptAt(dir: string, command: string, signal: NodeJS.Signals, { group = true, pause = 60 } = {}) {
    const shims = tempDir('cmlcicd-git-shim-');
    const reached = join(shims, 'reached');
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    writeFileSync(join(shims, 'git'), `#!/bin/sh\nif [ "$1" = "${command}" ]; then : > "${reached}"; sleep ${pause}; fi\nexec "${realGit}" "$@"\n`, { mode: 0o755 });
    const child = execa('node', [cliBin, 'upgrade'], {
      cwd: dir,
      reject: false,
      stdin: 'ignore',
      detached: true,
      extendEnv: false,
      env: env({ CREATE_ML_CI_CD_TEMPLATES: templatesB, ...baseFrom(templatesA, `${shims}:${process.env.PATH}`) }),
    });
    for (let i = 0; i < 300 && !existsSync(reached); i++) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(reached), `upgrade never ran git ${command}`).toBe(true);
    process.kill(group ? -child.pid! : child.pid!, signal);
    return await child;
  }

  it.each([
    ['merging', 'merge-file', 'SIGINT', 130, /Interrupted \(SIGINT\) before anything was written; the project is unchanged\./],
    ['preparing the conflicts', 'hash-object', 'SIGTERM', 143, /Interrupted \(SIGTERM\) before anything was written; the project is unchanged\./],
    ['applying, every file written', 'update-index', 'SIGINT', 130, /Interrupted \(SIGINT\) while applying the upgrade; every change was undone: the project is exactly as it was\./],
    ['applying, every file written', 'update-index', 'SIGTERM', 143, /Interrupted \(SIGTERM\) while applying the upgrade; every change was undone/],
  ] as const)('a signal while %s (git %s, %s, exit %i): the tree exactly as before', async (_, command, signal, code, message) => {
    const dir = await conflicting();
    const before = tree(dir);
    const indexBefore = index(dir);
    const result = await interruptAt(dir, command, signal);
    expect(result.exitCode, String(result.stderr)).toBe(code);
    expect(String(result.stderr)).toMatch(message);
    noStack(String(result.stderr));
    expect(tree(dir)).toEqual(before);
    expect(index(dir)).toEqual(indexBefore);
    expect(status(dir)).toEqual([]);
    expect(git(dir, 'ls-files', '-u')).toBe('');
  });

  it('SIGTERM to upgrade alone mid-apply (git update-index completes, the index is updated): undone, exit 143', async () => {
    const dir = await conflicting();
    const before = tree(dir);
    const indexBefore = index(dir);
    // Only upgrade gets the signal; git goes on and registers the conflicts, then upgrade stops.
    const result = await interruptAt(dir, 'update-index', 'SIGTERM', { group: false, pause: 2 });
    expect(result.exitCode, String(result.stderr)).toBe(143);
    expect(String(result.stderr).trim()).toBe('create-ml-ci-cd: Interrupted (SIGTERM) while applying the upgrade; every change was undone: the project is exactly as it was.');
    expect(tree(dir)).toEqual(before);
    expect(index(dir)).toEqual(indexBefore);
    expect(status(dir)).toEqual([]);
  });
});

describe('line endings git normalizes', () => {
  /** Check the project out again the way Git for Windows does by default. */
  function autocrlf(dir: string) {
    git(dir, 'config', 'core.autocrlf', 'true');
    for (const entry of readdirSync(dir)) if (entry !== '.git') rmSync(join(dir, entry), { recursive: true });
    git(dir, 'checkout', 'HEAD', '--', '.');
    expect(bytes(dir, 'data/iris.csv').toString()).toBe('sepal,petal\r\n1,2\r\n');
    expect(status(dir)).toEqual([]);
  }

  it('under core.autocrlf=true, an untouched checkout has no edits to carry, and a data file gets the template change', async () => {
    const dir = await project();
    autocrlf(dir);
    // Same templates, older recorded version: nothing but the record is behind; CRLF is no edit.
    const current = await upgrade(dir, ['--check'], { from: templatesA, to: templatesA });
    expect(current.exitCode, current.stdout).toBe(4);
    expect(current.stdout).toMatch(/only the record would change/);
    expect(current.stdout).not.toContain('carry your edits');

    const result = await upgrade(dir);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/updated +data\/iris\.csv/);
    expect(bytes(dir, 'data/iris.csv').toString()).toBe('sepal,petal\r\n1,2\r\n3,4\r\n');
    expect(bytes(dir, 'windows.txt').toString()).toBe('alpha\r\nbeta\r\ngamma\r\nDELTA\r\n');
    expect(git(dir, 'diff', '--', 'data/iris.csv')).toMatch(/^ 1,2\n\+3,4$/m);
    expect(status(dir)).toContain(' M data/iris.csv');
    commitAll(dir);
    // Second run: nothing to do, the record included.
    const again = await upgrade(dir, ['--check'], { from: templatesB });
    expect(again.exitCode, again.stdout).toBe(0);
  });

  it('with a .gitattributes eol rule, a CRLF data file is compared in LF', async () => {
    const dir = await project((d) => write(d, '.gitattributes', '*.csv text eol=crlf\n'));
    rmSync(join(dir, 'data/iris.csv'));
    git(dir, 'checkout', 'HEAD', '--', 'data/iris.csv');
    expect(bytes(dir, 'data/iris.csv').toString()).toBe('sepal,petal\r\n1,2\r\n');
    const result = await upgrade(dir);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(bytes(dir, 'data/iris.csv').toString()).toBe('sepal,petal\r\n1,2\r\n3,4\r\n');
  });
});

describe('the record', () => {
  it('keeps keys it does not know', async () => {
    const dir = await project((d) => {
      const r = record(d);
      write(d, '.create-ml-ci-cd.json', `${JSON.stringify({ ...r, team: { owner: 'ml-platform' } }, null, 2)}\n`);
    });
    const result = await upgrade(dir);
    expect(result.exitCode, result.stderr).toBe(0);
    const after = record(dir);
    expect(after.team).toEqual({ owner: 'ml-platform' });
    expect(Object.keys(after).at(-1)).toBe('team');
  });

  it('honours answers edited by hand: renders with them and says so; --check reports them', async () => {
    const dir = await project();
    edit(dir, '.create-ml-ci-cd.json', '"description": "Iris demo"', '"description": "Edited by hand"');
    commitAll(dir);
    const check = await upgrade(dir, ['--check'], { from: templatesA, to: templatesA });
    expect(check.exitCode).toBe(4);
    expect(check.stdout).toMatch(/answers in \.create-ml-ci-cd\.json were edited by hand \(description "Iris demo" -> "Edited by hand"\): upgrade renders the project with them/);
    expect(check.stdout).toMatch(/would update +README\.md/);

    const result = await upgrade(dir, [], { from: templatesA, to: templatesA });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(read(dir, 'README.md')).toContain('Edited by hand');
    expect(read(dir, 'README.md')).not.toContain('Iris demo');
    expect(status(dir)).toEqual([' M .create-ml-ci-cd.json', ' M README.md']);
    commitAll(dir);
    expect((await upgrade(dir, ['--check'], { from: templatesA, to: templatesA })).exitCode).toBe(0);
  });

  it('refuses answers edited by hand when git history does not have the ones the files came from', async () => {
    const dir = await project();
    edit(dir, '.create-ml-ci-cd.json', '"description": "Iris demo"', '"description": "Edited by hand"');
    rmSync(join(dir, '.git'), { recursive: true });
    git(dir, 'init', '-q');
    commitAll(dir);
    const before = worktree(dir);
    expectRefusal(await upgrade(dir), 2, /answers in \.create-ml-ci-cd\.json were edited by hand, and the ones the files were generated with are not in git history/);
    expect(worktree(dir)).toEqual(before);
  });
});

describe('the undo recipe in docs/upgrade.md', () => {
  it('`git checkout HEAD -- .` then `git clean -fd` brings back the tree exactly, conflicts included', async () => {
    const dir = await project((d) => {
      edit(d, CI, '- run: pytest', '- run: pytest -x'); // both modified
      write(d, 'NEW.md', 'my own\n'); // both added
    });
    const before = tree(dir);
    const result = await upgrade(dir);
    expect(result.exitCode).toBe(3);
    expect(status(dir)).toEqual(expect.arrayContaining([`UU ${CI}`, 'AA NEW.md', '?? pkg/module.txt', ' D old.txt']));
    const docs = readFileSync(join(__dirname, '../docs/upgrade.md'), 'utf8');
    expect(docs).toContain('git checkout HEAD -- .\ngit clean -fd');
    execFileSync('sh', ['-c', 'git checkout HEAD -- . && git clean -fd -q'], { cwd: dir, env: env({}) });
    expect(tree(dir)).toEqual(before);
    expect(status(dir)).toEqual([]);
  });
});
