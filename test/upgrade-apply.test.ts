// The journal upgrade applies its changes through: a file system that fails at any one step
// leaves the tree byte for byte as it was, and a rollback after success-so-far undoes everything.
import * as fs from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApplyError, Journal, realFs, type Fs } from '../packages/create-ml-ci-cd/src/upgrade-apply.js';
import { tempDir } from './support/cli.js';

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name).slice(dir.length + 1);
    const s = fs.lstatSync(join(dir, path));
    out[path] = s.isDirectory() ? `dir ${(s.mode & 0o7777).toString(8)}` : `file ${(s.mode & 0o7777).toString(8)} ${fs.readFileSync(join(dir, path)).toString('hex')}`;
  }
  return out;
}

function fixture(): string {
  const dir = tempDir('cmlcicd-journal-');
  fs.mkdirSync(join(dir, 'src'));
  fs.writeFileSync(join(dir, 'src/train.py'), 'print("train")\r\n');
  fs.writeFileSync(join(dir, 'run.sh'), '#!/bin/sh\n', { mode: 0o755 });
  fs.mkdirSync(join(dir, 'old/deep'), { recursive: true });
  fs.writeFileSync(join(dir, 'old/deep/gone.txt'), Buffer.from([0xe9, 0x0d, 0x0a]));
  return dir;
}

/** Every change upgrade makes, in its order: new directories, replaced files, a deletion that empties directories. */
function changeAll(journal: Journal): void {
  journal.write('src/train.py', Buffer.from('print("new")\r\n'));
  journal.write('run.sh', Buffer.from('#!/bin/sh\necho new\n'));
  journal.write('pkg/sub/module.py', Buffer.from('x = 1\n'));
  journal.remove('old/deep/gone.txt');
  journal.write('.create-ml-ci-cd.json', Buffer.from('{}\n'));
}

/** A file system that throws EIO on the n-th call that changes something. */
function failingAt(n: number): { fs: Fs; calls: () => number } {
  let calls = 0;
  const fail = <T extends (...args: never[]) => unknown>(f: T): T =>
    ((...args: Parameters<T>) => {
      if (++calls === n) throw Object.assign(new Error('injected'), { code: 'EIO' });
      return (f as (...a: Parameters<T>) => unknown)(...args);
    }) as T;
  return {
    fs: {
      ...realFs,
      writeFileSync: fail(realFs.writeFileSync),
      chmodSync: fail(realFs.chmodSync),
      renameSync: fail(realFs.renameSync),
      unlinkSync: fail(realFs.unlinkSync),
      mkdirSync: fail(realFs.mkdirSync),
      rmdirSync: fail(realFs.rmdirSync),
    },
    calls: () => calls,
  };
}

describe('the upgrade journal', () => {
  it('applies every change, keeping modes, and a rollback undoes them all', () => {
    const dir = fixture();
    const before = tree(dir);
    const journal = new Journal(dir);
    changeAll(journal);
    expect(fs.readFileSync(join(dir, 'pkg/sub/module.py'), 'utf8')).toBe('x = 1\n');
    expect(fs.statSync(join(dir, 'run.sh')).mode & 0o777).toBe(0o755);
    expect(fs.existsSync(join(dir, 'old'))).toBe(false);
    expect(journal.rollback()).toEqual([]);
    expect(tree(dir)).toEqual(before);
  });

  it('a failure at any step leaves the tree exactly as before, once rolled back', () => {
    const { calls } = (() => {
      const probe = failingAt(0);
      changeAll(new Journal(fixture(), probe.fs));
      return probe;
    })();
    const steps = calls();
    expect(steps).toBeGreaterThan(10);
    for (let n = 1; n <= steps; n++) {
      const dir = fixture();
      const before = tree(dir);
      const journal = new Journal(dir, failingAt(n).fs);
      let error: unknown;
      try {
        changeAll(journal);
      } catch (e) {
        error = e;
      }
      expect(error, `step ${n}`).toBeInstanceOf(ApplyError);
      expect((error as Error).message).toMatch(/^could not (write|delete) \S+ \(EIO\)$/);
      expect(journal.rollback(), `step ${n}`).toEqual([]);
      expect(tree(dir), `step ${n}`).toEqual(before);
    }
  });

  it('says what it could not restore, and commit() keeps everything', () => {
    const dir = fixture();
    let broken = false;
    const journal = new Journal(dir, { ...realFs, renameSync: (a, b) => (broken ? (() => { throw Object.assign(new Error('x'), { code: 'EROFS' }); })() : realFs.renameSync(a, b)) });
    journal.write('src/train.py', Buffer.from('new\n'));
    broken = true;
    expect(journal.rollback()).toEqual(['src/train.py (EROFS)']);

    const kept = fixture();
    const ok = new Journal(kept);
    changeAll(ok);
    ok.commit();
    expect(ok.rollback()).toEqual([]);
    expect(fs.readFileSync(join(kept, 'src/train.py'), 'utf8')).toBe('print("new")\r\n');
  });
});
