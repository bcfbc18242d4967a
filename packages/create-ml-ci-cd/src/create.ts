import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { EXIT, RECORD_FILE, UserError, normalizeAnswers, type Answers, type RawAnswers } from '@create-ml-ci-cd/core';
import { helpText, createFlags, parseCreateArgs } from './args.js';
import { readAnswersFile } from './answers-file.js';
import { install, installPlan, pythonForInstall, runSteps, commandLine } from './install.js';
import { upgradeCommand } from './launcher.js';
import { cleanupOnSignal, templatesDir, version } from './runtime.js';
import type { Expand, OnConflict, WriteReport } from '@create-ml-ci-cd/generator-app/run';
import { out } from './style.js';

const DEFAULT_NAME = 'my-model';

/** A path for messages: relative to the current directory, quoted when it has spaces or odd characters. */
function showPath(path: string): string {
  const rel = relative(process.cwd(), path) || '.';
  return /^[\w./@+-]+$/.test(rel) ? rel : JSON.stringify(rel);
}

const errno = (error: unknown) => (error as NodeJS.ErrnoException).code ?? String(error);

function checkWritable(dir: string): void {
  try {
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw new UserError(`Cannot write in ${showPath(dir)} (${errno(error)}). Choose a directory you can write to.`);
  }
}

/** What to do with a target directory that is not empty: ask, when a terminal can answer. */
export type AskNonEmpty = (shown: string) => Promise<boolean>;

/**
 * Look at the target before any question is asked about the project: an existing project is
 * pointed to `upgrade`; a non-empty directory is refused, or, in a terminal, the user chooses
 * between cancelling and writing into it as --force does. Returns whether --force applies.
 */
async function settleTarget(target: string, force: boolean, ask: AskNonEmpty | undefined): Promise<boolean> {
  if (force || !existsSync(target) || !statSync(target).isDirectory() || readdirSync(target).length === 0) return force;
  const shown = showPath(target);
  if (existsSync(join(target, RECORD_FILE))) {
    const upgrade = upgradeCommand();
    throw new UserError(`${shown} is already a create-ml-ci-cd project: run \`${upgrade}\` in it to bring in newer templates.`);
  }
  if (!ask) throw new UserError(`${shown} is not empty. Use --force to write into it, or choose another directory.`);
  if (!(await ask(shown))) throw new Cancelled();
  return true;
}

/** The user chose to stop at a question: a normal outcome, nothing written. */
export class Cancelled extends Error {
  override name = 'Cancelled';
}

/**
 * Refuse a target we must not or cannot write into, before anything is created; returns whether
 * it exists and is non-empty.
 */
function checkTarget(target: string, force: boolean): boolean {
  if (!existsSync(target)) {
    let ancestor = dirname(target);
    while (!existsSync(ancestor)) ancestor = dirname(ancestor);
    if (!statSync(ancestor).isDirectory())
      throw new UserError(`${showPath(ancestor)} is a file, so ${showPath(target)} cannot be created in it. Choose another directory.`);
    checkWritable(ancestor);
    return false;
  }
  const shown = showPath(target);
  if (!statSync(target).isDirectory()) throw new UserError(`${shown} exists and is not a directory. Choose another directory.`);
  const entries = readdirSync(target);
  if (entries.length > 0 && !force) throw new UserError(`${shown} is not empty. Use --force to write into it, or choose another directory.`);
  // The staging directory is made next to the target, then its contents are moved in.
  checkWritable(target);
  checkWritable(dirname(target));
  return entries.length > 0;
}

/**
 * Render into a temporary sibling directory, so the project appears complete or not at all. Into
 * an existing directory, Yeoman's conflicter decides per file first (`onConflict`): only created
 * and overwritten files reach the staging directory. Returns what happened to each file.
 */
