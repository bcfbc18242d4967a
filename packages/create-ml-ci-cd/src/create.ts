import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, rmdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { EXIT, UserError, normalizeAnswers, type Answers, type RawAnswers } from '@create-ml-ci-cd/core';
import { runGenerator } from '@create-ml-ci-cd/generator-app/run';
import { helpText, createFlags, parseCreateArgs } from './args.js';
import { readAnswersFile } from './answers-file.js';
import { cleanupOnSignal, templatesDir, version } from './runtime.js';

const DEFAULT_NAME = 'my-model';

/** Refuse a target we must not write into; returns whether it exists and is non-empty. */
function checkTarget(target: string, force: boolean): boolean {
  if (!existsSync(target)) return false;
  const shown = relative(process.cwd(), target) || '.';
  if (!statSync(target).isDirectory()) throw new UserError(`${shown} exists and is not a directory. Choose another directory.`);
  const entries = readdirSync(target);
  if (entries.length === 0) return false;
  if (!force) throw new UserError(`${shown} is not empty. Use --force to write into it, or choose another directory.`);
  return true;
}

/** Render into a temporary sibling directory, so the project appears complete or not at all. */
async function writeProject(target: string, answers: Answers, intoExisting: boolean): Promise<void> {
  const parent = dirname(target);
  try {
    mkdirSync(parent, { recursive: true });
  } catch (error) {
    throw new UserError(`Cannot create ${parent} (${(error as NodeJS.ErrnoException).code}). Choose a directory you can write to.`);
  }
  let staging: string;
  try {
    // Not mkdtemp: that makes the directory 0700, and the staging directory becomes the project.
    staging = join(parent, `.${basename(target)}.creating-${randomBytes(4).toString('hex')}`);
    mkdirSync(staging);
  } catch (error) {
    throw new UserError(`Cannot write in ${parent} (${(error as NodeJS.ErrnoException).code}). Choose a directory you can write to.`);
  }
  const release = cleanupOnSignal(() => rmSync(staging, { recursive: true, force: true }));
  try {
    await runGenerator(staging, { answers, templatesDir, version });
    if (intoExisting) {
      for (const entry of readdirSync(staging, { recursive: true, withFileTypes: true })) {
        if (!entry.isFile()) continue;
        const from = join(entry.parentPath, entry.name);
        const to = join(target, relative(staging, from));
        mkdirSync(dirname(to), { recursive: true });
        renameSync(from, to);
      }
    } else {
      if (existsSync(target)) rmdirSync(target); // empty, checked before
      renameSync(staging, target);
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
    release();
  }
}

function run(command: string, args: string[], cwd: string, quiet = true) {
  return spawnSync(command, args, { cwd, stdio: quiet ? 'pipe' : 'inherit', encoding: 'utf8' });
}

function gitInit(target: string): string {
  const inside = run('git', ['rev-parse', '--is-inside-work-tree'], target);
  if (inside.error) return 'git was not found; skipped git init.';
  if (inside.status === 0 && inside.stdout.trim() === 'true') return 'Inside an existing git repository; skipped git init.';
  if (run('git', ['init', '-q', '-b', 'main'], target).status !== 0) return 'git init failed; skipped.';
  run('git', ['add', '-A'], target);
  const commit = run('git', ['commit', '-q', '-m', 'Initial commit from create-ml-ci-cd'], target);
  if (commit.status !== 0) return 'git init done, but the initial commit failed (set git config user.name and user.email, then commit).';
  return 'Initialized a git repository with an initial commit.';
}

function installCommands(): string[] {
  return ['python3 -m venv .venv', '.venv/bin/python -m pip install -r requirements-dev.txt'];
}

/** `python3 -m venv .venv` and pip install, with pip's progress visible. */
function install(target: string): boolean {
  for (const line of installCommands()) {
    const [command, ...args] = line.split(' ');
    console.log(`$ ${line}`);
    const result = run(command, args, target, false);
    if (result.status !== 0) return false;
  }
  return true;
}

export async function create(argv: string[]): Promise<number> {
  const parsed = parseCreateArgs(argv);
  if (parsed.help) {
    process.stdout.write(
      helpText('create-ml-ci-cd [directory] [options]\n       create-ml-ci-cd upgrade [options]   (run in a generated project; see upgrade --help)', createFlags()),
    );
    return EXIT.ok;
  }
  if (parsed.version) {
    console.log(version);
    return EXIT.ok;
  }

  const fromFile: RawAnswers = parsed.answersFile ? readAnswersFile(parsed.answersFile) : {};
  let raw: RawAnswers = { ...fromFile, ...parsed.answers };
  if (raw.name === undefined && parsed.directory !== undefined) raw.name = basename(resolve(parsed.directory));
  if (parsed.directory !== undefined && parsed.answers.name === undefined && fromFile.name === undefined) {
    try {
      normalizeAnswers({ name: raw.name });
    } catch (error) {
      throw new UserError(`${(error as Error).message.replace(/\.$/, '')} (taken from the directory name). Pass --name to choose a valid one.`);
    }
  }

  let git = parsed.git;
  let install_ = parsed.install;
  // Validate what was given before asking anything, so a bad flag fails fast.
  if (raw.name !== undefined) normalizeAnswers(raw, parsed.answersFile ?? 'options');
  if (process.stdin.isTTY && !parsed.yes) {
    const { askMissing } = await import('./prompts.js');
    const asked = await askMissing(raw, { git, install: install_ });
    raw = asked.answers;
    git = asked.git;
    install_ = asked.install;
  }
  raw.name ??= DEFAULT_NAME;
  const answers = normalizeAnswers(raw, parsed.answersFile ?? 'options');

  const target = resolve(parsed.directory ?? answers.name);
  const intoExisting = checkTarget(target, parsed.force);
  await writeProject(target, answers, intoExisting);
  const shown = relative(process.cwd(), target) || '.';
  console.log(`Created ${answers.name} in ${shown}${answers.features.length ? ` with ${answers.features.join(', ')}` : ''}.`);

  if (git ?? true) console.log(gitInit(target));
  const cd = shown === '.' ? [] : [`cd ${JSON.stringify(shown).slice(1, -1).includes(' ') ? JSON.stringify(shown) : shown}`];
  if (install_ ?? false) {
    if (!install(target)) {
      console.error(`Installing the dependencies failed; the project itself is complete. Retry with:\n  ${[...cd, ...installCommands()].join('\n  ')}`);
      return EXIT.install;
    }
  }
  const steps = [...cd, ...(install_ ? [] : installCommands()), '.venv/bin/python src/train.py', '.venv/bin/python -m pytest'];
  console.log(`\nNext steps:\n  ${steps.join('\n  ')}\n\nPush to GitHub and the workflow in .github/workflows runs the same steps.`);
  return EXIT.ok;
}
