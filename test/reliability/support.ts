import { accessSync, constants, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { expect } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { features, normalizeAnswers } from '../../packages/core/src/index.js';
import { repoRoot } from '../support/cli.js';

/**
 * Every entry below `dir` (and `dir` itself) with its type, mode, size and mtime in nanoseconds.
 * Two equal snapshots mean nothing was created, removed or changed, not even briefly: creating and
 * removing a staging directory would still move the parent's mtime.
 */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (path: string, rel: string) => {
    const s = lstatSync(path, { bigint: true });
    out[rel] = `${s.mode.toString(8)} ${s.size} ${s.mtimeNs}`;
    if (s.isDirectory()) for (const name of readdirSync(path).sort()) visit(join(path, name), rel === '.' ? name : `${rel}/${name}`);
  };
  visit(dir, '.');
  return out;
}

interface Outcome {
  exitCode?: number;
  stdout: string | unknown;
  stderr: string | unknown;
}

/**
 * A user error as documented: the exit code, exactly one stderr line that starts with the
 * program's name and matches `message`, and no stack trace anywhere.
 */
export function expectRefusal(result: Outcome, code: number, message: RegExp): void {
  const stderr = String(result.stderr);
  expect(result.exitCode, stderr).toBe(code);
  const lines = stderr.trimEnd().split('\n');
  expect(lines, 'exactly one line on stderr').toHaveLength(1);
  expect(lines[0]).toMatch(/^create-ml-ci-cd: /);
  expect(lines[0]).toMatch(message);
  expect(`${stderr}\n${String(result.stdout)}`).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
}

/**
 * An external checker installed by scripts/setup-tools.sh. Missing tools fail the test rather
 * than skip it: a security check that silently does not run is worse than none.
 */
export function tool(name: string): string {
  for (const dir of ['.tools/bin', '.tools/venv/bin']) {
    const path = join(repoRoot, dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // try the next place
    }
  }
  throw new Error(`${name} is not installed in .tools/: run \`bash scripts/setup-tools.sh\` (npm test runs it first).`);
}

let parser: Promise<typeof import('@actions/workflow-parser')> | undefined;

/**
 * @actions/workflow-parser imports its JSON schemas without `with { type: 'json' }`, which Node
 * refuses (actions/languageservices#387). A load hook adds the attribute for that package only.
 */
export function workflowParser() {
  return (parser ??= loadWorkflowParser());
}

async function loadWorkflowParser() {
  const { register } = await import('node:module');
  const hook = `export async function load(url, context, next) {
    if (url.endsWith('.json') && url.includes('/@actions/workflow-parser/')) return next(url, { ...context, importAttributes: { type: 'json' } });
    return next(url, context);
  }`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
  return import('@actions/workflow-parser');
}

/** Errors and warnings of a YAML file (every document in it), strict about duplicate keys. */
export function yamlProblems(text: string): string[] {
  return parseAllDocuments(text, { uniqueKeys: true, prettyErrors: false }).flatMap((doc) =>
    [...doc.errors, ...doc.warnings].map((e) => `${e.code}: ${e.message}`),
  );
}

export interface SyntaxReport {
  checked: number;
  errors: [path: string, message: string][];
  /** Every parsed TOML file, by path. */
  toml: Record<string, any>;
}

/** TOML (tomllib) and Python (compile) checks of every file below `dirs`, in one python3 process. */
export async function checkSyntax(dirs: string[]): Promise<SyntaxReport> {
  const result = await execa('python3', [join(repoRoot, 'test/reliability/check_syntax.py'), ...dirs], { reject: false, maxBuffer: 1 << 30 });
  if (result.exitCode !== 0) throw new Error(`check_syntax.py failed (python3 3.11+ is needed for tomllib):\n${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** Text that breaks naive quoting in YAML, TOML, Python, shell, EJS or GitHub expressions. */
export const hostile = ['"', "'", '`', ':', ': ', '#', ' #', '${{ secrets.X }}', '${{ github.event.issue.title }}', '<%', '%>', '<%- x %>', '\\', '\\n', '\n', '\t',
  '"""', "'''", '---', '...', '- ', '[', ']', '{', '}', '&a', '*a', '!!str', '|', '>', '@', '%', '$(id)', '; rm -rf ~', '\u2028', '\u00a0', '\ufeff', 'é', '模型', '🚀', ' '];

/** In every plausible option candidate below and in no template: found in a workflow, it was copied there. */
export const MARK = 'zq';
const optionCandidates = [...hostile, 's3://zq-bucket/path', 'gs://zq-bucket', 'azure://zq-container/dir', 'https://zq.example.com/store', 'http://zq-host:5000',
  '/tmp/zq-store', '../zq-storage', 'zq-storage', 'file:///tmp/zq-store', 'ghcr.io/zq-owner/image', 'zq-owner/repo', 'zq-main', 'zq-v1'];

/**
 * Values for each feature option (by answers key): whichever candidates the option's own validator
 * accepts, so a new option is covered without being listed in the tests. The property test fails
 * when an option accepts none of them.
 */
export const acceptedOptionValues: ReadonlyMap<string, string[]> = (() => {
  const baseline = normalizeAnswers({ name: 'baseline', features: features.map((f) => f.name) });
  const accepts = (validate: (value: string, source: string, answers: typeof baseline) => string, value: string) => {
    try {
      validate(value, 'options', baseline);
      return true;
    } catch {
      return false;
    }
  };
  return new Map(features.flatMap((f) => (f.options ?? []).map((o) => [o.key, optionCandidates.filter((v) => accepts(o.validate, v))] as const)));
})();
