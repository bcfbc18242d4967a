import { ciProvider, ciProviders, defaultCi, type CiName } from './ci/index.js';
import { features, isFeatureName, supports, type FeatureName } from './features/index.js';
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
  features: FeatureName[];
  /** Feature options (e.g. `dvcRemote`), present only when their feature is enabled. */
  [featureOption: string]: string | string[];
}

/** What flags, an answers file or prompts may say before normalization; anything may be missing or wrong. */
export type RawAnswers = Record<string, unknown>;

interface OptionBase {
  /** camelCase answers key; the flag is its kebab-case form (`packageManager` -> `--package-manager`). */
  key: string;
  /** `--help` text; the choices and the default are appended to it. */
  help: string;
  /** The question asked in a terminal when neither a flag nor the answers file gave a value; none: flag only. */
  prompt?: string;
  /** Placeholder in `--help`, e.g. `<url>`. */
  valueName: string;
}

/** A free-text option; `validate` returns the normalized value or throws a UserError naming the fix. */
export interface StringOption extends OptionBase {
  type: 'string';
  /** The value when none is given; none: the option is required. Computed from the answers before it. */
  default?: (answers: Answers) => string;
  /** How `--help` shows a computed default. */
  defaultHelp?: string;
  /** What the prompt offers when there is no default. */
  suggestion?: string;
  validate(value: string, source: string, answers: Answers): string;
}

/** One of a fixed list. A choice the matrix must run lists its other values under `verify`. */
export interface ChoiceOption extends OptionBase {
  type: 'choice';
  /** What the error calls it: "unsupported <noun> ...". */
  noun: string;
  choices: readonly { value: string; label: string }[];
  default: string;
  /**
   * Values besides the default that change what is rendered enough that the verification matrix
   * runs each once, with every feature (scenario `scenario-<flag>-<value>`).
   */
  verify: readonly string[];
}

export type OptionSpec = StringOption | ChoiceOption;

/**
 * uv by default: the same requirements files, installed about 3x faster than pip (bench/python-install.mjs).
 * pip for setups that allow only pip (a pip-only package mirror, no binaries from outside PyPI).
 */
export const packageManagers = ['uv', 'pip'] as const;
export type PackageManager = (typeof packageManagers)[number];

export const defaultDescription = 'A machine-learning project with CI/CD';

/**
 * The project's own options, each declared once, in the order they are asked, recorded and listed
 * in `--help`. Flags, prompts, normalization, `upgrade`'s flags, the verification scenarios and the
 * property tests' arbitraries are derived from this list and the features' own `options`.
 */
export const baseOptions = [
  {
    key: 'name',
    type: 'string',
    help: 'project name (default: the directory name)',
    prompt: 'Project name:',
    valueName: '<name>',
    suggestion: 'my-model',
    validate: (value) => validateName(value),
  },
  {
    key: 'description',
    type: 'string',
    help: 'one-line description',
    prompt: 'Description:',
    valueName: '<text>',
    default: () => defaultDescription,
    defaultHelp: JSON.stringify(defaultDescription),
    validate: (value, source) => validateDescription(value, source),
  },
  {
    key: 'python',
    type: 'choice',
    noun: 'Python version',
    help: 'Python version',
    prompt: 'Python version:',
    valueName: '<version>',
    choices: versions.python.supported.map((v) => ({ value: v, label: v })),
    default: versions.python.default,
    // The lowest supported (versions.json lists them lowest first); every other scenario runs the default.
    verify: versions.python.supported.slice(0, 1).filter((v) => v !== versions.python.default),
  },
  {
    key: 'packageManager',
    type: 'choice',
    noun: 'package manager',
    help: 'what installs the dependencies, locally and in CI',
    prompt: 'Package manager:',
    valueName: '<name>',
    choices: [
      { value: 'uv', label: 'uv (fast; CI installs it with astral-sh/setup-uv)' },
      { value: 'pip', label: 'pip (for pip-only package mirrors)' },
    ] satisfies { value: PackageManager; label: string }[],
    default: packageManagers[0],
    // Every workflow's install steps differ.
    verify: packageManagers.slice(1),
  },
  {
    key: 'ci',
    type: 'choice',
    noun: 'CI provider',
    help: 'CI provider',
    prompt: 'CI provider:',
    valueName: '<provider>',
    choices: ciProviders.map((p) => ({ value: p.name, label: p.label })),
    default: defaultCi,
    // Each provider gets its own scenarios, with no feature and with every one (packages/verify/src/ci).
    verify: [],
  },
  {
    key: 'retrainCron',
    type: 'string',
    help: 'when the retraining workflow runs, in UTC',
    valueName: '<cron>',
    default: () => defaultRetrainCron,
    defaultHelp: '"0 6 * * 1": Mondays 06:00',
    validate: (value, source) => validateCron(value, source),
  },
] as const satisfies readonly OptionSpec[];

