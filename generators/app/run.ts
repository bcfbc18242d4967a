import { ConflictAdapter, type Expand, type OnConflict } from './adapter.js';
import { MinimalEnvironment } from './environment.js';
import AppGenerator, { type AppOptions } from './index.js';

export { ConflictAdapter, type Expand, type OnConflict } from './adapter.js';

/** What happened to each file of the project, relative to the target, sorted. */
export interface WriteReport {
  created: string[];
  overwritten: string[];
  /** Conflicting files the user chose to keep. */
  kept: string[];
  identical: string[];
}

/** `refuse` met conflicting files: nothing was committed. */
export class ConflictsError extends Error {
  override name = 'ConflictsError';
  constructor(readonly files: string[]) {
    super(`${files.length} file(s) would be overwritten: ${files.join(', ')}`);
  }
}

export interface WriteOptions {
  /** The directory the project lands in (it may hold files already); `cwd` is where it is committed. */
  target: string;
  onConflict: OnConflict;
  /** The terminal side of `ask`: the expand prompt and where diffs go. */
  io?: ConstructorParameters<typeof ConflictAdapter>[1];
}

/**
 * Run the app generator in-process (no `yo`) and commit the project into `cwd` (the CLI's staging
 * directory), keeping only the files Yeoman's conflicter lets through for `target`. Yeoman's own
 * log is discarded: the CLI reports what happened itself.
 */
export async function runGenerator(cwd: string, options: AppOptions, write?: WriteOptions): Promise<WriteReport> {
  const conflictAdapter = new ConflictAdapter(write?.onConflict ?? 'refuse', write?.io);
  const env = new MinimalEnvironment({
    cwd,
    package: { name: 'create-ml-ci-cd', version: options.version },
    landsIn: write?.target ?? cwd,
    conflictAdapter,
    beforeCommit: () => {
      if (conflictAdapter.onConflict === 'refuse' && conflictAdapter.conflicts.length > 0) throw new ConflictsError([...conflictAdapter.conflicts].sort());
    },
  });
  // localConfigOnly: Yeoman's "global" answer store is read from `cwd`, not from ~/.yo-rc-global.json,
  // so nothing in the user's home can change or break a run; skipCache: it is never written either.
  const generator = await env.instantiate(AppGenerator as never, { ...options, destinationRoot: cwd, skipCache: true, localConfigOnly: true });
  await env.runGenerator(generator);
  const report: WriteReport = { created: [], overwritten: [], kept: [], identical: [] };
  for (const [path, status] of [...env.decisions].sort(([a], [b]) => a.localeCompare(b)))
    report[status === 'create' ? 'created' : status === 'force' ? 'overwritten' : status === 'identical' ? 'identical' : 'kept'].push(path);
  return report;
}
