import { toCrlf } from './files.js';
import { mergeText, type MergeLabels } from './merge.js';
import type { FilePlan } from './plan.js';

export interface Resolved extends FilePlan {
  /** What to write for update, add, merge and conflict (with the user's line endings). */
  content?: Buffer;
}

/**
 * Turn a plan into contents: merges run here, and a `merge` whose result has conflict markers
 * becomes a `conflict`. Everything else is taken as planned.
 */
export function resolvePlan(plan: FilePlan[], labels: MergeLabels): Resolved[] {
  return plan.map((entry) => {
    let resolved: Resolved = entry;
    if (entry.action === 'update' || entry.action === 'add') resolved = { ...entry, content: entry.theirs };
    if (entry.action === 'merge' || entry.action === 'conflict') {
      const { content, conflicts } = mergeText(entry.base, entry.ours!, entry.theirs!, labels);
      resolved = { ...entry, action: conflicts > 0 || entry.action === 'conflict' ? 'conflict' : 'merge', content };
    }
    if (resolved.content && entry.crlf) resolved.content = toCrlf(resolved.content);
    return resolved;
  });
}
