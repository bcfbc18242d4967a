import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
// workspaceRoot from root.js: it is used at load time, and tasks/context.js may still be loading
// (scenarios.ts reads ci/index.ts, which tasks/context.js imports through scenarios.ts).
import { workspaceRoot } from '../root.js';
import { tool, toolsBin, type TaskContext } from '../tasks/context.js';
import { projectFiles } from '../tasks/generate.js';
import { ensureVenv, ensureWheelhouse, hostPython, uvCacheDir } from '../tasks/python.js';
import type { CiProvider } from './index.js';

const PIPELINE = '.gitlab-ci.yml';
const isDockerfile = (f: string) => /^(Dockerfile|.+\.Dockerfile|Dockerfile\..+)$/.test(basename(f));
/** 4.65.0 exactly (root package.json): 4.75.1 crashes on Node 20 (`union is not a function`). */
const gitlabCiLocal = join(workspaceRoot, 'node_modules/.bin/gitlab-ci-local');

/** GitLab's own schema for .gitlab-ci.yml (vendored in check-jsonschema, so offline), and hadolint for Dockerfiles. */
async function lint(ctx: TaskContext): Promise<void> {
  const files = projectFiles(ctx.project);
  if (!files.includes(PIPELINE)) throw new Error(`The generated project has no ${PIPELINE}.`);
  const github = files.filter((f) => f.startsWith('.github/'));
  ctx.record('no GitHub files in a GitLab project', github.length === 0, 0, github.join('\n'));
  ctx.details.workflows = [PIPELINE];
  const opts = { cwd: ctx.project, allowFailure: true };
  await ctx.run('check-jsonschema vendor.gitlab-ci', tool('check-jsonschema'), ['--builtin-schema', 'vendor.gitlab-ci', '--data-transform', 'gitlab-ci', PIPELINE], opts);
  for (const dockerfile of files.filter(isDockerfile)) await ctx.run(`hadolint ${dockerfile}`, tool('hadolint'), ['--no-color', dockerfile], opts);
}

interface ListedJob {
  name: string;
  stage: string;
  when: string;
  rules?: { if?: string; when?: string }[];
}

/** A pipeline run here: the variables GitLab would set for its source, and what must hold after it. */
interface Pipeline {
  name: string;
  /** Commits made in the clone before the run; returns variables to pass. */
  prepare: (git: (...args: string[]) => Promise<string>) => Promise<Record<string, string>>;
  /** Unset predefined variables GitLab does not set for this source. */
  unset: string[];
  /** Jobs that must have run and passed. */
  expect: string[];
  /** Files (relative to the clone) that must exist after the run, with text they must contain. */
  outputs: Record<string, string[]>;
}

const pipelines: Pipeline[] = [
  {
    name: 'push',
    prepare: async () => ({ CI_PIPELINE_SOURCE: 'push' }),
    unset: [],
    expect: ['lint', 'train', 'test'],
    outputs: { 'models/model.joblib': [], 'metrics.json': ['accuracy'] },
  },
  {
    name: 'merge_request',
    // A merge request whose change does not touch the model: the report and the regression gate
    // compare it with main, trained in main's own environment, and find no change.
    prepare: async (git) => {
      const base = (await git('rev-parse', 'HEAD')).trim();
      await git('checkout', '-q', '-b', 'change');
      await git('commit', '-q', '--allow-empty', '-m', 'A change that leaves the model as it is');
      return {
        CI_PIPELINE_SOURCE: 'merge_request_event',
        CI_MERGE_REQUEST_IID: '1',
        CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'change',
        CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
        CI_MERGE_REQUEST_DIFF_BASE_SHA: base,
      };
    },
    unset: ['CI_COMMIT_BRANCH'],
    expect: ['lint', 'train', 'test', 'model-report'],
    outputs: {
      'model-report/report.md': ['<!-- create-ml-ci-cd:model-report -->', 'Regression gate: passed', 'No MODEL_REPORT_TOKEN variable'],
    },
  },
  {
    // A pipeline schedule without RETRAIN: only the drift check. (With RETRAIN=true the retrain job
    // reads the champion through GitLab's API, which is not here.)
    name: 'schedule',
    prepare: async () => ({ CI_PIPELINE_SOURCE: 'schedule' }),
    unset: [],
    expect: ['drift'],
    outputs: {},
  },
];

