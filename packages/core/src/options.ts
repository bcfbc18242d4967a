import { ciNames, ciProvider, defaultCi, type CiName } from './ci/index.js';
import { features } from './features/index.js';
import { UserError } from './errors.js';
import { pythonKeywords, stdlibModules } from './python-names.js';
import { versions } from './versions.js';

/** The resolved answers: what the project is rendered from, and what it records for upgrades. */
export interface Answers {
  name: string;
  description: string;
  python: string;
  /** What installs the dependencies, locally and in every workflow. */
  packageManager: PackageManager;
  /** Which CI provider's files the project gets (ci/index.ts). Records from before it existed mean github. */
  ci: CiName;
  /** When retrain.yml runs on its own: a five-field cron expression in UTC. */
  retrainCron: string;
  /** Enabled optional features, in registry order. */
  features: string[];
  /** Feature options (e.g. `dvcRemote`), present only when their feature is enabled. */
  [featureOption: string]: string | string[];
}

/**
 * uv by default: the same requirements files, installed about 3x faster than pip (bench/python-install.mjs).
 * pip for setups that allow only pip (a pip-only package mirror, no binaries from outside PyPI).
 */
export const packageManagers = ['uv', 'pip'] as const;
export type PackageManager = (typeof packageManagers)[number];

/** What flags, an answers file or prompts may say before normalization; anything may be missing or wrong. */
export type RawAnswers = Record<string, unknown>;

const baseKeys = ['name', 'description', 'python', 'packageManager', 'ci', 'retrainCron', 'features'] as const;

/** Keys a raw answers object may have: the base answers, one boolean per feature, and feature options. */
export function answerKeys(): string[] {
  return [...baseKeys, ...features.map((f) => f.name), ...features.flatMap((f) => (f.options ?? []).map((o) => o.key))];
}

/** Answers given as flags (`source` is 'options') are named as the user typed them: `--dvc-remote`. */
const FLAGS = 'options';
const label = (key: string, source: string) => (source === FLAGS ? `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` : `"${key}"`);
/** Where a bad value came from, as a message prefix: the answers file's name; nothing for flags, which name themselves. */
const from = (source: string) => (source === FLAGS ? '' : `${source}: `);

export const defaultDescription = 'A machine-learning project with CI/CD';

/** Mondays at 06:00 UTC: weekly is often enough for data that arrives in batches. */
export const defaultRetrainCron = '0 6 * * 1';

const cronFields = [
  ['minute', 0, 59],
  ['hour', 0, 23],
  ['day of month', 1, 31],
  ['month', 1, 12],
  ['day of week', 0, 6],
] as const;

/**
 * Check a GitHub Actions `schedule` cron expression: five fields of numbers with `*`, `,`, `-` and
 * `/`, each within its range. A wrong one would only fail later, when GitHub reads the workflow.
 */
export function validateCron(cron: string, source = 'options'): string {
  const parts = cron.trim().split(/\s+/);
  const fail = (why: string) =>
    new UserError(`${from(source)}invalid retrain cron ${JSON.stringify(cron)}: ${why}. Use five fields in UTC, e.g. "${defaultRetrainCron}" (Mondays 06:00).`);
  if (parts.length !== 5) throw fail(`it has ${parts.length} field${parts.length === 1 ? '' : 's'}, not 5`);
  parts.forEach((part, i) => {
    const [field, min, max] = cronFields[i];
    for (const item of part.split(',')) {
      const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item);
      if (!m) throw fail(`the ${field} field "${part}" is not a number, range, list or step`);
      const [, , from, to, step] = m;
      const numbers = [from, to].filter((n) => n !== undefined).map(Number);
      if (numbers.some((n) => n < min || n > max)) throw fail(`the ${field} must be between ${min} and ${max}`);
      if (numbers.length === 2 && numbers[0] > numbers[1]) throw fail(`the ${field} range "${item}" runs backwards`);
      // GitHub refuses a step outside the field's own range (e.g. "*/7" for the day of week).
      if (step !== undefined && (Number(step) < Math.max(min, 1) || Number(step) > max))
        throw fail(`the ${field} step must be between ${Math.max(min, 1)} and ${max}`);
    }
  });
  return parts.join(' ');
}

