import { checkbox, confirm, expand, input, select } from '@inquirer/prompts';
import { allOptions, features, normalizeAnswers, type Answers, type OptionSpec, type RawAnswers } from '@create-ml-ci-cd/core';

/** Yeoman's conflicter asks "Overwrite <file>?" through this (generators/app/adapter.ts). */
export const askConflict = expand;

/** A non-empty target: cancel (the default), or write into it as --force does. */
export async function askNonEmpty(shown: string): Promise<boolean> {
  return select({
    message: `${shown} is not empty. What now?`,
    default: false,
    choices: [
      { value: false, name: 'Cancel' },
      { value: true, name: 'Write into it (asks before replacing a file that differs, deletes nothing)' },
    ],
  });
}

/** Ask one option of the options model: a list for a choice, a line of text (checked as normalization will) otherwise. */
async function ask(o: OptionSpec, answers: RawAnswers): Promise<string> {
  if (o.type === 'choice') return select({ message: o.prompt!, default: o.default, choices: o.choices.map((c) => ({ value: c.value, name: c.label })) });
  // The answers before this one, normalized, for a default computed from them (dvc's remote beside the project).
  const current = answers.name === undefined ? ({} as Answers) : normalizeAnswers({ ...answers, [o.key]: undefined }, 'options');
  return input({
    message: o.prompt!,
    default: o.default?.(current) ?? o.suggestion,
    validate: (value) => {
      try {
        o.validate(value, 'options', current);
        return true;
      } catch (error) {
        return (error as Error).message;
      }
    },
  });
}

/**
 * Ask only for what flags and the answers file left open: every option of the options model with a
 * `prompt`, in order, the features, then the options of the chosen features. Loaded only when stdin is a TTY.
 * `onName` looks at the directory a typed name leads to before the other questions.
 */
export async function askMissing(raw: RawAnswers, steps: { git?: boolean; install?: boolean }, onName?: (name: string) => Promise<void>) {
  const answers = { ...raw };
  const options = allOptions();
  for (const { option } of options.filter((o) => o.feature === undefined && o.option.prompt && answers[o.option.key] === undefined)) {
    answers[option.key] = await ask(option, answers);
    if (option.key === 'name') await onName?.(answers.name as string);
  }
  const featureGiven = answers.features !== undefined || features.some((f) => answers[f.name] !== undefined);
  if (features.length > 0 && !featureGiven)
    answers.features = await checkbox({
      message: 'Optional features:',
      // `short`: the answer line after the prompt lists names, not every full label again.
      choices: features.map((f) => ({ value: f.name, name: f.label, short: f.name })),
    });
  const chosen = new Set(normalizeAnswers(answers, 'options').features);
  for (const { option } of options.filter((o) => o.feature !== undefined && chosen.has(o.feature) && o.option.prompt && answers[o.option.key] === undefined))
    answers[option.key] = await ask(option, answers);
  const git = steps.git ?? (await confirm({ message: 'Initialize a git repository?', default: true }));
  const install = steps.install ?? (await confirm({ message: 'Create .venv and install dependencies now?', default: false }));
  return { answers, git, install };
}
