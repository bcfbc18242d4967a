import { existsSync, lstatSync, readFileSync, realpathSync, type Stats } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { EXIT, RECORD_FILE, UserError, ciProvider, features, normalizeAnswers, renderProject, type Answers, type RawAnswers } from '@create-ml-ci-cd/core';
import * as core from '@create-ml-ci-cd/core/upgrade';
import { createFlags, helpText, parseFlags } from './args.js';
import { ApplyError, Journal, realFs, type Fs } from './upgrade-apply.js';
import { renderBase } from './upgrade-base.js';
import { conflictEntries, generatedRecord, gitEol, gitState, indexFile, isShallow, trackedPaths, updateIndex } from './upgrade-git.js';
import { planDiff, planLines } from './upgrade-report.js';
import { cleanupOnSignal, templatesDir, version } from './runtime.js';
import { upgradeCommand } from './launcher.js';

const COMMAND = 'create-ml-ci-cd upgrade';

function upgradeFlags() {
  type Spec = ReturnType<typeof createFlags>[number];
  const answerFlags = createFlags().filter((s) => s.answer !== undefined && s.answer !== 'name');
  const own: Spec[] = [
    { flag: 'dir', type: 'string', value: '<path>', help: 'the project to upgrade (default: the current directory)' },
    { flag: 'dry-run', type: 'boolean', help: 'print the plan and the diff; write nothing' },
    { flag: 'check', type: 'boolean', help: `exit ${EXIT.behind} if an upgrade would change anything (for CI); write nothing` },
    { flag: 'workflows-only', type: 'boolean', help: "upgrade only the CI provider's pipeline files (.github/workflows/**, .gitlab-ci.yml and .gitlab/**, or Jenkinsfile); the record keeps its version" },
    { flag: 'yes', short: 'y', type: 'boolean', help: 'ask nothing (without a base, differing files become conflicts)' },
    { flag: 'allow-dirty', type: 'boolean', help: 'run even with uncommitted changes or outside a git repository' },
    { flag: 'help', short: 'h', type: 'boolean', help: 'show this help' },
  ];
  return [own[0], ...answerFlags, ...own.slice(1)];
}

const footer = `
Answer flags change the project: --<feature> adds a feature, --no-<feature> removes it (only files you
have not modified are deleted). Exit codes: 0 done, ${EXIT.usage} usage, ${EXIT.conflicts} conflicts left, ${EXIT.behind} behind (--check).
`;

const ADOPT = 'create-ml-ci-cd adopt';

/** adopt: the answers (name included, from the directory's name by default), and which paths to manage. */
function adoptFlags() {
  type Spec = ReturnType<typeof createFlags>[number];
  const own: Spec[] = [
    { flag: 'dir', type: 'string', value: '<path>', help: 'the repository to adopt (default: the current directory)' },
    { flag: 'only', type: 'string', value: '<paths>', help: 'manage only these files and directories, comma-separated (default: everything it generates)' },
    { flag: 'dry-run', type: 'boolean', help: 'print the plan and the diff; write nothing' },
    { flag: 'yes', short: 'y', type: 'boolean', help: 'ask nothing: answers not given as flags take their defaults' },
    { flag: 'help', short: 'h', type: 'boolean', help: 'show this help' },
  ];
  return [own[0], ...createFlags().filter((s) => s.answer !== undefined), ...own.slice(1)];
}

const adoptFooter = `
Brings an existing repository under create-ml-ci-cd: writes ${RECORD_FILE} and the generated files,
merged three ways with an empty base, so a file you already have is never overwritten: where both
have it and differ, it gets conflict markers (exit ${EXIT.conflicts}). Afterwards \`create-ml-ci-cd upgrade\` works.
`;

