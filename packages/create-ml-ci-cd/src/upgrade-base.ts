import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { RECORD_FILE, normalizeAnswers, projectRecord, renderProject, type Answers, type RawAnswers } from '@create-ml-ci-cd/core';
import { Interrupted } from '@create-ml-ci-cd/core/upgrade';
import { detectLauncher } from './launcher.js';
import { cleanupOnSignal } from './runtime.js';

const PACKAGE = 'create-ml-ci-cd';

export interface Base {
  /** The old render, or null when it could not be had. */
  files: Map<string, Buffer> | null;
  /** Why the base is missing, for the user. */
  problem?: string;
}

/**
 * The base of the three-way merge: the project's recorded version of create-ml-ci-cd rendered with
 * the recorded answers. The running version renders it in-process; any other version is run
 * through the user's npm (their registry, auth and cache), exactly as `npm create` would. A signal
 * during the fetch rejects with Interrupted: the upgrade stops, it never goes on without a base.
 */
export async function renderBase(recorded: { version: string; answers: RawAnswers }, cwd: string, current: { version: string; templatesDir: string }): Promise<Base> {
  if (recorded.version === current.version)
    return { files: renderProject(recordedAnswers(recorded.answers), current.templatesDir, current.version) };
  return fetchBase(recorded, cwd);
}

function recordedAnswers(raw: RawAnswers): Answers {
  return normalizeAnswers(raw, RECORD_FILE);
}

/** Run a command without blocking the event loop, so that a signal is handled while it runs. */
function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }) {
  return new Promise<{ status: number | null; signal: NodeJS.Signals | null; output: string; error?: Error }>((done) => {
    const child = spawn(command, args, { ...options, shell: process.platform === 'win32', stdio: ['ignore', 'pipe', 'pipe'] });
    let [stdout, stderr] = ['', ''];
    child.stdout.on('data', (chunk) => (stdout = (stdout + chunk).slice(-1 << 16)));
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-1 << 16)));
    const output = () => stderr || stdout;
    // Interrupted ourselves (a signal to this process only): take npm down with us.
    const release = cleanupOnSignal(() => child.kill());
    child.on('error', (error) => (release(), done({ status: null, signal: null, output: output(), error })));
    child.on('close', (status, signal) => (release(), done({ status, signal, output: output() })));
  });
}

/**
 * How to run `spec` once through the launcher that started this run (`pnpm dlx`, `yarn dlx`,
 * `bunx`), by the launcher's own executable (`npm_execpath`, else its name on PATH), so its
 * registry settings apply; then npm if that fails; only npm for npm and Yarn 1, which cannot run a
 * package once.
 */
function fetchers(spec: string, args: string[], env: NodeJS.ProcessEnv): { name: string; command: string; argv: string[] }[] {
  const npm = { name: 'npm', command: 'npm', argv: ['exec', '--yes', `--package=${spec}`, '--', PACKAGE, ...args] };
  const launcher = detectLauncher(env.npm_config_user_agent);
  if (launcher === 'npm' || launcher === 'yarn-classic') return [npm];
  // pnpm dlx sets no npm_execpath: its `pnpm` is on PATH.
  const execpath = env.npm_execpath ?? launcher;
  const viaNode = /\.[cm]?js$/.test(execpath);
  const command = viaNode ? process.execPath : execpath;
  const prefix = viaNode ? [execpath] : [];
  const once = { pnpm: ['dlx', spec], yarn: ['dlx', spec], bun: ['x', spec] }[launcher];
  return [{ name: launcher, command, argv: [...prefix, ...once, ...args] }, npm];
}

async function fetchBase(recorded: { version: string; answers: RawAnswers }, cwd: string): Promise<Base> {
  const spec = `${PACKAGE}@${recorded.version}`;
  const tmp = mkdtempSync(join(tmpdir(), 'create-ml-ci-cd-base-'));
  const release = cleanupOnSignal(() => rmSync(tmp, { recursive: true, force: true }));
  try {
    const record = join(tmp, 'record.json');
    // The old CLI reads a record as an answers file; the answers go in as they were recorded.
    writeFileSync(record, JSON.stringify({ ...projectRecord(recorded.answers as Answers, recorded.version) }));
    const out = join(tmp, 'project');
    const env: NodeJS.ProcessEnv = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
    for (const key of Object.keys(env)) if (key.startsWith('CREATE_ML_CI_CD_')) delete env[key];
    const problems: string[] = [];
    for (const fetcher of fetchers(spec, [out, '--answers', record, '--yes', '--no-git', '--no-install'], env)) {
      console.log(`Fetching ${spec} through ${fetcher.name} to re-render the templates this project was generated from...`);
      // Run from the project so a project-level .npmrc (or .yarnrc.yml, bunfig.toml) applies too.
      const result = await run(fetcher.command, fetcher.argv, { cwd, env });
      // Killed by a signal, or exited with a shell's 128 + signal code (npm passes Ctrl-C on that way).
      const signal = result.signal ?? (result.status === 130 ? 'SIGINT' : result.status === 143 ? 'SIGTERM' : null);
      if (signal) throw new Interrupted(signal, `Interrupted (${signal}) while fetching ${spec}; nothing was changed.`);
      if (!result.error && result.status === 0) return { files: readTree(out) };
      problems.push(`through ${fetcher.name}: ${result.error?.message ?? lastLines(result.output)}`);
      rmSync(out, { recursive: true, force: true });
    }
    return { files: null, problem: `Could not run ${spec} (${problems.join('; ')})` };
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
