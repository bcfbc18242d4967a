import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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
  /** More that must hold after the run: problems, none when it holds. */
  check?: (clone: string) => string[];
  /** After a run that passed: what later pipelines need from it. */
  after?: (clone: string) => Promise<void>;
}

/**
 * The one GitLab API call a pipeline makes here: champion.py downloading the newest `promote` job's
 * artifacts. A stand-in on loopback answers it with the champion it is given (a zip of champion/),
 * or 404 as GitLab does before anything was promoted, and records what it was asked.
 */
interface ApiStandIn {
  url: string;
  champion?: { id: string; zip: Buffer };
  requests: { path: string; token?: string }[];
}

async function startApi(): Promise<{ api: ApiStandIn; close: () => void }> {
  const api: ApiStandIn = { url: '', requests: [] };
  const server = createServer((req, res) => {
    const token = req.headers['job-token'];
    api.requests.push({ path: req.url ?? '', token: typeof token === 'string' ? token : undefined });
    const wanted = req.url === '/api/v4/projects/1/jobs/artifacts/main/download?job=promote' && token === JOB_TOKEN;
    if (wanted && api.champion) {
      res.writeHead(200, { 'content-type': 'application/zip' }).end(api.champion.zip);
    } else res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"404 Not found"}');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v4`;
  return { api, close: () => server.close() };
}

const JOB_TOKEN = 'verify-job-token';
/** The model files the retrain job keeps as champion/ (and promote publishes). */
const CHAMPION_FILES = ['models/model.joblib', 'models/model.record.json', 'metrics.json', 'eval/predictions.csv'];

const pipelines = (api: ApiStandIn, keepChampion: (clone: string) => Promise<void>): Pipeline[] => [
  {
    name: 'push',
    prepare: async () => ({ CI_PIPELINE_SOURCE: 'push' }),
    unset: [],
    expect: ['lint', 'train', 'test'],
    outputs: { 'models/model.joblib': [], 'metrics.json': ['accuracy'] },
    // Its model is the champion the retrain pipeline meets.
    after: keepChampion,
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
    // A pipeline schedule without RETRAIN: only the drift check.
    name: 'schedule',
    prepare: async () => ({ CI_PIPELINE_SOURCE: 'schedule' }),
    unset: [],
    expect: ['drift'],
    outputs: {},
  },
  {
    // A schedule with RETRAIN=true: the champion is the push pipeline's model (served by the API
    // stand-in as promote's artifacts); retrain scores it on today's rows, gates the new model
    // against it, and promote keeps the new one.
    name: 'retrain',
    prepare: async () => ({
      CI_PIPELINE_SOURCE: 'schedule',
      RETRAIN: 'true',
      CI_DEFAULT_BRANCH: 'main',
      CI_API_V4_URL: api.url,
      CI_PROJECT_ID: '1',
      CI_JOB_TOKEN: JOB_TOKEN,
    }),
    unset: [],
    expect: ['retrain', 'promote', 'drift'],
    outputs: { 'champion/model.record.json': ['"id"'], 'champion/notes.md': [] },
    check: (clone) => {
      const problems: string[] = [];
      if (!api.requests.some((r) => r.path.endsWith('/jobs/artifacts/main/download?job=promote') && r.token === JOB_TOKEN))
        problems.push("champion.py never asked the GitLab API for promote's artifacts with the job token");
      const notes = join(clone, 'champion/notes.md');
      if (api.champion && existsSync(notes) && !readFileSync(notes, 'utf8').includes(`champion ${api.champion.id}`))
        problems.push(`champion/notes.md does not compare with the champion ${api.champion.id}`);
      return problems;
    },
  },
];

/** Zip the push pipeline's model as promote's artifacts (champion/...), with the host's Python. */
async function championZip(ctx: TaskContext, python: string, clone: string): Promise<{ id: string; zip: Buffer }> {
  const zip = join(clone, 'champion-artifacts.zip');
  const script = 'import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], "w") as z:\n    for f in sys.argv[2:]:\n        z.write(f, "champion/" + f.rsplit("/", 1)[-1])\n';
  await ctx.run('zip the champion (promote artifacts)', python, ['-c', script, zip, ...CHAMPION_FILES], { cwd: clone });
  const id = String(JSON.parse(readFileSync(join(clone, 'models/model.record.json'), 'utf8')).id);
  return { id, zip: readFileSync(zip) };
}

/**
 * Run the push, merge-request, scheduled and retraining pipelines with gitlab-ci-local's shell executor, each in a
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
  const { api, close } = await startApi();
  try {
    const keepChampion = async (clone: string) => void (api.champion = await championZip(ctx, interpreter, clone));
    for (const p of pipelines(api, keepChampion)) {
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
      problems.push(...(p.check?.(clone) ?? []));
      if (step.ok && problems.length === 0) await p.after?.(clone);
      ctx.record(`${p.name} pipeline: ${active.join(', ')}`, step.ok && problems.length === 0, 0, problems.join('\n'));
      runs.push({ pipeline: p.name, variables: vars, ran: results, notRunHere: notRun, log: `gitlab/${p.name}.log` });
    }
  } finally {
    close();
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