function parseUpgradeArgs(argv: string[], adopt = false) {
  const specs = adopt ? adoptFlags() : upgradeFlags();
  const { values, positionals } = parseFlags(argv, specs, adopt ? ADOPT : COMMAND);
  if (positionals.length > 0)
    throw new UserError(`Unexpected argument ${JSON.stringify(positionals[0])}: pass the project directory as --dir <path>.`);
  const answers: RawAnswers = {};
  for (const s of specs) if (s.answer && values[s.flag] !== undefined) answers[s.answer] = values[s.flag];
  return {
    specs,
    answers,
    dir: realDir(resolve((values.dir as string | undefined) ?? '.')),
    dryRun: values['dry-run'] === true,
    check: values.check === true,
    workflowsOnly: values['workflows-only'] === true,
    yes: values.yes === true,
    allowDirty: values['allow-dirty'] === true,
    help: values.help === true,
    adopt,
    only: adopt && typeof values.only === 'string' ? values.only.split(',').map((p) => p.trim().replace(/^\.\//, '')).filter(Boolean) : undefined,
  };
}

/** Whether a path is one of the managed paths (a file, or a directory's prefix); everything without a list. */
const managedBy = (paths: string[] | undefined) => (path: string) => !paths || paths.some((p) => path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`));

/** The directory with symbolic links resolved, so that "inside the project" means inside its real tree. */
function realDir(dir: string): string {
  return existsSync(dir) ? realpathSync(dir) : dir;
}

/** What is on disk at a managed path, looked at without following any symbolic link. */
type Found = { kind: 'file'; content: Buffer; mode: number } | { kind: 'absent' } | { kind: 'link' } | { kind: 'blocked'; why: string };

function inspector(dir: string): (path: string) => Found {
  const stats = new Map<string, Stats | undefined>();
  const lstat = (path: string) => {
    if (!stats.has(path)) stats.set(path, lstatSync(join(dir, path), { throwIfNoEntry: false }));
    return stats.get(path);
  };
  return (path) => {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const ancestor = parts.slice(0, i).join('/');
      const st = lstat(ancestor);
      if (!st) return { kind: 'absent' };
      if (st.isSymbolicLink()) return { kind: 'link' };
      if (!st.isDirectory()) return { kind: 'blocked', why: `${ancestor} is a file where a directory is needed` };
    }
    const st = lstat(path);
    if (!st) return { kind: 'absent' };
    if (st.isSymbolicLink()) return { kind: 'link' };
    if (st.isFile()) return { kind: 'file', content: readFileSync(join(dir, path)), mode: st.mode };
    return { kind: 'blocked', why: `${path} is ${st.isDirectory() ? 'a directory' : 'not a regular file'} where a file is needed` };
  };
}

/** Recorded answers, migrated, with the flags on top; a removed feature takes its options with it. */
function newAnswers(migrated: RawAnswers, flags: RawAnswers): Answers {
  const raw = { ...migrated, ...flags };
  for (const f of features) if (flags[f.name] === false) for (const o of f.options ?? []) if (flags[o.key] === undefined) delete raw[o.key];
  return normalizeAnswers(raw, Object.keys(flags).length ? 'options' : RECORD_FILE);
}

function describeAnswers(before: Answers, after: Answers): string[] {
  const changes: string[] = [];
  const added = after.features.filter((f) => !before.features.includes(f));
  const removed = before.features.filter((f) => !after.features.includes(f));
  if (added.length || removed.length) changes.push(`features ${[...added.map((f) => `+${f}`), ...removed.map((f) => `-${f}`)].join(' ')}`);
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)]))
    if (key !== 'features' && before[key] !== after[key]) changes.push(`${key} ${JSON.stringify(before[key] ?? null)} -> ${JSON.stringify(after[key] ?? null)}`);
  return changes;
}

/** Let a pending signal's handler run (the steps in between are synchronous). */
const tick = () => new Promise<void>((done) => setImmediate(done));

const list = (paths: string[]) => (paths.length > 3 ? `${paths.slice(0, 3).join(', ')} and ${paths.length - 3} more` : paths.join(', '));

/** Everything the apply step does, computed before it starts. */
interface Changes {
  writes: { path: string; content: Buffer }[];
  deletes: string[];
  /** git index entries that record the conflicts, or none outside a repository. */
  index: string[];
  record?: Buffer;
}

/**
 * Apply all the changes or none: every step is journaled, and a failure or a signal at any point
 * undoes the steps already taken, so the project is left exactly as it was.
 */
async function apply(dir: string, changes: Changes, fs: Fs, interruption: Interruption): Promise<void> {
  const journal = new Journal(dir, fs);
  const undone = (what: string) => {
    const failed = journal.rollback();
    return failed.length
      ? `${what}; undoing it failed for ${list(failed)}: run \`git checkout HEAD -- .\` in the project to restore the rest.`
      : `${what}; every change was undone: the project is exactly as it was.`;
  };
  interruption.message = (signal) => undone(`Interrupted (${signal}) while applying the upgrade`);
  try {
    for (const w of changes.writes) {
      journal.write(w.path, w.content);
      await tick();
    }
    for (const path of changes.deletes) {
      journal.remove(path);
      await tick();
    }
    if (changes.index.length) {
      const index = indexFile(dir);
      const saved = fs.lstatSync(index, { throwIfNoEntry: false }) && fs.readFileSync(index);
      // git replaces the index atomically (through index.lock): a failed update changed nothing.
      updateIndex(dir, changes.index);
      journal.onUndo('the git index', () => {
        if (!saved) return fs.unlinkSync(index);
        const tmp = `${index}.create-ml-ci-cd-${process.pid}`;
        fs.writeFileSync(tmp, saved, { flag: 'wx' });
        fs.renameSync(tmp, index);
      });
      await tick();
    }
    if (changes.record) journal.write(RECORD_FILE, changes.record);
    await tick();
    journal.commit();
    interruption.message = (signal) => `Interrupted (${signal}) after the upgrade was applied; review it with \`git diff\`.`;
  } catch (error) {
    if (error instanceof core.Interrupted) throw new core.Interrupted(error.signal, undone(`Interrupted (${error.signal}) while applying the upgrade`));
    if (error instanceof ApplyError) throw new UserError(undone(`The upgrade failed: ${error.message}`), EXIT.internal);
    journal.rollback();
    throw error;
  }
}

/** adopt's answers: the flags, the name from the directory's by default, and with a terminal and no --yes the rest asked. */
async function adoptAnswers(dir: string, options: ReturnType<typeof parseUpgradeArgs>): Promise<RawAnswers> {
  const raw: RawAnswers = { name: basename(dir), ...options.answers };
  if (options.yes || !process.stdin.isTTY) return raw;
  const { askMissing } = await import('./prompts.js');
  return (await askMissing(raw, { git: false, install: false })).answers;
}

/** What to say when a signal stops the upgrade (the handler exits with the signal's code): depends on how far it got. */
interface Interruption {
  message: (signal: NodeJS.Signals) => string;
}

export async function upgrade(argv: string[], fs: Fs = realFs, adopt = false): Promise<number> {
  const options = parseUpgradeArgs(argv, adopt);
  if (options.help) {
    process.stdout.write(
      adopt
        ? helpText(`${ADOPT} [options]   (run in a repository create-ml-ci-cd did not make)`, options.specs, adoptFooter)
        : helpText(`${COMMAND} [options]   (run in a project made by create-ml-ci-cd)`, options.specs, footer),
    );
    return EXIT.ok;
  }
  // Until the apply step starts, an interruption has changed nothing.
  const interruption: Interruption = { message: (signal) => `Interrupted (${signal}) before anything was written; the project is unchanged.` };
  const release = cleanupOnSignal((signal) => console.error(`create-ml-ci-cd: ${interruption.message(signal)}`));
  try {
    return await run(options, fs, interruption);
  } catch (error) {
    // A child process killed mid-step says only which signal: before the apply step, nothing was written.
    if (error instanceof core.Interrupted && error.message === new core.Interrupted(error.signal).message)
      throw new core.Interrupted(error.signal, `Interrupted (${error.signal}) before anything was written; the project is unchanged.`);
    throw error;
  } finally {
    release();
  }
}

async function run(options: ReturnType<typeof parseUpgradeArgs>, fs: Fs, interruption: Interruption): Promise<number> {
  const { dir } = options;
  const shown = relative(realDir(process.cwd()), dir) || '.';
  const project = shown === '.' ? 'This project' : shown;
  const writes = !options.dryRun && !options.check;
  if (options.workflowsOnly && Object.keys(options.answers).length)
    throw new UserError('--workflows-only cannot change answers (the record keeps them); run the answer flags without it.');

  // 1. The record: which version and answers made this project.
  const recordStat = lstatSync(join(dir, RECORD_FILE), { throwIfNoEntry: false });
  if (recordStat?.isSymbolicLink())
    throw new UserError(`${RECORD_FILE} is a symbolic link; upgrade rewrites it and never writes through a link. Replace the link with the file itself.`);
  const recordBytes = recordStat?.isFile() ? readFileSync(join(dir, RECORD_FILE)) : undefined;
  if (options.adopt && recordStat)
    throw new UserError(`${project} already has ${RECORD_FILE}: create-ml-ci-cd manages it. Run \`${COMMAND}\` instead.`);
  // Adopting: the record is the one this version would write, with the answers given (or asked, below).
  const record: core.RecordRead = options.adopt ? { version, answers: {}, fields: {} } : core.parseRecord(recordBytes?.toString('utf8'), shown);
  if (core.compareVersions(record.version, version) > 0)
    throw new UserError(`${project} was generated by create-ml-ci-cd ${record.version}, newer than this ${version}. Run \`${upgradeCommand()}\`.`);

  // 2. Refuse to mix the upgrade with uncommitted work: the user reviews it with git diff.
  const git = gitState(dir);
  if (writes && !options.allowDirty) {
    if (git.prefix === null)
      throw new UserError(
        `${project} is not in a git repository; ${options.adopt ? 'adopt' : 'upgrade'} needs one so you can review its changes and resolve conflicts. Run \`git init && git add -A && git commit -m "Initial commit"\` first${options.adopt ? '' : ', or pass --allow-dirty'}.`,
      );
    if (git.dirty.length)
      throw new UserError(
        `${project} has uncommitted changes (${git.dirty.length} file${git.dirty.length > 1 ? 's' : ''}, e.g. ${git.dirty[0].slice(3)}). Commit or stash them first (\`git stash -u\`)${options.adopt ? '' : ', or pass --allow-dirty'}.`,
      );
  }
  // Only once the repository may be adopted: nobody answers questions to be refused afterwards.
  if (options.adopt) record.answers = await adoptAnswers(dir, options);

  // Answers edited by hand in the record: the files were rendered with the answers its digest
  // names, found in git history; the edited ones are where the upgrade goes.
  let generated = record;
  const editedByHand = core.answersEdited(record);
  if (editedByHand) {
    const found = git.prefix === null ? undefined : generatedRecord(dir, record.fields[core.ANSWERS_DIGEST] as string);
    if (!found)
      throw new UserError(
        isShallow(dir)
          ? `The answers in ${RECORD_FILE} were edited by hand, and this shallow clone lacks the commit with the ones the files were generated with. Run \`git fetch --unshallow\` and upgrade again.`
          : `The answers in ${RECORD_FILE} were edited by hand, and the ones the files were generated with are not in git history. Restore the record (\`git checkout <commit> -- ${RECORD_FILE}\`) and pass the change as flags instead (\`${COMMAND} --help\`).`,
      );
    generated = { ...record, answers: found.answers };
  }

  // 3. The three sides, all complete before anything is written. Base and ours are in the old
  // layout until migrations move them.
  // Adopting, the base is empty: nothing was generated before, so nothing of the user's is taken as ours to replace.
  const base = options.adopt ? { files: new Map<string, Buffer>() } : await renderBase(generated, dir, { version, templatesDir });
  await tick();
  base.files?.delete(RECORD_FILE);
  const pending = core.pendingMigrations(record.version, version);
  const oldAnswers = normalizeAnswers(core.runMigrations(pending, generated.answers, []).answers, options.adopt ? 'options' : RECORD_FILE);
  const recordedAnswers = core.runMigrations(pending, record.answers, []).answers;
  const answers = options.adopt ? oldAnswers : newAnswers(recordedAnswers, options.answers);
  const theirsAll = renderProject(answers, templatesDir, version);
  const nextRecord = JSON.parse(theirsAll.get(RECORD_FILE)!.toString('utf8'));
  theirsAll.delete(RECORD_FILE);
  await tick();

  // The paths create-ml-ci-cd manages: all it generates, or those adopt --only named (kept in the record).
  const managedPaths = options.adopt ? options.only : (record.fields.managedPaths as string[] | undefined);
  if (options.only) {
    nextRecord.managedPaths = options.only;
    const none = options.only.filter((p) => ![...theirsAll.keys()].some(managedBy([p])));
    if (none.length) throw new UserError(`--only ${none.join(', ')}: create-ml-ci-cd generates no such file or directory here (see \`${ADOPT} --dry-run\`).`);
  }
  const isManaged = managedBy(managedPaths);
  const provider = ciProvider(answers.ci);
  const isPipeline = provider.pipeline ?? provider.owns;
  const inScope = (path: string) => isManaged(path) && (!options.workflowsOnly || isPipeline(path));
  const managed = [...new Set([...(base.files?.keys() ?? []), ...theirsAll.keys()])].filter(inScope);
  const inspect = inspector(dir);
  const found = new Map(managed.map((p) => [p, inspect(p)]));
  const oursOld = new Map<string, Buffer>();
  for (const [p, f] of found) if (f.kind === 'file') oursOld.set(p, f.content);
  const links = new Set([...found].filter(([, f]) => f.kind === 'link').map(([p]) => p));
  const migrated = core.runMigrations(pending, record.answers, base.files ? [base.files, oursOld] : [oursOld]);
  const ours = migrated.sides.at(-1)!;
  const baseFiles = base.files ? migrated.sides[0] : null;
  const only = (files: Map<string, Buffer>) => new Map([...files].filter(([p]) => inScope(p)));
  // Files a migration moved: the old path goes away once its content lives at the new one.
  const moved = [...oursOld.keys()].filter((p) => !ours.has(p));
  // Data files in CRLF: compared in LF where git itself converts line endings.
  const crlfData = new Map([...ours].filter(([p, c]) => core.isData(p, c) && core.lineEndings(c) === 'crlf'));
  const eol = git.prefix === null ? new Set<string>() : gitEol(dir, crlfData);

  // 4. Plan (pure), then merge.
  const labels = { ours: 'current', base: options.adopt ? 'nothing' : `create-ml-ci-cd@${record.version}`, theirs: `create-ml-ci-cd@${version}` };
  let plan = core.resolvePlan(
    core.planUpgrade({ base: baseFiles && only(baseFiles), ours: only(ours), theirs: only(theirsAll), links, gitEol: (p) => eol.has(p) }),
    labels,
  );
  await tick();
  const newRecord = options.workflowsOnly ? undefined : core.recordContent(record, nextRecord, recordBytes !== undefined && core.lineEndings(recordBytes) === 'crlf');
  const recordChanges = newRecord !== undefined;
  const changing = plan.filter((p) => core.changesFiles(p.action));
  const from = record.version === version ? `create-ml-ci-cd ${version}` : `create-ml-ci-cd ${record.version} to ${version}`;
  const answerChanges = describeAnswers(oldAnswers, answers);
  const handNote = editedByHand ? `The answers in ${RECORD_FILE} were edited by hand (${describeAnswers(oldAnswers, normalizeAnswers(recordedAnswers, RECORD_FILE)).join(', ') || 'no effective change'}): upgrade renders the project with them.` : undefined;

  // What would stop the upgrade: something else in the way of a file it writes, or a file git
  // does not track (ignored or untracked) where it writes or deletes, which no git command could
  // bring back. Symbolic links are left alone (and listed in the plan).
  const blocked = changing.flatMap((p) => {
    const f = found.get(p.path);
    return f?.kind === 'blocked' ? [f.why] : [];
  });
  const tracked = git.prefix === null ? undefined : trackedPaths(dir);
  const untracked = tracked
    ? [...changing.filter((p) => found.get(p.path)?.kind === 'file').map((p) => p.path), ...moved, ...(recordChanges && recordBytes ? [RECORD_FILE] : [])].filter((p) => !tracked.has(p))
    : [];
  const obstacles = [
    ...(blocked.length ? [`something is in the way of ${blocked.length} file(s) create-ml-ci-cd@${version} writes: ${list(blocked)}`] : []),
    ...(untracked.length ? [`it would change ${untracked.length} file(s) that git does not track (ignored or never added), which git could not restore: ${list(untracked)}`] : []),
  ];
  const obstacleText = `${obstacles.join('; and ')}. Move them away (or \`git add -f\` and commit the untracked ones), then run upgrade again`;
  if (writes && obstacles.length) throw new UserError(`Upgrade stopped before writing anything: ${obstacleText}.`);

  if (base.files === null)
    console.log(
      `${base.problem}. Without the templates this project was generated from, every file that differs from the new templates is left as a conflict to resolve; nothing is overwritten.`,
    );
  if (handNote) console.log(handNote);
  if (!writes && obstacles.length) console.log(`Upgrade would stop: ${obstacleText}.`);

  if (options.check) {
    const kept = plan.filter((p) => p.action === 'keep' || p.action === 'keep-modified').map((p) => p.path);
    const deleted = kept.filter((path) => !existsSync(join(dir, path)));
    const edited = kept.filter((path) => !deleted.includes(path));
    const note = [
      ...(edited.length ? [`\n${edited.length} managed file(s) carry your edits, which upgrade keeps: ${edited.join(', ')}.`] : []),
      ...(deleted.length ? [`\n${deleted.length} managed file(s) you deleted stay deleted: ${deleted.join(', ')}.`] : []),
    ].join('');
    if (changing.length === 0 && moved.length === 0 && !recordChanges) {
      console.log(`${project} is up to date with create-ml-ci-cd ${version}.${note}`);
      const kept = planLines(plan.filter((p) => p.action === 'keep-link'), true);
      if (kept.length) console.log(kept.join('\n'));
      return EXIT.ok;
    }
    const what = changing.length + moved.length ? `${changing.length + moved.length} file(s) would change` : 'only the record would change';
    console.log(`${project} is behind create-ml-ci-cd ${version} (generated with ${record.version}): ${what}.`);
    console.log([...planLines(plan, true), ...moved.map((p) => `  would move  ${p}  (by a migration)`)].join('\n'));
    console.log(`Run \`${upgradeCommand(version)}\`${options.workflowsOnly ? ' --workflows-only' : ''} and commit the result.${note}`);
    return EXIT.behind;
  }

  // Without a base and with someone to ask, ask per file instead of leaving markers everywhere.
  if (base.files === null && writes && !options.yes && process.stdin.isTTY) {
    const conflicts = plan.filter((p) => p.action === 'conflict');
    if (conflicts.length) {
      const { askPerFile } = await import('./upgrade-prompt.js');
      const choices = await askPerFile(conflicts, version);
      plan = plan.map((p) => {
        const choice = choices.get(p.path);
        if (choice === 'ours') return { ...p, action: 'keep' };
        if (choice === 'theirs') return { ...p, action: 'update', content: p.crlf ? core.toCrlf(p.theirs!) : p.theirs };
        return p;
      });
    }
  }

  const lines = [...planLines(plan, options.dryRun), ...moved.map((p) => `  ${options.dryRun ? 'would move' : 'moved'}  ${p}  (by a migration)`)];
  const nothing = plan.every((p) => !core.changesFiles(p.action)) && moved.length === 0;
  if (nothing && !recordChanges) {
    console.log(`${project} is up to date with create-ml-ci-cd ${version}; nothing to do.`);
    if (lines.length) console.log(lines.join('\n'));
    return EXIT.ok;
  }
  const header = options.adopt
    ? `${options.dryRun ? 'Would adopt' : 'Adopted'} ${shown === '.' ? 'this repository' : shown} into create-ml-ci-cd ${version}${managedPaths ? ` (only ${managedPaths.join(', ')})` : ''}:`
    : `${options.dryRun ? 'Would upgrade' : 'Upgraded'} ${shown === '.' ? 'this project' : shown} from ${from}${answerChanges.length ? ` (${answerChanges.join(', ')})` : ''}${options.workflowsOnly ? ', workflows only' : ''}:`;

  if (options.dryRun) {
    console.log([header, ...lines].join('\n'));
    const removals = moved.map((p): core.Resolved => ({ path: p, action: 'delete', data: core.isData(p), crlf: false }));
    const diff = planDiff([...plan, ...removals], oursOld);
    if (diff) process.stdout.write(Buffer.from(`\n${diff}`, 'latin1'));
    console.log(`\nDry run: nothing was written. Run \`${options.adopt ? ADOPT : COMMAND}\` without --dry-run to apply it.`);
    return EXIT.ok;
  }

  // 5. Apply, all or nothing. The conflicts' index entries (and their objects) are prepared first.
  // A file the templates dropped that the user modified stays as it is, recorded as git records a
  // modify/delete conflict ("deleted by them": no stage 3), so git status shows it until decided.
  const conflicts = plan.filter((p) => p.action === 'conflict');
  const dropped = plan.filter((p) => p.action === 'keep-modified');
  const withEol = (p: core.Resolved, content?: Buffer) => (content && p.crlf ? core.toCrlf(content) : content);
  const index =
    git.prefix === null
      ? []
      : conflictEntries(
          dir,
          git.prefix,
          [...conflicts, ...dropped].map((p) => {
            const f = found.get(p.path);
            return { path: p.path, mode: f?.kind === 'file' ? f.mode : undefined, base: withEol(p, p.base), ours: oursOld.get(p.path) ?? withEol(p, p.ours)!, theirs: withEol(p, p.theirs) };
          }),
        );
  await tick();
  await apply(
    dir,
    {
      writes: plan.filter((p) => p.action !== 'delete' && p.content && core.changesFiles(p.action)).map((p) => ({ path: p.path, content: p.content! })),
      deletes: [...plan.filter((p) => p.action === 'delete').map((p) => p.path), ...moved.filter((p) => found.get(p)?.kind === 'file')],
      index,
      record: newRecord,
    },
    fs,
    interruption,
  );
  console.log([header, ...lines].join('\n'));

  if (conflicts.length || dropped.length) {
    const where = git.prefix === null ? 'then commit' : 'then `git add` them and commit (`git status` lists them as unmerged)';
    if (conflicts.length)
      console.error(
        `\n${conflicts.length} file(s) have conflicts: ${conflicts.map((p) => p.path).join(', ')}.\nResolve the <<<<<<< current / >>>>>>> ${labels.theirs} markers, ${where}.`,
      );
    if (dropped.length)
      console.error(
        `\n${dropped.length} file(s) are no longer generated but carry your edits: ${dropped.map((p) => p.path).join(', ')}.\nKeep each (${git.prefix === null ? 'nothing to do' : '`git add` it'}) or delete it (${git.prefix === null ? 'rm' : '`git rm`'}), then commit.`,
      );
    return EXIT.conflicts;
  }
  console.log(`\nReview the changes with \`git diff\`, then commit them.`);
  return EXIT.ok;
}
