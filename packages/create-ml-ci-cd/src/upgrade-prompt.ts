import { select } from '@inquirer/prompts';
import type * as core from '@create-ml-ci-cd/core/upgrade';
import { planDiff } from './upgrade-report.js';

export type Choice = 'ours' | 'theirs' | 'markers';

/**
 * Without a base, ask per differing file (TTY only, never with --yes). Loaded lazily: only
 * interactive upgrades without a base need @inquirer/prompts.
 */
export async function askPerFile(conflicts: core.Resolved[], newVersion: string): Promise<Map<string, Choice>> {
  const choices = new Map<string, Choice>();
  for (const c of conflicts) {
    // Both sides are LF-normalized here, so the preview shows real changes only.
    process.stdout.write(Buffer.from(`${planDiff([{ ...c, action: 'update', content: c.theirs }], new Map([[c.path, c.ours!]]))}\n`, 'latin1'));
    choices.set(
      c.path,
      await select<Choice>({
        message: `${c.path} differs from the create-ml-ci-cd@${newVersion} template:`,
        choices: [
          { value: 'ours', name: 'keep mine' },
          { value: 'theirs', name: 'take the new template' },
          { value: 'markers', name: 'write conflict markers and resolve later' },
        ],
        default: 'markers',
      }),
    );
  }
  return choices;
}
