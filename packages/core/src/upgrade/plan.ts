import { isData, lineEndings, sameContent, toLf } from './files.js';

/** Path -> contents. A path that is absent means the file does not exist on that side. */
export type Files = Map<string, Buffer>;

/**
 * What upgrade does with one file.
 * - `unchanged`: ours already equals the new render. `keep`: only the user changed it; theirs is the old render.
 * - `update` / `add` / `delete`: only the template changed it (the user did not touch it).
 * - `merge`: both changed a text file; a three-way merge decides (clean or conflict).
 * - `conflict`: both sides differ and there is no base to merge from (two-way markers).
 * - `keep-deleted`: the user deleted a file the template changed. `keep-modified`: the template
 *   dropped a file the user modified. `keep-data`: both changed a data/binary file. Ours stays in all three.
 * - `keep-link`: the path is, or lies below, a symbolic link: never read, written or deleted.
 */
export type Action =
  | 'unchanged'
  | 'keep'
  | 'update'
  | 'add'
  | 'delete'
  | 'merge'
  | 'conflict'
  | 'keep-deleted'
  | 'keep-modified'
  | 'keep-data'
  | 'keep-link';

export interface FilePlan {
  path: string;
  action: Action;
  /** The three sides; LF-normalized when `crlf` is set, else byte for byte as they are. */
  base?: Buffer;
  ours?: Buffer;
  theirs?: Buffer;
  /** Data or binary: compared byte for byte, never merged. */
  data: boolean;
  /**
   * Every line of the user's file ends in CRLF: sides were compared and are merged in LF; the result
   * gets CRLF back. A file with mixed endings is compared and merged as it is, so each of its lines
   * keeps its own ending (the template's new lines come with LF).
   */
  crlf: boolean;
}

export interface PlanInput {
  /** The render of the project's recorded version with its recorded answers; null when it could not be had. */
  base: Files | null;
  /** The files as they are now (only the paths base and theirs know about). */
  ours: Files;
  /** The render of the new templates with the new answers. */
  theirs: Files;
  /** Paths that are, or lie below, a symbolic link (`keep-link`). */
  links?: ReadonlySet<string>;
  /**
   * Whether git converts line endings for this path (`core.autocrlf`, `.gitattributes`): a data
   * file in CRLF is then compared (never merged) in LF, as git itself compares it.
   */
  gitEol?: (path: string) => boolean;
}

/** Whether applying this entry writes or deletes anything. */
export function changesFiles(action: Action): boolean {
  return action === 'update' || action === 'add' || action === 'delete' || action === 'merge' || action === 'conflict';
}

/** Compute the per-file plan. Pure: reads nothing, writes nothing. Sorted by path. */
export function planUpgrade({ base, ours, theirs, links = new Set(), gitEol = () => false }: PlanInput): FilePlan[] {
  const paths = [...new Set([...(base?.keys() ?? []), ...ours.keys(), ...theirs.keys()])].sort();
  return paths.map((path) => {
    if (links.has(path)) return { path, action: 'keep-link', data: isData(path), crlf: false };
    return planFile(path, base === null ? null : base.get(path), ours.get(path), theirs.get(path), gitEol);
  });
}

function planFile(path: string, base: Buffer | undefined | null, ours: Buffer | undefined, theirs: Buffer | undefined, gitEol: (path: string) => boolean): FilePlan {
  const data = isData(path, base ?? undefined, ours, theirs);
  const crlf = ours !== undefined && lineEndings(ours) === 'crlf' && (!data || gitEol(path));
  if (crlf) {
    base = base && toLf(base);
    ours = toLf(ours!);
    theirs = theirs && toLf(theirs);
  }
  const entry = (action: Action): FilePlan => ({ path, action, base: base ?? undefined, ours, theirs, data, crlf });

  if (sameContent(ours, theirs)) return entry('unchanged');
  if (base === null) {
    // No base: we cannot tell who changed what, so nothing is overwritten or deleted.
    if (ours === undefined) return entry('add');
    if (theirs === undefined) return entry('keep-modified');
    return entry(data ? 'keep-data' : 'conflict');
  }
  if (sameContent(base, ours)) {
    if (theirs === undefined) return entry('delete');
    return entry(ours === undefined ? 'add' : 'update');
  }
  if (sameContent(base, theirs)) return entry('keep');
  if (ours === undefined) return entry('keep-deleted');
  if (theirs === undefined) return entry('keep-modified');
  return entry(data ? 'keep-data' : 'merge');
}
