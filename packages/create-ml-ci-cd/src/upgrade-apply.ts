import * as nodeFs from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** The file operations the journal uses: injected by tests to fail at a chosen step. */
export interface Fs {
  lstatSync(path: string, options: { throwIfNoEntry: false }): nodeFs.Stats | undefined;
  readFileSync(path: string): Buffer;
  writeFileSync(path: string, data: Buffer, options: { mode?: number; flag: 'wx' }): void;
  chmodSync(path: string, mode: number): void;
  renameSync(from: string, to: string): void;
  unlinkSync(path: string): void;
  mkdirSync(path: string): void;
  rmdirSync(path: string): void;
  readdirSync(path: string): string[];
}

export const realFs: Fs = nodeFs as unknown as Fs;

/** A write, deletion or index update that failed (disk full, permissions, a lock): the user's to fix. */
export class ApplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApplyError';
  }
}

function failed(what: string, error: unknown): ApplyError {
  return new ApplyError(`could not ${what} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
}

/**
 * Changes to a directory tree that can all be undone: every write, deletion and directory it
 * creates or removes is journaled (the previous bytes and mode in memory) before it happens, and
 * `rollback` undoes them newest first. A file is replaced by writing a temporary file beside it
 * and renaming it over, so no file is ever left half written. Paths are trusted: the caller has
 * checked that none of them is, or lies below, a symbolic link.
 */
export class Journal {
  private undo: { what: string; run: () => void }[] = [];
  private done = false;

  constructor(
    private readonly root: string,
    private readonly fs: Fs = realFs,
  ) {}

  /** Write `content` at `path` (relative to the root), creating its directories. */
  write(path: string, content: Buffer): void {
    const full = join(this.root, path);
    try {
      this.makeDirs(dirname(full));
      const before = this.fs.lstatSync(full, { throwIfNoEntry: false });
      const previous = before && this.fs.readFileSync(full);
      this.replace(full, content, before?.mode);
      this.undo.push({ what: path, run: () => (previous ? this.replace(full, previous, before!.mode) : this.fs.unlinkSync(full)) });
    } catch (error) {
      throw failed(`write ${path}`, error);
    }
  }

  /** Delete the file at `path`, then the directories that leaves empty (up to the root). */
  remove(path: string): void {
    const full = join(this.root, path);
    try {
      const { mode } = this.fs.lstatSync(full, { throwIfNoEntry: false }) ?? {};
      const previous = this.fs.readFileSync(full);
      this.fs.unlinkSync(full);
      this.undo.push({ what: path, run: () => this.replace(full, previous, mode) });
      for (let parent = dirname(full); parent.startsWith(this.root + '/') || parent.startsWith(this.root + '\\'); parent = dirname(parent)) {
        if (this.fs.readdirSync(parent).length > 0) break;
        const dir = parent;
        this.fs.rmdirSync(dir);
        this.undo.push({ what: dir, run: () => this.fs.mkdirSync(dir) });
      }
    } catch (error) {
      throw failed(`delete ${path}`, error);
    }
  }

  /** Journal an undo step for a change made elsewhere (the git index). */
  onUndo(what: string, run: () => void): void {
    this.undo.push({ what, run });
  }

  /** Keep every change: nothing will be undone. */
  commit(): void {
    this.undo = [];
    this.done = true;
  }

  /**
   * Undo every change, newest first; idempotent. Returns what could not be restored (empty when the
   * tree is exactly as before).
   */
  rollback(): string[] {
    if (this.done) return [];
    this.done = true;
    const failed: string[] = [];
    for (const step of this.undo.reverse()) {
      try {
        step.run();
      } catch (error) {
        failed.push(`${step.what} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      }
    }
    this.undo = [];
    return failed;
  }

  private makeDirs(dir: string): void {
    if (dir === this.root || this.fs.lstatSync(dir, { throwIfNoEntry: false })) return;
    this.makeDirs(dirname(dir));
    this.fs.mkdirSync(dir);
    this.undo.push({ what: dir, run: () => this.fs.rmdirSync(dir) });
  }

  private replace(full: string, content: Buffer, mode: number | undefined): void {
    const tmp = join(dirname(full), `.${basename(full)}.create-ml-ci-cd-${process.pid}`);
    try {
      this.fs.writeFileSync(tmp, content, { flag: 'wx' });
      if (mode !== undefined) this.fs.chmodSync(tmp, mode & 0o7777);
      this.fs.renameSync(tmp, full);
    } catch (error) {
      try {
        this.fs.unlinkSync(tmp);
      } catch {
        // never created
      }
      throw error;
    }
  }
}
