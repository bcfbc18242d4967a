import { checkbox, confirm, input, select } from '@inquirer/prompts';
import { ciProviders, defaultCi, defaultDescription, features, packageManagers, validateName, versions, type RawAnswers } from '@create-ml-ci-cd/core';

/** A non-empty target: cancel (the default), or write into it as --force does. */
export async function askNonEmpty(shown: string): Promise<boolean> {
  return select({
    message: `${shown} is not empty. What now?`,
    default: false,
    choices: [
      { value: false, name: 'Cancel' },
      { value: true, name: 'Write into it (replaces the files it generates, deletes nothing)' },
    ],
  });
}

/**
 * Ask only for what flags and the answers file left open. Loaded only when stdin is a TTY.
 * `onName` looks at the directory a typed name leads to before the other questions.
 */
export async function askMissing(raw: RawAnswers, steps: { git?: boolean; install?: boolean }, onName?: (name: string) => Promise<void>) {
  const answers = { ...raw };
  if (answers.name === undefined) {
    answers.name = await input({
      message: 'Project name:',
      default: 'my-model',
      validate: (value) => {
        try {
          validateName(value);
          return true;
        } catch (error) {
          return (error as Error).message;
        }
      },
    });
    await onName?.(answers.name as string);
  }
  if (answers.description === undefined) answers.description = await input({ message: 'Description:', default: defaultDescription });
  if (answers.python === undefined)
    answers.python = await select({
      message: 'Python version:',
      default: versions.python.default,
      choices: versions.python.supported.map((v) => ({ value: v, name: v })),
    });
  if (answers.packageManager === undefined)
    answers.packageManager = await select({
      message: 'Package manager:',
      default: packageManagers[0],
      choices: [
        { value: 'uv', name: 'uv (fast; CI installs it with astral-sh/setup-uv)' },
        { value: 'pip', name: 'pip (for pip-only package mirrors)' },
      ] satisfies { value: (typeof packageManagers)[number]; name: string }[],
    });
  if (answers.ci === undefined)
    answers.ci = await select({ message: 'CI provider:', default: defaultCi, choices: ciProviders.map((p) => ({ value: p.name, name: p.label })) });
  const featureGiven = answers.features !== undefined || features.some((f) => answers[f.name] !== undefined);
  if (features.length > 0 && !featureGiven)
    answers.features = await checkbox({
      message: 'Optional features:',
      // `short`: the answer line after the prompt lists names, not every full label again.
      choices: features.map((f) => ({ value: f.name, name: f.label, short: f.name })),
    });
  const git = steps.git ?? (await confirm({ message: 'Initialize a git repository?', default: true }));
  const install = steps.install ?? (await confirm({ message: 'Create .venv and install dependencies now?', default: false }));
  return { answers, git, install };
}
