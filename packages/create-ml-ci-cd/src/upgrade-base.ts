import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { RECORD_FILE, normalizeAnswers, projectRecord, renderProject, type Answers, type RawAnswers } from '@create-ml-ci-cd/core';
import { cleanupOnSignal } from './runtime.js';

const PACKAGE = 'create-ml-ci-cd';

/**
 * Test/dev only: render the base in-process from this templates directory (as the recorded
 * version) instead of fetching the recorded version from npm. Lets tests fake "the templates the
 * project was generated from" without publishing anything. Not documented for users.
 */
const BASE_TEMPLATES_ENV = 'CREATE_ML_CI_CD_BASE_TEMPLATES';

export interface Base {
  /** The old render, or null when it could not be had. */
  files: Map<string, Buffer> | null;
  /** Why the base is missing, for the user. */
  problem?: string;
}

/**
 * The base of the three-way merge: the project's recorded version of create-ml-ci-cd rendered with
 * the recorded answers. The running version renders it in-process; any other version is run
 * through the user's npm (their registry, auth and cache), exactly as `npm create` would.
 */
export function renderBase(recorded: { version: string; answers: RawAnswers }, cwd: string, current: { version: string; templatesDir: string }): Base {
  const override = process.env[BASE_TEMPLATES_ENV];
  if (override) return { files: renderProject(recordedAnswers(recorded.answers), override, recorded.version) };
  if (recorded.version === current.version)
    return { files: renderProject(recordedAnswers(recorded.answers), current.templatesDir, current.version) };
  return fetchBase(recorded, cwd);
}

function recordedAnswers(raw: RawAnswers): Answers {
  return normalizeAnswers(raw, RECORD_FILE);
}

function fetchBase(recorded: { version: string; answers: RawAnswers }, cwd: string): Base {
  const spec = `${PACKAGE}@${recorded.version}`;
  console.log(`Fetching ${spec} to re-render the templates this project was generated from...`);
  const tmp = mkdtempSync(join(tmpdir(), 'create-ml-ci-cd-base-'));
  const release = cleanupOnSignal(() => rmSync(tmp, { recursive: true, force: true }));
  try {
    const record = join(tmp, 'record.json');
    // The old CLI reads a record as an answers file; the answers go in as they were recorded.
    writeFileSync(record, JSON.stringify({ ...projectRecord(recorded.answers as Answers, recorded.version) }));
    const out = join(tmp, 'project');
    const env: NodeJS.ProcessEnv = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
    for (const key of Object.keys(env)) if (key.startsWith('CREATE_ML_CI_CD_')) delete env[key];
    // Run from the project so a project-level .npmrc applies too.
    const result = spawnSync(
      'npm',
      ['exec', '--yes', `--package=${spec}`, '--', PACKAGE, out, '--answers', record, '--yes', '--no-git', '--no-install'],
      { cwd, env, encoding: 'utf8', shell: process.platform === 'win32', maxBuffer: 1 << 26 },
    );
    if (result.error || result.status !== 0) {
      const reason = result.error?.message ?? lastLines(result.stderr || result.stdout);
      return { files: null, problem: `Could not run ${spec} through npm (${reason})` };
    }
    return { files: readTree(out) };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    release();
  }
}

function lastLines(text: string): string {
  const lines = text.split('\n').map((l) => l.replace(/^npm (error|ERR!) ?/, '').trim()).filter(Boolean);
  return lines.slice(0, 2).join(' ').replace(/\.$/, '') || 'no output';
}

function readTree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    files.set(relative(dir, full).split(sep).join('/'), readFileSync(full));
  }
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1)));
}
