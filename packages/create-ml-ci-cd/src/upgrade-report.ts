import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import * as core from '@create-ml-ci-cd/core/upgrade';

type Resolved = core.Resolved;

/** One line per file that the upgrade changes or deliberately leaves alone; silent for the rest. */
const describe: Partial<Record<core.Action, [verb: string, dry: string, why?: string]>> = {
  update: ['updated', 'would update'],
  add: ['added', 'would add'],
  delete: ['deleted', 'would delete', 'no longer generated; you had not modified it'],
  merge: ['merged', 'would merge', 'your edits and the template changes'],
  conflict: ['CONFLICT', 'would CONFLICT', 'resolve the markers'],
  'keep-deleted': ['kept deleted', 'would keep deleted', 'you deleted it; the template changed it'],
  'keep-modified': ['CONFLICT', 'would CONFLICT', 'no longer generated, but you modified it: keep it or delete it'],
  'keep-data': ['kept yours', 'would keep yours', 'data file changed by you and the template; compare by hand'],
  'keep-link': ['left alone', 'would leave alone', 'a symbolic link; upgrade never writes through one'],
};

export function planLines(plan: Resolved[], dryRun: boolean): string[] {
  const rows = plan.flatMap((p) => {
    const d = describe[p.action];
    return d ? [[dryRun ? d[1] : d[0], p.path, d[2]] as const] : [];
  });
  const width = Math.max(0, ...rows.map(([verb]) => verb.length)) + 2;
  return rows.map(([verb, path, why]) => `  ${verb.padEnd(width)}${path}${why ? `  (${why})` : ''}`);
}

/**
 * A unified diff of what applying the plan would do to the working tree, git-style. Built on
 * latin1 (one character per byte): write it out with `Buffer.from(diff, 'latin1')` and every byte,
 * UTF-8 or not, comes out as it is in the files, as `git diff` shows them.
 */
export function planDiff(plan: Resolved[], originals: Map<string, Buffer>): string {
  const out: string[] = [];
  for (const p of plan) {
    if (!core.changesFiles(p.action)) continue;
    const before = originals.get(p.path);
    const after = p.action === 'delete' ? undefined : p.content;
    if (p.data) {
      out.push(`diff --git a/${p.path} b/${p.path}\nBinary files ${before ? `a/${p.path}` : '/dev/null'} and ${after ? `b/${p.path}` : '/dev/null'} differ\n`);
      continue;
    }
    const patch = createTwoFilesPatch(
      before ? `a/${p.path}` : '/dev/null',
      after ? `b/${p.path}` : '/dev/null',
      before?.toString('latin1') ?? '',
      after?.toString('latin1') ?? '',
      undefined,
      undefined,
      { headerOptions: FILE_HEADERS_ONLY },
    );
    out.push(`diff --git a/${p.path} b/${p.path}\n${patch.replace(/\t$/gm, '')}`);
  }
  return out.join('');
}