/** Every option with its feature (`undefined` for the project's own), base options first. */
export function allOptions(): { option: OptionSpec; feature?: FeatureName }[] {
  return [...baseOptions.map((option) => ({ option })), ...features.flatMap((f) => (f.options ?? []).map((option) => ({ option, feature: f.name })))];
}

/** Keys a raw answers object may have: the base answers, the feature list, one boolean per feature, and feature options. */
export function answerKeys(): string[] {
  return [...baseOptions.map((o) => o.key), 'features', ...features.map((f) => f.name), ...features.flatMap((f) => (f.options ?? []).map((o) => o.key))];
}

/** `dvcRemote` -> `dvc-remote` */
export const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** `--help` text of an option: its help, then its choices and default. */
export function optionHelp(o: OptionSpec): string {
  if (o.type === 'choice') return `${o.help}: ${o.choices.map((c) => c.value).join(', ')} (default ${o.default})`;
  return o.defaultHelp ? `${o.help} (default ${o.defaultHelp})` : o.help;
}

/** Answers given as flags (`source` is 'options') are named as the user typed them: `--dvc-remote`. */
const FLAGS = 'options';
const label = (key: string, source: string) => (source === FLAGS ? `--${kebab(key)}` : `"${key}"`);
/** Where a bad value came from, as a message prefix: the answers file's name; nothing for flags, which name themselves. */
const from = (source: string) => (source === FLAGS ? '' : `${source}: `);

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

/** One option's value from the raw answers: checked, validated, or its default; undefined when it has none. */
function optionValue(o: OptionSpec, raw: RawAnswers, source: string, answers: Answers): string | undefined {
  const value = expect<string>(o.key, raw[o.key], 'string', source);
  if (o.type === 'choice') {
    const chosen = value ?? o.default;
    if (!o.choices.some((c) => c.value === chosen)) {
      const values = o.choices.map((c) => c.value);
      const message = `unsupported ${o.noun} ${show(chosen)} (${label(o.key, source)}): use ${values.length > 2 ? `one of ${values.join(', ')}` : values.join(' or ')}.`;
      throw new UserError(`${from(source)}${message}`);
    }
    return chosen;
  }
  if (value !== undefined) return o.validate(value, source, answers);
  return o.default?.(answers);
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

  const answers = {} as Answers;
  for (const o of baseOptions) {
    const value = optionValue(o, raw, source, answers);
    if (value === undefined) throw new UserError(`${source}: no project ${o.key}. Pass a directory or --${kebab(o.key)}.`);
    (answers as Record<string, unknown>)[o.key] = value;
  }

  let enabled = new Set<FeatureName>();
  if (raw.features !== undefined) {
    if (!Array.isArray(raw.features) || raw.features.some((f) => typeof f !== 'string'))
      throw new UserError(`${from(source)}"features" must be a list of feature names.`);
    for (const f of raw.features as string[]) {
      if (!isFeatureName(f)) throw new UserError(`${from(source)}unknown feature ${show(f)}. Known features: ${features.map((x) => x.name).join(', ') || 'none'}.`);
      enabled.add(f);
    }
  }
  for (const f of features) {
    const on = expect<boolean>(f.name, raw[f.name], 'boolean', source);
    if (on === true) enabled.add(f.name);
    if (on === false) enabled.delete(f.name);
  }
  enabled = new Set(features.filter((f) => enabled.has(f.name)).map((f) => f.name));
  const python = answers.python;
  const ci = ciProvider(answers.ci);
  for (const image of ci.images?.(python) ?? [])
    if (!Object.hasOwn(versions.other, image))
      throw new UserError(`${from(source)}${ci.label} (${label('ci', source)}) with Python ${python} needs the image ${image}, whose digest versions.json does not have yet; use another --python (default ${versions.python.default}).`);
  for (const f of features.filter((f) => enabled.has(f.name)))
    for (const image of f.baseImages?.(python) ?? [])
      if (!Object.hasOwn(versions.other, image))
        throw new UserError(`${source}: ${f.name} with Python ${python} needs the base image ${image}, whose digest versions.json does not have yet; use another --python (default ${versions.python.default}).`);
  answers.features = [...enabled];
  for (const f of features.filter((f) => enabled.has(f.name) && !supports(f, ci.name)))
    throw new UserError(`${from(source)}${f.name} is not available with ${ci.label} yet (its jobs exist for ${f.providers!.join(', ')} only); drop --${f.name} or use --ci ${f.providers![0]}.`);

  for (const { option, feature } of allOptions().filter((o) => o.feature !== undefined)) {
    if (!enabled.has(feature!)) {
      if (raw[option.key] !== undefined) throw new UserError(`${from(source)}${label(option.key, source)} only applies with the ${feature} feature; add --${feature}.`);
      continue;
    }
    const value = optionValue(option, raw, source, answers);
    if (value !== undefined) answers[option.key] = value;
  }
  return answers;
}
