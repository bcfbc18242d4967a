import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { downstreamOf, type Scenario, type TargetSpec } from '../scenarios.js';
import { checksDir, workspaceRoot } from '../root.js';

export { checksDir, workspaceRoot };

export const toolsBin = join(workspaceRoot, '.tools/bin');
export const cliBin = join(workspaceRoot, 'packages/create-ml-ci-cd/index.js');

/** Where scenarios are generated and run. Nx's outputs say `.verify/`; tests point it elsewhere. */
export function verifyDir(): string {
  return process.env.CREATE_ML_CI_CD_VERIFY_DIR ?? join(workspaceRoot, '.verify');
}

export interface StepResult {
  name: string;
  command: string;
  ok: boolean;
  seconds: number;
  exitCode: number | null;
  /** Why a failed step failed, in one line (the log has the rest). */
  message?: string;
}

/** What every target writes to `results/<target>.json`: the summary reads these, and Nx caches them. */
export interface TargetResult {
  scenario: string;
  target: string;
  ok: boolean;
  seconds: number;
  finishedAt: string;
  steps: StepResult[];
  details?: Record<string, unknown>;
  error?: string;
  /** Relative to the scenario directory. */
  log: string;
}

export class StepFailed extends Error {}

/** One running target: its directories, its log, and its steps. */
export class TaskContext {
  readonly dir: string;
  readonly project: string;
  readonly logFile: string;
  readonly steps: StepResult[] = [];
  readonly details: Record<string, unknown> = {};
  readonly #log: WriteStream;
  readonly #started = Date.now();

  constructor(
    readonly scenario: Scenario,
    readonly target: TargetSpec,
    readonly targets: TargetSpec[],
    readonly quiet = false,
  ) {
    this.dir = join(verifyDir(), scenario.project);
    this.project = join(this.dir, 'project');
    // Results of this target and of everything after it are stale from now on: a failure here
    // must not leave an earlier run's "passed" for a target that will not run this time.
    for (const name of [target.name, ...downstreamOf(targets, target.name)]) rmSync(resultFile(this.dir, name), { force: true });
    this.logFile = join(this.dir, 'logs', `${target.name}.log`);
    mkdirSync(dirname(this.logFile), { recursive: true });
    this.#log = createWriteStream(this.logFile);
  }

  /** A directory of this scenario, emptied: the work tree of one target. */
  freshDir(name: string): string {
    const dir = join(this.dir, name);
    rmSync(dir, { recursive: true, force: true });
    return dir;
  }

  print(line: string): void {
    if (!this.quiet) console.log(line);
    this.#log.write(`${line}\n`);
  }

  /**
   * Run a command, its output going to the log; on failure print the output's tail. Throws
   * StepFailed unless `allowFailure` (then the caller decides and the step is still recorded).
   */
  async run(
    name: string,
    command: string,
    args: string[],
    options: { cwd?: string; env?: NodeJS.ProcessEnv; allowFailure?: boolean; stdout?: (text: string) => void } = {},
  ): Promise<StepResult> {
    const cwd = options.cwd ?? this.dir;
    const shown = [command, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
    this.#log.write(`\n$ (cd ${relative(workspaceRoot, cwd) || '.'} && ${shown})\n`);
    const started = Date.now();
    const tail: string[] = [];
    let out = '';
    const exitCode = await new Promise<number | null>((resolve) => {
      // Plain text: the output goes to log files (Nx sets FORCE_COLOR for its tasks).
      const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env), NO_COLOR: '1' };
      delete env.FORCE_COLOR;
      const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
      const collect = (chunk: Buffer, isStdout: boolean) => {
        const text = chunk.toString('utf8');
        this.#log.write(text);
        if (isStdout && options.stdout) out += text;
        tail.push(...text.split('\n'));
        if (tail.length > 400) tail.splice(0, tail.length - 400);
      };
      child.stdout.on('data', (c: Buffer) => collect(c, true));
      child.stderr.on('data', (c: Buffer) => collect(c, false));
      child.on('error', (error) => {
        this.#log.write(`${error.message}\n`);
        tail.push(error.message);
        resolve(null);
      });
      child.on('close', (code) => resolve(code));
    });
    if (options.stdout) options.stdout(out);
    const step: StepResult = { name, command: shown, ok: exitCode === 0, seconds: (Date.now() - started) / 1000, exitCode };
    if (!step.ok) step.message = lastMeaningfulLine(tail) ?? `exit code ${exitCode}`;
    this.steps.push(step);
    this.print(`${step.ok ? '✓' : '✗'} ${name} (${step.seconds.toFixed(1)}s)`);
    if (!step.ok) {
      if (!this.quiet) console.log(indent(tail.slice(-60).join('\n').trimEnd()));
      if (!options.allowFailure) throw new StepFailed(`${name} failed: ${step.message}`);
    }
    return step;
  }

  /** Record a step computed in-process (no command). */
  record(name: string, ok: boolean, seconds: number, message?: string): StepResult {
    const step: StepResult = { name, command: '(in-process)', ok, seconds, exitCode: ok ? 0 : 1, ...(message ? { message } : {}) };
    this.steps.push(step);
    this.print(`${ok ? '✓' : '✗'} ${name} (${seconds.toFixed(1)}s)${ok || !message ? '' : `\n${indent(message)}`}`);
    return step;
  }

  async finish(error?: unknown): Promise<TargetResult> {
    const failed = error !== undefined || this.steps.some((s) => !s.ok);
    const result: TargetResult = {
      scenario: this.scenario.project,
      target: this.target.name,
      ok: !failed,
      seconds: (Date.now() - this.#started) / 1000,
      finishedAt: new Date().toISOString(),
      steps: this.steps,
      ...(Object.keys(this.details).length ? { details: this.details } : {}),
      ...(error !== undefined ? { error: error instanceof Error ? error.message : String(error) } : {}),
      log: relative(this.dir, this.logFile),
    };
    if (error !== undefined && !(error instanceof StepFailed)) this.#log.write(`\n${error instanceof Error ? error.stack : String(error)}\n`);
    await new Promise<void>((resolve) => this.#log.end(resolve));
    writeResult(this.dir, result);
    return result;
  }
}

export function resultFile(scenarioDir: string, target: string): string {
  return join(scenarioDir, 'results', `${target}.json`);
}

export function writeResult(scenarioDir: string, result: TargetResult): void {
  const file = resultFile(scenarioDir, result.target);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
}

export function readResult(scenarioDir: string, target: string): TargetResult | undefined {
  const file = resultFile(scenarioDir, target);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as TargetResult;
  } catch {
    return undefined;
  }
}

/** A required tool from `.tools/bin` (scripts/setup-tools.sh installs them). */
export function tool(name: string): string {
  const path = join(toolsBin, name);
  if (!existsSync(path)) throw new StepFailed(`${name} is not installed in .tools/bin. Run: bash scripts/setup-tools.sh`);
  return path;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

/** The line that says what went wrong: the first `file:line:col: ...` or error-looking line, else the last one. */
function lastMeaningfulLine(lines: string[]): string | undefined {
  const text = lines.map((l) => l.trim()).filter((l) => l !== '');
  const line =
    text.find((l) => /^[\w./-]+:\d+(:\d+)?:? /.test(l)) ??
    text.find((l) => /^\w*(Error|Exception)\b/.test(l)) ??
    [...text].reverse().find((l) => /\b(error|failed|failure)\b/i.test(l) && !/^[|^~\s]+$/.test(l)) ??
    text.at(-1);
  return line?.slice(0, 300);
}
