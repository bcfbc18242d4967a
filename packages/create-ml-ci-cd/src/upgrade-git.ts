import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '@create-ml-ci-cd/core';

function git(args: string[], cwd: string, input?: Buffer | string) {
  return spawnSync('git', args, { cwd, input: typeof input === 'string' ? Buffer.from(input) : input, maxBuffer: 1 << 30 });
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

function hashObject(dir: string, path: string, content: Buffer): string {
  // --path applies the repository's attributes (eol, filters) for that path, as `git add` would.
  const result = git(['hash-object', '-w', '--stdin', `--path=${path}`], dir, content);
  if (result.status !== 0) throw new Error(`git hash-object failed: ${result.stderr.toString()}`);
  return result.stdout.toString('utf8').trim();
}

export interface ConflictStages {
  path: string;
  base?: Buffer;
  ours: Buffer;
  theirs: Buffer;
}

/**
 * Record conflicts in the index the way `git merge` does: stage 1 = base (absent for a two-way
 * conflict, which git shows as "both added"), 2 = ours, 3 = theirs. `git status` then lists the
 * files as unmerged, `git diff` shows a combined diff, `git commit` refuses until they are
 * `git add`ed, and `git checkout --conflict=merge <file>` re-creates the markers.
 */
export function registerConflicts(dir: string, prefix: string, conflicts: ConflictStages[]): void {
  if (conflicts.length === 0) return;
  const lines: string[] = [];
  for (const c of conflicts) {
    const mode = statSync(join(dir, c.path), { throwIfNoEntry: false })?.mode;
    const fileMode = mode !== undefined && mode & 0o111 ? '100755' : '100644';
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
  // update-index paths are relative to the top of the work tree, hence the prefix and cwd.
  const top = git(['rev-parse', '--show-toplevel'], dir).stdout.toString('utf8').trim();
  const result = git(['update-index', '-z', '--index-info'], top, lines.map((l) => `${l}\0`).join(''));
  if (result.status !== 0) throw new Error(`git update-index failed: ${result.stderr.toString()}`);
}
