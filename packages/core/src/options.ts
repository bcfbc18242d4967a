import { features } from './features/index.js';
import { UserError } from './errors.js';
import { pythonKeywords, stdlibModules } from './python-names.js';
import { versions } from './versions.js';

/** The resolved answers: what the project is rendered from, and what it records for upgrades. */
export interface Answers {
  name: string;
  description: string;
  python: string;
  /** Enabled optional features, in registry order. */
  features: string[];
  /** Feature options (e.g. `dvcRemote`), present only when their feature is enabled. */
  [featureOption: string]: string | string[];
}

/** What flags, an answers file or prompts may say before normalization; anything may be missing or wrong. */
export type RawAnswers = Record<string, unknown>;

const baseKeys = ['name', 'description', 'python', 'features'] as const;

/** Keys a raw answers object may have: the base answers, one boolean per feature, and feature options. */
export function answerKeys(): string[] {
  return [...baseKeys, ...features.map((f) => f.name), ...features.flatMap((f) => (f.options ?? []).map((o) => o.key))];
}

export const defaultDescription = 'A machine-learning project with CI/CD';

const windowsDeviceNames = new Set(['con', 'prn', 'aux', 'nul', ...[1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((n) => [`com${n}`, `lpt${n}`])]);

/** The Python import name of a project: `my-model` imports as `my_model`. */
export function importName(name: string): string {
  return name.replace(/-/g, '_');
}

/**
 * Check a project name: it becomes a directory, a Python distribution name, an import name, an
 * MLflow model name and a container image name, so it must be valid as all of them.
 */
export function validateName(name: string): string {
  const shown = JSON.stringify(name);
  if (name.trim() === '') throw new UserError('The project name is empty. Pass one, e.g. `create-ml-ci-cd my-model`.');
  if (name.length > 100) throw new UserError(`The project name is ${name.length} characters long; use at most 100.`);
  if (/[A-Z]/.test(name) && /^[A-Za-z][A-Za-z0-9]*([-_][A-Za-z0-9]+)*$/.test(name))
    throw new UserError(`Invalid project name ${shown}: use lowercase (container image names must be), e.g. "${name.toLowerCase()}".`);
  if (!/^[a-z][a-z0-9]*([-_][a-z0-9]+)*$/.test(name))
    throw new UserError(
      `Invalid project name ${shown}: start with a letter and use only lowercase letters, digits, and single "-" or "_" between them (e.g. "my-model").`,
    );
  const mod = importName(name);
  if (pythonKeywords.has(mod)) throw new UserError(`Invalid project name ${shown}: it is a Python keyword; choose another, e.g. "${name}-model".`);
  if (stdlibModules.has(mod))
    throw new UserError(`Invalid project name ${shown}: it would shadow Python's standard-library module "${mod}"; choose another, e.g. "${name}-model".`);
  if (windowsDeviceNames.has(name)) throw new UserError(`Invalid project name ${shown}: it is a reserved device name on Windows; choose another.`);
  return name;
}

function expect<T>(key: string, value: unknown, type: 'string' | 'boolean', source: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== type) throw new UserError(`${source}: "${key}" must be a ${type}, got ${JSON.stringify(value)}.`);
  return value as T;
}

/**
 * Validate raw answers and fill defaults: the one place inputs are checked. Everything after it
 * trusts the result. `source` names where the values came from, for error messages.
 */
export function normalizeAnswers(raw: RawAnswers, source = 'answers'): Answers {
  const known = new Set(answerKeys());
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) throw new UserError(`${source}: unknown key "${key}". Known keys: ${[...known].join(', ')}.`);
  }

  const name = expect<string>('name', raw.name, 'string', source);
  if (name === undefined) throw new UserError(`${source}: no project name. Pass a directory or --name.`);
  validateName(name);

  const description = expect<string>('description', raw.description, 'string', source) ?? defaultDescription;
  // Newlines and tabs are fine (every file quotes the text); other control characters and lone
  // surrogates cannot be written into TOML or YAML at all.
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(description) || !description.isWellFormed())
    throw new UserError(`${source}: the description contains a control character or invalid Unicode; remove it.`);

  const python = expect<string>('python', raw.python, 'string', source) ?? versions.python.default;
  if (!versions.python.supported.includes(python))
    throw new UserError(`Unsupported Python version ${JSON.stringify(python)}: use one of ${versions.python.supported.join(', ')}.`);

  let enabled = new Set<string>();
  if (raw.features !== undefined) {
    if (!Array.isArray(raw.features) || raw.features.some((f) => typeof f !== 'string'))
      throw new UserError(`${source}: "features" must be a list of feature names.`);
    for (const f of raw.features as string[]) {
      if (!features.some((x) => x.name === f))
        throw new UserError(`${source}: unknown feature "${f}". Known features: ${features.map((x) => x.name).join(', ') || 'none'}.`);
      enabled.add(f);
    }
  }
  for (const f of features) {
    const on = expect<boolean>(f.name, raw[f.name], 'boolean', source);
    if (on === true) enabled.add(f.name);
    if (on === false) enabled.delete(f.name);
  }
  enabled = new Set(features.filter((f) => enabled.has(f.name)).map((f) => f.name));

  const answers: Answers = { name, description, python, features: [...enabled] };
  for (const f of features) {
    for (const o of f.options ?? []) {
      const value = expect<string>(o.key, raw[o.key], 'string', source);
      if (value === undefined) continue;
      if (!enabled.has(f.name)) throw new UserError(`${source}: "${o.key}" only applies with the ${f.name} feature; add --${f.name}.`);
      answers[o.key] = o.validate(value, answers);
    }
  }
  return answers;
}
