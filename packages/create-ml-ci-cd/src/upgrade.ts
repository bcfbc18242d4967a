import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { EXIT, RECORD_FILE, UserError, features, normalizeAnswers, renderProject, type Answers, type RawAnswers } from '@create-ml-ci-cd/core';
import * as core from '@create-ml-ci-cd/core/upgrade';
import { createFlags, helpText, parseFlags } from './args.js';
import { renderBase } from './upgrade-base.js';
import { gitState, registerConflicts } from './upgrade-git.js';
import { planDiff, planLines } from './upgrade-report.js';
import { templatesDir, version } from './runtime.js';

const COMMAND = 'create-ml-ci-cd upgrade';
const WORKFLOWS = '.github/workflows/';

function upgradeFlags() {
  type Spec = ReturnType<typeof createFlags>[number];
  const answerFlags = createFlags().filter((s) => s.answer !== undefined && s.answer !== 'name');
  const own: Spec[] = [
    { flag: 'dir', type: 'string', value: '<path>', help: 'the project to upgrade (default: the current directory)' },
    { flag: 'dry-run', type: 'boolean', help: 'print the plan and the diff; write nothing' },
    { flag: 'check', type: 'boolean', help: `exit ${EXIT.behind} if an upgrade would change anything (for CI); write nothing` },
    { flag: 'workflows-only', type: 'boolean', help: `upgrade only ${WORKFLOWS}** (the record keeps its version)` },
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

function parseUpgradeArgs(argv: string[]) {
  const specs = upgradeFlags();
  const { values, positionals } = parseFlags(argv, specs, COMMAND);
  if (positionals.length > 0)
    throw new UserError(`Unexpected argument ${JSON.stringify(positionals[0])}: pass the project directory as --dir <path>.`);
  const answers: RawAnswers = {};
  for (const s of specs) if (s.answer && values[s.flag] !== undefined) answers[s.answer] = values[s.flag];
  return {
    specs,
    answers,
    dir: resolve((values.dir as string | undefined) ?? '.'),
    dryRun: values['dry-run'] === true,
    check: values.check === true,
    workflowsOnly: values['workflows-only'] === true,
    yes: values.yes === true,
    allowDirty: values['allow-dirty'] === true,
    help: values.help === true,
  };
}

function readIfFile(path: string): Buffer | undefined {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ? readFileSync(path) : undefined;
}

/** Recorded answers, migrated, with the flags on top; a removed feature takes its options with it. */
function newAnswers(migrated: RawAnswers, flags: RawAnswers): Answers {
  const raw = { ...migrated, ...flags };
  for (const f of features) if (flags[f.name] === false) for (const o of f.options ?? []) if (flags[o.key] === undefined) delete raw[o.key];
  return normalizeAnswers(raw, Object.keys(flags).length ? 'options' : RECORD_FILE);
}

function removeFile(dir: string, path: string): void {
  unlinkSync(join(dir, path));
  // Remove directories the deletion emptied, up to the project root.
  for (let parent = dirname(join(dir, path)); parent.startsWith(dir + '/') || parent.startsWith(dir + '\\'); parent = dirname(parent)) {
    if (readdirSync(parent).length > 0) break;
    rmdirSync(parent);
  }
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

export async function upgrade(argv: string[]): Promise<number> {
  const options = parseUpgradeArgs(argv);
  if (options.help) {
    process.stdout.write(helpText(`${COMMAND} [options]   (run in a project made by create-ml-ci-cd)`, options.specs, footer));
    return EXIT.ok;
  }
  const { dir } = options;
  const shown = relative(process.cwd(), dir) || '.';
  const project = shown === '.' ? 'This project' : shown;
  const writes = !options.dryRun && !options.check;
  if (options.workflowsOnly && Object.keys(options.answers).length)
    throw new UserError('--workflows-only cannot change answers (the record keeps them); run the answer flags without it.');

  // 1. The record: which version and answers made this project.
  const recordText = readIfFile(join(dir, RECORD_FILE))?.toString('utf8');
  const record = core.parseRecord(recordText, shown);
  if (core.compareVersions(record.version, version) > 0)
    throw new UserError(`${project} was generated by create-ml-ci-cd ${record.version}, newer than this ${version}. Run \`npx create-ml-ci-cd@latest upgrade\`.`);

  // 2. Refuse to mix the upgrade with uncommitted work: the user reviews it with git diff.
  const git = gitState(dir);
  if (writes && !options.allowDirty) {
    if (git.prefix === null)
      throw new UserError(
        `${project} is not in a git repository; upgrade needs one so you can review its changes and resolve conflicts. Run \`git init && git add -A && git commit -m "Initial commit"\` first, or pass --allow-dirty.`,
      );
    if (git.dirty.length)
      throw new UserError(
        `${project} has uncommitted changes (${git.dirty.length} file${git.dirty.length > 1 ? 's' : ''}, e.g. ${git.dirty[0].slice(3)}). Commit or stash them first (\`git stash -u\`), or pass --allow-dirty.`,
      );
  }

  // 3. The three sides. Base and ours are in the old layout until migrations move them.
  const base = renderBase(record, dir, { version, templatesDir });
  base.files?.delete(RECORD_FILE);
  const pending = core.pendingMigrations(record.version, version);
  const oldAnswers = normalizeAnswers(core.runMigrations(pending, record.answers, []).answers, RECORD_FILE);
  const answers = newAnswers(oldAnswers, options.answers);
  const theirsAll = renderProject(answers, templatesDir, version);
  const newRecord = theirsAll.get(RECORD_FILE)!;
  theirsAll.delete(RECORD_FILE);

  const inScope = (path: string) => !options.workflowsOnly || path.startsWith(WORKFLOWS);
  const managed = [...new Set([...(base.files?.keys() ?? []), ...theirsAll.keys()])].filter(inScope);
  const oursOld = new Map<string, Buffer>();
  for (const p of managed) {
    const content = readIfFile(join(dir, p));
    if (content) oursOld.set(p, content);
  }
  const migrated = core.runMigrations(pending, record.answers, base.files ? [base.files, oursOld] : [oursOld]);
  const ours = migrated.sides.at(-1)!;
  const baseFiles = base.files ? migrated.sides[0] : null;
  const only = (files: Map<string, Buffer>) => new Map([...files].filter(([p]) => inScope(p)));
  // Files a migration moved: the old path goes away once its content lives at the new one.
  const moved = [...oursOld.keys()].filter((p) => !ours.has(p));

  // 4. Plan (pure), then merge.
  const labels = { ours: 'current', base: `create-ml-ci-cd@${record.version}`, theirs: `create-ml-ci-cd@${version}` };
  let plan = core.resolvePlan(core.planUpgrade({ base: baseFiles && only(baseFiles), ours: only(ours), theirs: only(theirsAll) }), labels);
  const recordChanges = !options.workflowsOnly && recordText !== newRecord.toString('utf8');
  const changing = plan.filter((p) => core.changesFiles(p.action));
  const from = record.version === version ? `create-ml-ci-cd ${version}` : `create-ml-ci-cd ${record.version} to ${version}`;
  const answerChanges = describeAnswers(oldAnswers, answers);

  if (base.files === null)
    console.log(
      `${base.problem}. Without the templates this project was generated from, every file that differs from the new templates is left as a conflict to resolve; nothing is overwritten.`,
    );

  if (options.check) {
    const edited = plan.filter((p) => p.action === 'keep' || p.action === 'keep-modified').map((p) => p.path);
    const note = edited.length ? `\n${edited.length} managed file(s) carry your edits, which upgrade keeps: ${edited.join(', ')}.` : '';
    if (changing.length === 0 && moved.length === 0 && !recordChanges) {
      console.log(`${project} is up to date with create-ml-ci-cd ${version}.${note}`);
      return EXIT.ok;
    }
    const what = changing.length + moved.length ? `${changing.length + moved.length} file(s) would change` : 'only the record would change';
    console.log(`${project} is behind create-ml-ci-cd ${version} (generated with ${record.version}): ${what}.`);
    console.log([...planLines(plan, true), ...moved.map((p) => `  would move  ${p}  (by a migration)`)].join('\n'));
    console.log(`Run \`npx create-ml-ci-cd@${version} upgrade\`${options.workflowsOnly ? ' --workflows-only' : ''} and commit the result.${note}`);
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
  const header = `${options.dryRun ? 'Would upgrade' : 'Upgraded'} ${shown === '.' ? 'this project' : shown} from ${from}${answerChanges.length ? ` (${answerChanges.join(', ')})` : ''}${options.workflowsOnly ? ', workflows only' : ''}:`;
  console.log([header, ...lines].join('\n'));

  if (options.dryRun) {
    const removals = moved.map((p): core.Resolved => ({ path: p, action: 'delete', data: core.isData(p), crlf: false }));
    const diff = planDiff([...plan, ...removals], oursOld);
    if (diff) process.stdout.write(`\n${diff}`);
    console.log(`\nDry run: nothing was written. Run \`${COMMAND}\` without --dry-run to apply it.`);
    return EXIT.ok;
  }

  // 5. Apply.
  for (const p of plan) {
    if (p.action === 'delete') removeFile(dir, p.path);
    else if (p.content && core.changesFiles(p.action)) {
      mkdirSync(dirname(join(dir, p.path)), { recursive: true });
      writeFileSync(join(dir, p.path), p.content);
    }
  }
  for (const p of moved) if (existsSync(join(dir, p))) removeFile(dir, p);
  const conflicts = plan.filter((p) => p.action === 'conflict');
  if (git.prefix !== null) {
    const eol = (p: core.Resolved, content?: Buffer) => (content && p.crlf ? core.toCrlf(content) : content);
    registerConflicts(
      dir,
      git.prefix,
      conflicts.map((p) => ({ path: p.path, base: eol(p, p.base), ours: oursOld.get(p.path) ?? eol(p, p.ours)!, theirs: eol(p, p.theirs)! })),
    );
  }
  if (!options.workflowsOnly) writeFileSync(join(dir, RECORD_FILE), newRecord);

  if (conflicts.length) {
    const where = git.prefix === null ? 'then commit' : 'then `git add` them and commit (`git status` lists them as unmerged)';
    console.error(
      `\n${conflicts.length} file(s) have conflicts: ${conflicts.map((p) => p.path).join(', ')}.\nResolve the <<<<<<< current / >>>>>>> ${labels.theirs} markers, ${where}.`,
    );
    return EXIT.conflicts;
  }
  console.log(`\nReview the changes with \`git diff\`, then commit them.`);
  return EXIT.ok;
}
