import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { throwIfSignalled } from './interrupted.js';

export interface MergeLabels {
  ours: string;
  base: string;
  theirs: string;
}

export interface MergeResult {
  content: Buffer;
  /** Number of conflict hunks left as markers; 0 for a clean merge. */
  conflicts: number;
}

/**
 * Three-way text merge with `git merge-file`, so the result (and its conflict markers, including
 * the user's `merge.conflictStyle`) is exactly what git users see from `git merge`. A missing base
 * merges against an empty file: every difference becomes a (two-way) conflict hunk.
 */
export function mergeText(base: Buffer | undefined, ours: Buffer, theirs: Buffer, labels: MergeLabels): MergeResult {
  const dir = mkdtempSync(join(tmpdir(), 'create-ml-ci-cd-merge-'));
  try {
    const [o, b, t] = ['ours', 'base', 'theirs'].map((name) => join(dir, name));
    writeFileSync(o, ours);
    writeFileSync(b, base ?? '');
    writeFileSync(t, theirs);
    const result = spawnSync('git', ['merge-file', '-p', '-L', labels.ours, '-L', labels.base, '-L', labels.theirs, o, b, t], {
      maxBuffer: 1 << 30,
    });
    if (result.error) throw new Error(`git merge-file could not run: ${result.error.message}`);
    throwIfSignalled(result);
    // The exit status is the number of conflicts (capped at 127); above that, git failed.
    if (result.status === null || result.status > 127) throw new Error(`git merge-file failed: ${result.stderr.toString()}`);
    return { content: result.stdout, conflicts: result.status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
