import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { RECORD_FILE, UserError } from '@create-ml-ci-cd/core';
import * as core from '@create-ml-ci-cd/core/upgrade';
import { ApplyError } from './upgrade-apply.js';

/** Run git; a git that a signal killed (Ctrl-C reaches the whole process group) stops the upgrade. */
function git(args: string[], cwd: string, input?: Buffer | string) {
  const result = spawnSync('git', args, { cwd, input: typeof input === 'string' ? Buffer.from(input) : input, maxBuffer: 1 << 30 });
  core.throwIfSignalled(result);
  return result;
}

export interface GitState {
  /** The project's path inside its repository ("" at the top, else "sub/dir/"), or null outside a repository. */
  prefix: string | null;
  /** Changed, staged or untracked files below the project (`git status --porcelain` lines). */
  dirty: string[];
}

export function gitState(dir: string): GitState {
  const probe = git(['rev-parse', '--show-prefix'], dir);
  if (probe.error) throw new UserError('git was not found: upgrade uses it to merge files and show conflicts. Install git and run upgrade again.');
  if (probe.status !== 0) return { prefix: null, dirty: [] };
  const status = git(['status', '--porcelain', '--untracked-files=all', '--', '.'], dir);
  const dirty = status.stdout.toString('utf8').split('\n').filter(Boolean);
  return { prefix: probe.stdout.toString('utf8').trim(), dirty };
}

/** Paths below `dir` (relative to it) that git tracks: anything else on disk is untracked or ignored. */
export function trackedPaths(dir: string): Set<string> {
  return new Set(git(['ls-files', '-z', '--', '.'], dir).stdout.toString('utf8').split('\0').filter(Boolean));
}

/**
 * For each path, whether git converts its line endings between the work tree and the repository
 * (`text`/`eol` attributes, or `core.autocrlf` for files git detects as text). `content` is the
 * work tree's file, for git's own text detection (no NUL byte).
 */
export function gitEol(dir: string, files: Map<string, Buffer>): Set<string> {
  if (files.size === 0) return new Set();
  const autocrlf = git(['config', '--get', 'core.autocrlf'], dir).stdout.toString('utf8').trim();
  const out = git(['check-attr', '-z', 'text', 'eol', '--', ...files.keys()], dir).stdout.toString('utf8').split('\0');
  const attrs = new Map<string, Record<string, string>>();
  for (let i = 0; i + 2 < out.length; i += 3) attrs.set(out[i], { ...attrs.get(out[i]), [out[i + 1]]: out[i + 2] });
  const converted = new Set<string>();
  for (const [path, content] of files) {
    const { text = 'unspecified', eol = 'unspecified' } = attrs.get(path) ?? {};
    const looksText = !content.subarray(0, 8000).includes(0);
    const auto = text === 'auto' || (text === 'unspecified' && (eol !== 'unspecified' || autocrlf === 'true' || autocrlf === 'input'));
    if (text === 'set' || (auto && looksText)) converted.add(path);
  }
  return converted;
}

/** Where git keeps the index of the repository `dir` is in. */
export function indexFile(dir: string): string {
  return resolve(dir, git(['rev-parse', '--git-path', 'index'], dir).stdout.toString('utf8').trim());
}

function hashObject(dir: string, path: string, content: Buffer): string {
  // --path applies the repository's attributes (eol, filters) for that path, as `git add` would.
  const result = git(['hash-object', '-w', '--stdin', `--path=${path}`], dir, content);
  if (result.status !== 0) throw new Error(`git hash-object failed: ${result.stderr.toString()}`);
  return result.stdout.toString('utf8').trim();
}

export interface ConflictStages {
  path: string;
  /** The file's mode bits as they are now (undefined: a new file). */
  mode?: number;
  base?: Buffer;
  ours: Buffer;
  /** Undefined: the templates dropped the file (a modify/delete conflict). */
  theirs?: Buffer;
}

/**
 * The index entries that record conflicts the way `git merge` does: stage 1 = base (absent for a
 * two-way conflict, which git shows as "both added"), 2 = ours, 3 = theirs. `git status` then lists
 * the files as unmerged, `git diff` shows a combined diff, `git commit` refuses until they are
 * `git add`ed, and `git checkout --conflict=merge <file>` re-creates the markers. Only stores
 * objects: nothing in the work tree or the index changes until `updateIndex`.
 */
export function conflictEntries(dir: string, prefix: string, conflicts: ConflictStages[]): string[] {
  const lines: string[] = [];
  for (const c of conflicts) {
    const fileMode = c.mode !== undefined && c.mode & 0o111 ? '100755' : '100644';
    const indexPath = prefix + c.path;
    const stages: [number, Buffer | undefined][] = [
      [1, c.base],
      [2, c.ours],
      [3, c.theirs],
    ];
    const shas = stages.map(([stage, content]) => [stage, content && hashObject(dir, c.path, content)] as const);
    const zero = '0'.repeat(shas.find(([, sha]) => sha)![1]!.length);
    // A higher-stage entry may only be added after the stage-0 entry is removed (mode 0, null sha).
    lines.push(`0 ${zero}\t${indexPath}`);
    for (const [stage, sha] of shas) if (sha) lines.push(`${fileMode} ${sha} ${stage}\t${indexPath}`);
  }
  return lines;
}

export function updateIndex(dir: string, lines: string[]): void {
  if (lines.length === 0) return;
  // update-index paths are relative to the top of the work tree, hence the prefix and cwd.
  const top = git(['rev-parse', '--show-toplevel'], dir).stdout.toString('utf8').trim();
  const result = git(['update-index', '-z', '--index-info'], top, lines.map((l) => `${l}\0`).join(''));
  if (result.status !== 0) throw new ApplyError(`git update-index failed: ${result.stderr.toString().trim().split('\n')[0]}`);
}

export function isShallow(dir: string): boolean {
  return git(['rev-parse', '--is-shallow-repository'], dir).stdout.toString('utf8').trim() === 'true';
}

/**
 * The answers the files were last rendered with, when the record's answers were edited by hand:
 * the newest committed record whose answers match the record's digest.
 */
export function generatedRecord(dir: string, digest: string): core.RecordRead | undefined {
  const commits = git(['log', '--format=%H', '-n', '200', '--', RECORD_FILE], dir).stdout.toString('utf8').split('\n').filter(Boolean);
  for (const commit of commits) {
    const shown = git(['show', `${commit}:./${RECORD_FILE}`], dir);
    if (shown.status !== 0) continue;
    try {
      const record = core.parseRecord(shown.stdout.toString('utf8'), '.');
      if (core.answersDigest(record.answers) === digest) return record;
    } catch {
      // Not a valid record in that commit: look further back.
    }
  }
  return undefined;
}