/**
 * Run the push, merge-request and scheduled pipelines with gitlab-ci-local's shell executor, each in a
 * clone of the generated project (`--shell-isolation`: every job in its own copy, artifacts passed
 * between them as on GitLab). Jobs that need what is not here (id_tokens, a container engine, a
 * tracking server, a schedule) are excluded by their own rules: the result lists them as not run.
 */
async function run(ctx: TaskContext): Promise<void> {
  if (!existsSync(gitlabCiLocal)) throw new Error(`${gitlabCiLocal} is missing: run npm ci at the repository root.`);
  const python = await ensureVenv(ctx);
  const wheels = await ensureWheelhouse(ctx, python);
  const interpreter = hostPython(ctx.scenario.python).path;
  const env = { ...process.env, PATH: `${dirname(interpreter)}:${toolsBin}:${process.env.PATH ?? ''}` };
  const work = ctx.freshDir('gitlab');
  const cache = [`UV_CACHE_DIR=${uvCacheDir()}`, ...(wheels ? [`PIP_NO_INDEX=1`, `PIP_FIND_LINKS=${wheels}`] : [])];
  const runs: Record<string, unknown>[] = [];
  for (const p of pipelines) {
    const clone = join(work, p.name);
    await ctx.run(`git clone (${p.name})`, 'git', ['clone', '-q', '--no-hardlinks', ctx.project, clone]);
    const git = async (...args: string[]) => {
      let out = '';
      await ctx.run(`git ${args[0]}`, 'git', ['-c', 'user.name=verify', '-c', 'user.email=verify@localhost', '-c', 'commit.gpgsign=false', ...args], {
        cwd: clone,
        stdout: (text) => (out = text),
      });
      return out;
    };
    const vars = await p.prepare(git);
    const args = [
      '--force-shell-executor',
      '--shell-isolation',
      '--concurrency', '2',
      ...Object.entries(vars).flatMap(([k, v]) => ['--variable', `${k}=${v}`]),
      ...cache.flatMap((v) => ['--variable', v]),
      ...p.unset.flatMap((v) => ['--unset-variable', v]),
      '--ignore-predefined-vars', [...Object.keys(vars).filter((k) => k.startsWith('CI_')), ...p.unset].join(','),
    ];
    let listed: ListedJob[] = [];
    await ctx.run(`gitlab-ci-local --list-json (${p.name})`, gitlabCiLocal, ['--list-json', ...args], {
      cwd: clone,
      env,
      stdout: (text) => (listed = JSON.parse(text.slice(text.search(/^\[/m))) as ListedJob[]),
    });
    const active = listed.filter((j) => j.when !== 'never').map((j) => j.name);
    const notRun = listed.filter((j) => j.when === 'never').map((j) => ({ job: j.name, rules: (j.rules ?? []).map((r) => r.if ?? r.when ?? '').filter(Boolean) }));
    let output = '';
    const step = await ctx.run(`gitlab-ci-local ${p.name} pipeline`, gitlabCiLocal, args, { cwd: clone, env, allowFailure: true, stdout: (text) => (output = text) });
    writeFileSync(join(work, `${p.name}.log`), output);
    // The closing summary: one ` PASS  <job>` / ` FAIL  <job>` line per job that ran.
    const results = Object.fromEntries([...output.matchAll(/^ (PASS|FAIL|WARN) {2}(\S+)/gm)].map((m) => [m[2], m[1]]));
    const problems: string[] = [];
    for (const job of p.expect) if (!active.includes(job)) problems.push(`${job} is not in the ${p.name} pipeline`);
    for (const job of active) if (results[job] !== 'PASS') problems.push(`${job}: ${results[job] ?? 'did not run'}`);
    for (const [file, needles] of Object.entries(p.outputs)) {
      const path = join(clone, file);
      if (!existsSync(path)) problems.push(`${file} was not produced`);
      else for (const n of needles) if (!readFileSync(path, 'utf8').includes(n)) problems.push(`${file} does not say ${JSON.stringify(n)}`);
    }
    ctx.record(`${p.name} pipeline: ${active.join(', ')}`, step.ok && problems.length === 0, 0, problems.join('\n'));
    runs.push({ pipeline: p.name, variables: vars, ran: results, notRunHere: notRun, log: `gitlab/${p.name}.log` });
  }
  ctx.details.runs = runs;
}

export const gitlab: CiProvider = {
  name: 'gitlab',
  files: (files) => files.filter((f) => f === PIPELINE || f.startsWith('.gitlab/')),
  lint,
  run,
  runInputs: ['package-lock.json'],
};
