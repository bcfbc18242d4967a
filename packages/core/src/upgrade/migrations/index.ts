import type { RawAnswers } from '../../options.js';
import type { Files } from '../plan.js';
import { compareVersions } from '../version.js';

/**
 * A change between template versions that a plain re-render cannot express: a renamed file or a
 * renamed/changed answer. Each lives in its own file `update-<version>-<what>.ts` with a spec
 * (including "does nothing when not needed") and one line in `migrations` below.
 *
 * `migrate` gets the recorded answers and one old-layout file map (called once for the base render
 * and once for the user's files) and returns them in the new layout. It must be pure and idempotent.
 */
export interface Migration {
  /** The create-ml-ci-cd version whose templates need it: runs when upgrading from below to at least this. */
  version: string;
  description: string;
  migrate(answers: RawAnswers, files: Files): { answers: RawAnswers; files: Files };
}

export const migrations: readonly Migration[] = [];

/** The migrations to run, in version order, when upgrading from `from` to `to`. */
export function pendingMigrations(from: string, to: string, list: readonly Migration[] = migrations): Migration[] {
  return list
    .filter((m) => compareVersions(m.version, from) > 0 && compareVersions(m.version, to) <= 0)
    .sort((a, b) => compareVersions(a.version, b.version));
}

/** Run migrations over the answers and each old-layout file map (base, ours). */
export function runMigrations(list: readonly Migration[], answers: RawAnswers, sides: Files[]): { answers: RawAnswers; sides: Files[] } {
  let current = { answers, sides };
  for (const m of list) {
    const results = current.sides.map((files) => m.migrate(current.answers, files));
    current = { answers: results[0]?.answers ?? m.migrate(current.answers, new Map()).answers, sides: results.map((r) => r.files) };
  }
  return current;
}

/** For migrations: move `from` to `to` if `from` exists (and `to` does not). */
export function renamePath(files: Files, from: string, to: string): Files {
  const content = files.get(from);
  if (content === undefined || files.has(to)) return files;
  const out = new Map(files);
  out.delete(from);
  out.set(to, content);
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}
