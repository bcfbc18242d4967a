/**
 * The adapter Yeoman's Conflicter talks to: it asks "Overwrite <file>?" through `adapter.prompt`
 * and prints diffs through `adapter.log`. Three ways to answer, chosen by the CLI:
 * - `ask`: a terminal; the question goes to @inquirer's expand prompt (passed in, so this package
 *   loads no prompt library), with overwrite, skip, overwrite all, skip all, diff and abort;
 * - `overwrite`: every conflict is overwritten (explicit consent, `--overwrite`);
 * - `refuse`: every conflict is recorded and skipped; the caller refuses before anything is committed.
 */
export type OnConflict = 'ask' | 'overwrite' | 'refuse';

export interface ExpandChoice {
  key: string;
  name: string;
  value: unknown;
}
export type Expand = (question: { message: string; choices: ExpandChoice[]; default?: string }) => Promise<unknown>;

/** The actions offered, in Yeoman's wording, minus its experimental ones (reload, edit, ignore). */
const OFFERED = ['write', 'skip', 'force', 'diff', 'abort'];

export class ConflictAdapter {
  /** Files that differ from what would be written, relative to the target, in the order met. */
  readonly conflicts: string[] = [];
  #all?: 'write' | 'skip';
  readonly log: any;

  constructor(
    readonly onConflict: OnConflict,
    readonly io: { expand?: Expand; print: (text: string) => void; added?: (text: string) => string; removed?: (text: string) => string } = { print: () => {} },
  ) {
    const paint = (color: string | undefined, text: string) =>
      color === 'added' ? (io.added ?? String)(text) : color === 'removed' ? (io.removed ?? String)(text) : text;
    const quiet = () => this.log;
    this.log = Object.assign(quiet, {
      conflict: (path: string) => void this.conflicts.push(path.split('\\').join('/')),
      writeln: (text = '') => io.print(`${text}\n`),
      colored: (parts: { message: string; color?: string }[]) => io.print(parts.map((p) => paint(p.color, p.message)).join('')),
      create: quiet,
      force: quiet,
      skip: quiet,
      identical: quiet,
      info: quiet,
    });
  }

  async prompt(questions: { name: string; message: string; choices: ExpandChoice[] }[]): Promise<Record<string, unknown>> {
    const [question] = questions;
    const answer = async (): Promise<unknown> => {
      if (this.onConflict === 'overwrite') return 'write';
      if (this.onConflict === 'refuse') return 'skip';
      if (this.#all) return this.#all;
      if (!this.io.expand) throw new Error('ConflictAdapter: asking needs an expand prompt.');
      return this.io.expand({ message: question.message, choices: question.choices, default: 'n' });
    };
    return { [question.name]: await answer() };
  }

  /** Conflicter's `customizeActions`: Yeoman's choices plus "skip this and all others". */
  readonly customizeActions = (actions: ExpandChoice[]): ExpandChoice[] => {
    const kept = actions.filter((a) => OFFERED.includes(a.value as string));
    const all = kept.findIndex((a) => a.value === 'force');
    // "overwrite this and all others" would set the conflicter's force, which then rewrites
    // identical files too: answer the rest here instead.
    kept[all] = { ...kept[all], value: () => ((this.#all = 'write'), 'write') };
    kept.splice(all + 1, 0, { key: 's', name: 'skip this and all others', value: () => ((this.#all = 'skip'), 'skip') });
    return kept;
  };
}