async function writeProject(target: string, answers: Answers, intoExisting: boolean, onConflict: OnConflict, hooks: CreateHooks): Promise<WriteReport> {
  const parent = dirname(target);
  try {
    mkdirSync(parent, { recursive: true });
  } catch (error) {
    throw new UserError(`Cannot create ${showPath(parent)} (${errno(error)}). Choose a directory you can write to.`);
  }
  let staging: string;
  try {
    // Not mkdtemp: that makes the directory 0700, and the staging directory becomes the project.
    staging = join(parent, `.${basename(target)}.creating-${randomBytes(4).toString('hex')}`);
    mkdirSync(staging);
  } catch (error) {
    throw new UserError(`Cannot write in ${showPath(parent)} (${errno(error)}). Choose a directory you can write to.`);
  }
  // maxRetries: a write still in flight when a signal arrives can make one pass fail with ENOTEMPTY.
  const removeStaging = () => rmSync(staging, { recursive: true, force: true, maxRetries: 3 });
  const release = cleanupOnSignal(removeStaging);
  let report: WriteReport;
  try {
    // Yeoman and the templates engine load here, not with the flags: --help and --version never need them.
    const { runGenerator, ConflictsError } = await import('@create-ml-ci-cd/generator-app/run');
    const io =
      onConflict === 'ask'
        ? { expand: (await import('./prompts.js')).askConflict as Expand, print: (text: string) => void process.stdout.write(text), added: out.green, removed: out.red }
        : undefined;
    try {
      report = await runGenerator(staging, { answers, templatesDir, version }, { target, onConflict, io });
    } catch (error) {
      if (!(error instanceof ConflictsError)) throw error;
      const shown = error.files.slice(0, 3).join(', ') + (error.files.length > 3 ? ` and ${error.files.length - 3} more` : '');
      throw new UserError(
        `${showPath(target)}: ${error.files.length} existing file${error.files.length === 1 ? '' : 's'} would be overwritten (${shown}). Pass --overwrite to replace them, run in a terminal to choose per file, or choose another directory.`,
      );
    }
    await hooks.rendered?.(staging);
    try {
      if (intoExisting) {
        for (const entry of readdirSync(staging, { recursive: true, withFileTypes: true })) {
          if (!entry.isFile()) continue;
          const from = join(entry.parentPath, entry.name);
          const to = join(target, relative(staging, from));
          mkdirSync(dirname(to), { recursive: true });
          renameSync(from, to);
        }
      } else if (existsSync(target)) {
        // Empty (checked before): move the top-level entries in rather than replace the directory,
        // which would leave a shell whose working directory it is in a deleted one (`create-ml-ci-cd .`).
        for (const entry of readdirSync(staging)) renameSync(join(staging, entry), join(target, entry));
      } else {
        renameSync(staging, target);
      }
    } catch (error) {
      if (!(error as NodeJS.ErrnoException).code) throw error;
      throw new UserError(`Cannot write ${showPath(target)} (${errno(error)}). Check its permissions, or choose another directory.`);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') throw new UserError(`No space left to write ${showPath(target)} (${code}). Free some space and run again.`);
    throw error;
  } finally {
    removeStaging();
    release();
  }
  return report;
}

function run(command: string, args: string[], cwd: string) {
  return spawnSync(command, args, { cwd, stdio: 'pipe', encoding: 'utf8' });
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

/** Points in a run that a caller may wait at (the interruption tests stop there to send a signal). */
export interface CreateHooks {
  /** The whole project is in the staging directory; only the move into place is left. */
  rendered?: (staging: string) => Promise<void>;
}

export async function create(argv: string[], hooks: CreateHooks = {}): Promise<number> {
  const parsed = parseCreateArgs(argv);
  if (parsed.help) {
    process.stdout.write(
      helpText('create-ml-ci-cd [directory] [options]\n       create-ml-ci-cd upgrade [options]   (run in a generated project; see upgrade --help)\n       create-ml-ci-cd adopt [options]     (run in an existing repository; see adopt --help)', createFlags()),
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
  let force = parsed.force || parsed.overwrite;
  // Validate what was given before asking anything, so a bad flag fails fast.
  if (raw.name !== undefined) normalizeAnswers(raw, parsed.answersFile ?? 'options');
  const interactive = process.stdin.isTTY === true && !parsed.yes;
  const prompts = interactive ? await import('./prompts.js') : undefined;
  // The directory is looked at before the first question (or right after the name, which names it).
  const settle = (directory: string) => settleTarget(resolve(directory), force, prompts?.askNonEmpty).then((f) => void (force = f));
  if (prompts) console.log(out.dim(`create-ml-ci-cd ${version}`));
  if (parsed.directory !== undefined) await settle(parsed.directory);
  if (prompts) {
    const asked = await prompts.askMissing(raw, { git, install: install_ }, parsed.directory === undefined ? settle : undefined);
    raw = asked.answers;
    git = asked.git;
    install_ = asked.install;
  }
  raw.name ??= DEFAULT_NAME;
  const answers = normalizeAnswers(raw, parsed.answersFile ?? 'options');

  const target = resolve(parsed.directory ?? answers.name);
  if (!prompts && parsed.directory === undefined) await settle(answers.name);
  const intoExisting = checkTarget(target, force);
  // Before anything is written: --install needs the project's Python (or uv to find one).
  const python = install_ ? pythonForInstall(answers) : undefined;
  const onConflict: OnConflict = parsed.overwrite ? 'overwrite' : prompts ? 'ask' : 'refuse';
  const report = await writeProject(target, answers, intoExisting, onConflict, hooks);
  const shown = relative(process.cwd(), target) || '.';
  console.log(`${out.green('Created')} ${out.bold(answers.name)} in ${shown === '.' ? 'the current directory' : shown}${answers.features.length ? ` with ${answers.features.join(', ')}` : ''}.`);
  const files = (n: number) => `${n} existing file${n === 1 ? '' : 's'}`;
  if (report.overwritten.length) console.log(`Overwrote ${files(report.overwritten.length)}: ${report.overwritten.join(', ')}`);
  if (report.kept.length) console.log(`Kept ${files(report.kept.length)} unchanged: ${report.kept.join(', ')}`);

  if (git ?? true) console.log(gitInit(target));
  const cd = shown === '.' ? [] : [`cd ${JSON.stringify(shown).slice(1, -1).includes(' ') ? JSON.stringify(shown) : shown}`];
  const plan = installPlan(answers, python);
  if (plan.note) console.log(plan.note);
  if (install_ ?? false) {
    if (!(await install(target, plan.steps))) {
      console.error(`Installing the dependencies failed; the project itself is complete. Retry with:\n  ${[...cd, ...plan.steps.map(commandLine)].join('\n  ')}`);
      return EXIT.install;
    }
  }
  const steps = [...cd, ...(install_ ? [] : plan.steps.map(commandLine)), ...runSteps(answers)];
  const upgrade = upgradeCommand();
  console.log(
    `\n${out.bold('Next steps:')}\n  ${steps.join('\n  ')}\n\nPush to GitHub and the workflow in .github/workflows runs the same steps.\n` +
      `When the templates improve, \`${upgrade}\` brings the changes in without losing your edits.`,
  );
  return EXIT.ok;
}