const windowsDeviceNames = new Set(['con', 'prn', 'aux', 'nul', ...[1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((n) => [`com${n}`, `lpt${n}`])]);

/** The Python import name of a project: `my-model` imports as `my_model`. */
export function importName(name: string): string {
  return name.replace(/-/g, '_');
}

/** A value for an error message: JSON (one line, control characters escaped), cut to a readable length. */
function show(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** `, e.g. "<candidate>"` when the candidate is itself a valid name, so a suggestion never fails in turn. */
function suggest(candidate: string): string {
  try {
    validateName(candidate);
    return `, e.g. "${candidate}"`;
  } catch {
    return '';
  }
}

/**
 * Check a project name: it becomes a directory, a Python distribution name, an import name, an
 * MLflow model name and a container image name, so it must be valid as all of them.
 */
export function validateName(name: string): string {
  const shown = show(name);
  if (name.trim() === '') throw new UserError('The project name is empty. Pass one, e.g. `create-ml-ci-cd my-model`.');
  if (name.length > 100) throw new UserError(`The project name ${shown} is ${name.length} characters long; use at most 100.`);
  if (/[A-Z]/.test(name) && /^[A-Za-z][A-Za-z0-9]*([-_][A-Za-z0-9]+)*$/.test(name))
    throw new UserError(`Invalid project name ${shown}: use lowercase (container image names must be)${suggest(name.toLowerCase())}.`);
  if (!/^[a-z][a-z0-9]*([-_][a-z0-9]+)*$/.test(name))
    throw new UserError(
      `Invalid project name ${shown}: start with a letter and use only lowercase letters, digits, and single "-" or "_" between them (e.g. "my-model").`,
    );
  const mod = importName(name);
  if (pythonKeywords.has(mod)) throw new UserError(`Invalid project name ${shown}: it is a Python keyword; choose another${suggest(`${name}-model`)}.`);
  if (stdlibModules.has(mod))
    throw new UserError(`Invalid project name ${shown}: it would shadow Python's standard-library module "${mod}"; choose another${suggest(`${name}-model`)}.`);
  if (windowsDeviceNames.has(name))
    throw new UserError(`Invalid project name ${shown}: it is a reserved device name on Windows; choose another${suggest(`${name}-model`)}.`);
  return name;
}

/**
 * Characters a description may not hold. Tabs are fine (every file quotes the text with `q()`, a
 * JSON string literal); other control characters, lone surrogates and noncharacters are not: JSON
 * leaves DEL, C1 controls and U+FFFE unescaped, which TOML and YAML reject, and a lone surrogate
 * cannot be written as UTF-8 at all. Line breaks are refused on their own: the description is
 * pyproject's one-line summary.
 */
const badDescriptionChar = /[^\t\P{Cc}]|\p{Noncharacter_Code_Point}|\p{Cs}/u;

function validateDescription(description: string, source: string): string {
  if (/[\r\n\u2028\u2029]/.test(description))
    throw new UserError(`${from(source)}the description (${label('description', source)}) must be one line; it becomes pyproject's one-line summary. Put longer text in the README.`);
  const bad = badDescriptionChar.exec(description);
  if (bad) {
    const code = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw new UserError(`${from(source)}the description contains the character U+${code} at position ${bad.index}; remove it.`);
  }
  return description;
}

function expect<T>(key: string, value: unknown, type: 'string' | 'boolean', source: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== type) throw new UserError(`${from(source)}${label(key, source)} must be a ${type}, got ${show(value)}.`);
  return value as T;
}

/**
 * Validate raw answers and fill defaults: the one place inputs are checked. Everything after it
 * trusts the result. `source` names where the values came from, for error messages.
 */
export function normalizeAnswers(raw: RawAnswers, source = 'answers'): Answers {
  const known = new Set(answerKeys());
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) throw new UserError(`${source}: unknown key ${show(key)}. Known keys: ${[...known].join(', ')}.`);
  }

  const name = expect<string>('name', raw.name, 'string', source);
  if (name === undefined) throw new UserError(`${source}: no project name. Pass a directory or --name.`);
  validateName(name);

  const description = validateDescription(expect<string>('description', raw.description, 'string', source) ?? defaultDescription, source);

  const python = expect<string>('python', raw.python, 'string', source) ?? versions.python.default;
  if (!versions.python.supported.includes(python))
    throw new UserError(`Unsupported Python version ${show(python)}: use one of ${versions.python.supported.join(', ')}.`);

  const packageManager = (expect<string>('packageManager', raw.packageManager, 'string', source) ?? packageManagers[0]) as PackageManager;
  if (!packageManagers.includes(packageManager))
    throw new UserError(`${from(source)}unsupported package manager ${show(packageManager)} (${label('packageManager', source)}): use ${packageManagers.join(' or ')}.`);

  const ci = (expect<string>('ci', raw.ci, 'string', source) ?? defaultCi) as CiName;
  if (!ciNames.includes(ci)) throw new UserError(`${from(source)}unknown CI provider ${show(ci)} (${label('ci', source)}): use ${ciNames.join(' or ')}.`);
  for (const image of ciProvider(ci).images?.(python) ?? [])
    if (!Object.hasOwn(versions.other, image))
      throw new UserError(`${from(source)}${ciProvider(ci).label} (${label('ci', source)}) with Python ${python} needs the image ${image}, whose digest versions.json does not have yet; use another --python (default ${versions.python.default}).`);

  const retrainCronRaw = expect<string>('retrainCron', raw.retrainCron, 'string', source);
  const retrainCron = retrainCronRaw === undefined ? defaultRetrainCron : validateCron(retrainCronRaw, source);

  let enabled = new Set<string>();
  if (raw.features !== undefined) {
    if (!Array.isArray(raw.features) || raw.features.some((f) => typeof f !== 'string'))
      throw new UserError(`${from(source)}"features" must be a list of feature names.`);
    for (const f of raw.features as string[]) {
      if (!features.some((x) => x.name === f))
        throw new UserError(`${from(source)}unknown feature ${show(f)}. Known features: ${features.map((x) => x.name).join(', ') || 'none'}.`);
      enabled.add(f);
    }
  }
  for (const f of features) {
    const on = expect<boolean>(f.name, raw[f.name], 'boolean', source);
    if (on === true) enabled.add(f.name);
    if (on === false) enabled.delete(f.name);
  }
  enabled = new Set(features.filter((f) => enabled.has(f.name)).map((f) => f.name));
  for (const f of features.filter((f) => enabled.has(f.name)))
    for (const image of f.baseImages?.(python) ?? [])
      if (!Object.hasOwn(versions.other, image))
        throw new UserError(`${source}: ${f.name} with Python ${python} needs the base image ${image}, whose digest versions.json does not have yet; use another --python (default ${versions.python.default}).`);

  const answers: Answers = { name, description, python, packageManager, ci, retrainCron, features: [...enabled] };
  for (const f of features) {
    for (const o of f.options ?? []) {
      const value = expect<string>(o.key, raw[o.key], 'string', source);
      if (value === undefined) continue;
      if (!enabled.has(f.name)) throw new UserError(`${from(source)}${label(o.key, source)} only applies with the ${f.name} feature; add --${f.name}.`);
      answers[o.key] = o.validate(value, answers);
    }
  }
  return answers;
}
