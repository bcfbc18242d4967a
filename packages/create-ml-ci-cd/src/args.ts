import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError, ciProviders, defaultCi, defaultRetrainCron, features, packageManagers, versions } from '@create-ml-ci-cd/core';

/** `dvcRemote` -> `dvc-remote` */
const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

interface FlagSpec {
  flag: string;
  /** Key in the raw answers object; absent for flags that steer the CLI rather than the project. */
  answer?: string;
  type: 'string' | 'boolean';
  short?: string;
  value?: string;
  negatable?: boolean;
  help: string;
}

/** Every flag of `create-ml-ci-cd [directory]`: the base ones, then those derived from the feature registry. */
export function createFlags(): FlagSpec[] {
  return [
    { flag: 'name', answer: 'name', type: 'string', value: '<name>', help: 'project name (default: the directory name)' },
    { flag: 'description', answer: 'description', type: 'string', value: '<text>', help: 'one-line description' },
    { flag: 'python', answer: 'python', type: 'string', value: '<version>', help: `Python version: ${versions.python.supported.join(', ')} (default ${versions.python.default})` },
    { flag: 'package-manager', answer: 'packageManager', type: 'string', value: '<name>', help: `what installs the dependencies, locally and in CI: ${packageManagers.join(' or ')} (default ${packageManagers[0]}, about 3x faster)` },
    { flag: 'ci', answer: 'ci', type: 'string', value: '<provider>', help: `CI provider: ${ciProviders.map((p) => `${p.name} (${p.label})`).join(' or ')} (default ${defaultCi})` },
    { flag: 'retrain-cron', answer: 'retrainCron', type: 'string', value: '<cron>', help: `when the retraining workflow runs, in UTC (default "${defaultRetrainCron}": Mondays 06:00)` },
    ...features.flatMap((f): FlagSpec[] => [
      { flag: f.name, answer: f.name, type: 'boolean', negatable: true, help: f.label },
      ...(f.options ?? []).map((o): FlagSpec => ({ flag: kebab(o.key), answer: o.key, type: 'string', value: o.valueName, help: o.description })),
    ]),
    { flag: 'git', type: 'boolean', negatable: true, help: 'git init and an initial commit (default: yes)' },
    { flag: 'install', type: 'boolean', negatable: true, help: 'create .venv and install the dependencies now (default: no)' },
    { flag: 'answers', type: 'string', value: '<file.json>', help: 'read answers from a JSON file (flags win over it)' },
    { flag: 'yes', short: 'y', type: 'boolean', help: 'ask nothing: use flags, the answers file and defaults' },
    { flag: 'force', type: 'boolean', help: 'write into a non-empty directory (overwrites files it generates; deletes nothing)' },
    { flag: 'help', short: 'h', type: 'boolean', help: 'show this help' },
    { flag: 'version', short: 'v', type: 'boolean', help: 'show the version' },
  ];
}

export interface ParsedCreate {
  directory?: string;
  /** Raw answers given as flags, keyed like the answers file. */
  answers: Record<string, unknown>;
  git?: boolean;
  install?: boolean;
  answersFile?: string;
  yes: boolean;
  force: boolean;
  help: boolean;
  version: boolean;
}

/** Parse argv strictly: unknown flags, missing values and contradictions are user errors. */
export function parseFlags(argv: string[], specs: FlagSpec[], command = 'create-ml-ci-cd') {
  const options: ParseArgsConfig['options'] = {};
  for (const s of specs) options[s.flag] = { type: s.type, ...(s.short ? { short: s.short } : {}) };
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, allowNegative: true, strict: true, tokens: true } as ParseArgsConfig);
  } catch (error) {
    // Node's messages can span lines; keep the first, which names the option.
    const message = (error as Error).message.split('\n')[0].split('. To specify')[0].replace(/'/g, '');
    const ambiguous = /^Option (\S+)(?: <value>)? argument is ambiguous/.exec(message);
    if (ambiguous)
      throw new UserError(`Option ${ambiguous[1]} is missing its value (the next argument is an option). Write ${ambiguous[1]}=<value> for a value that starts with "-".`);
    throw new UserError(`${message.replace(/\.$/, '')}. Run \`${command} --help\` for the options.`);
  }
  // A repeated flag is fine when it says the same thing (`-y --yes`); --x with --no-x, or two
  // different values, is a contradiction rather than "the last one wins".
  const seen = new Map<string, { rawName: string; value: string | boolean }>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option') continue;
    const spec = specs.find((s) => s.flag === token.name)!;
    const negated = token.rawName.startsWith('--no-');
    if (negated && !spec.negatable) throw new UserError(`Unknown option ${token.rawName}. Run \`${command} --help\` for the options.`);
    const value = token.value ?? !negated;
    const previous = seen.get(token.name);
    if (previous !== undefined && previous.value !== value)
      throw new UserError(
        typeof value === 'boolean'
          ? `Conflicting options ${previous.rawName} and ${token.rawName}: pass only one.`
          : `Conflicting values for ${token.rawName}: ${JSON.stringify(previous.value)} and ${JSON.stringify(value)}. Pass it once.`,
      );
    seen.set(token.name, { rawName: token.rawName, value });
  }
  return { values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals };
}

export function parseCreateArgs(argv: string[]): ParsedCreate {
  const specs = createFlags();
  const { values, positionals } = parseFlags(argv, specs);
  if (positionals.length > 1)
    throw new UserError(`Too many arguments: ${positionals.map((p) => JSON.stringify(p)).join(' ')}. Pass one directory (quote a path with spaces).`);
  if (positionals[0] === '') throw new UserError('The directory argument is empty. Pass a directory such as my-model, or . for the current directory.');
  const answers: Record<string, unknown> = {};
  for (const s of specs) if (s.answer && values[s.flag] !== undefined) answers[s.answer] = values[s.flag];
  return {
    directory: positionals[0],
    answers,
    git: values.git as boolean | undefined,
    install: values.install as boolean | undefined,
    answersFile: values.answers as string | undefined,
    yes: values.yes === true,
    force: values.force === true,
    help: values.help === true,
    version: values.version === true,
  };
}

export function helpText(usage: string, specs: FlagSpec[], footer = ''): string {
  const rows = specs.map((s) => {
    const names = [s.short ? `-${s.short}, ` : '    ', `--${s.negatable ? `[no-]` : ''}${s.flag}`, s.value ? ` ${s.value}` : ''].join('');
    return [names, s.help] as const;
  });
  const width = Math.max(...rows.map(([n]) => n.length)) + 2;
  return [`Usage: ${usage}`, '', 'Options:', ...rows.map(([n, h]) => `  ${n.padEnd(width)}${h}`), footer].join('\n').trimEnd() + '\n';
}
