#!/usr/bin/env node
// Run one GitHub Actions workflow of a generated project with nektos/act in
// host mode (no container engine), every pinned action replaced by its local
// stand-in from verify/actions/<owner>/<repo>, and print a per-job report of
// the steps that ran, failed or were skipped. Jobs that need a container engine
// (docker build/run, docker/* actions, container:, services:) and the jobs after
// them cannot run here: act runs the workflow without them, and the report lists
// them as "not run here" with the reason.
//
//   node verify/run-workflow.mjs <project-dir> <workflow.yml> <event> [payload.json] [options]
//
// Options:
//   --job ID               run only this job
//   --secret NAME=VALUE    repeatable; also --var NAME=VALUE, --input NAME=VALUE
//   --repo OWNER/NAME      github.repository (default local/<project dir name>)
//   --branch NAME          branch for push/workflow_dispatch/schedule and PR base (default: the project's branch)
//   --work-dir DIR         where the clone, act state, artifacts and logs go (default: a new temp dir)
//   --cache-dir DIR        actions/cache store, to share between runs (default: inside the work dir)
//   --keep                 keep the work dir even when every job succeeded
//   --report FILE          also write the JSON report here
//   --quiet                print only the report
//   --act-arg ARG          pass ARG to act (repeatable)
//   --image-stand-ins      run jobs whose only container need is docker/* actions, with their
//                          stand-ins (no image is built: see verify/actions/README.md)
//
// The project must be a git repository with a commit: like GitHub, the run
// sees only the committed tree (a clone of HEAD), never uncommitted files.
// Exit status: 0 when every job that ran succeeded, 1 otherwise, 2 on a usage error.
//
// The same logic is importable: runWorkflow(options) returns the report.

import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, parseDocument } from 'yaml';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
export const STANDINS_DIR = path.join(HERE, 'actions');
const DEFAULT_ACT = path.join(ROOT, '.tools', 'bin', 'act');
const DEFAULT_UV = path.join(ROOT, '.tools', 'bin', 'uv');
// Runner labels that run on this machine; anything else (macos-*, windows-*)
// is reported by act as an unsupported platform and skipped.
const HOST_LABELS = ['ubuntu-latest', 'ubuntu-24.04', 'ubuntu-22.04', 'self-hosted', 'linux'];

export class UsageError extends Error {}

// ---------------------------------------------------------------- stand-ins

/** Every `uses: owner/repo[/path]@ref` in a workflow or action file. */
export function parseUses(text) {
  const refs = [];
  const re = /^\s*(?:-\s+)?uses:\s*["']?([^\s"'#]+)["']?/gm;
  for (const m of text.matchAll(re)) {
    const uses = m[1];
    if (uses.startsWith('./') || uses.startsWith('docker://')) continue;
    const parsed = /^([^/@]+)\/([^/@]+)(?:\/([^@]*))?@(.+)$/.exec(uses);
    if (!parsed) throw new UsageError(`cannot parse 'uses: ${uses}': expected owner/repo[/path]@ref`);
    const [, owner, repo, subpath = '', ref] = parsed;
    refs.push({ uses, owner, repo, subpath, ref });
  }
  return refs;
}

/** Maps each used action to its stand-in dir; throws naming every missing one. */
export function mapStandIns(uses, standinsDir = STANDINS_DIR) {
  const mappings = new Map();
  const missing = [];
  for (const u of uses) {
    const dir = path.join(standinsDir, u.owner, u.repo);
    const actionDir = path.join(dir, u.subpath);
    const hasAction = ['action.yml', 'action.yaml'].some((f) => fs.existsSync(path.join(actionDir, f)));
    if (!hasAction) {
      missing.push(u.uses);
      continue;
    }
    mappings.set(`${u.owner}/${u.repo}@${u.ref}`, dir);
  }
  if (missing.length) {
    const list = [...new Set(missing)].join(', ');
    throw new UsageError(
      `no local stand-in for ${list}. Add verify/actions/<owner>/<repo>/action.yml (see verify/actions/README.md).`,
    );
  }
  return mappings;
}

function collectUses(repoDir, workflowFile) {
  const files = [workflowFile];
  // Local reusable workflows a job calls (`uses: ./.github/workflows/x.yml`) use actions too.
  for (const m of fs.readFileSync(workflowFile, 'utf8').matchAll(/^\s*uses:\s*["']?\.\/(\.github\/workflows\/[^\s"'#]+)/gm)) {
    files.push(path.join(repoDir, m[1]));
  }
  // Local composite actions can use remote actions too.
  const localActions = path.join(repoDir, '.github', 'actions');
  if (fs.existsSync(localActions)) {
    for (const f of fs.readdirSync(localActions, { recursive: true })) {
      if (/(^|\/)action\.ya?ml$/.test(f)) files.push(path.join(localActions, f));
    }
  }
  return files.flatMap((f) => parseUses(fs.readFileSync(f, 'utf8')));
}

// ---------------------------------------------------------------- container jobs

/**
 * The jobs that need a container engine, which this machine does not have (a `run:` calling
 * docker, a docker/* action, `container:` or `services:`), then every job that needs one of them:
 * job id -> why. act is given the workflow without them and the report lists them as not run.
 * Steps are never removed: within the jobs that run, the workflow's own conditions decide.
 */
export function containerJobs(workflow, { imageStandIns = false } = {}) {
  const jobs = Object.entries(workflow?.jobs ?? {});
  const why = new Map();
  for (const [id, job] of jobs) {
    const steps = job.steps ?? [];
    const reason = job.container ? 'it runs in a container'
      : job.services ? 'it uses service containers'
        : !imageStandIns && steps.some((st) => /^docker\//.test(st.uses ?? '')) ? 'it uses docker/* actions'
          : steps.some((st) => /(^|[\s;&|(])docker\s/.test(st.run ?? '')) ? 'it runs docker' : null;
    if (reason) why.set(id, `needs a container engine: ${reason}`);
  }
  for (let grew = true; grew;) {
    grew = false;
    for (const [id, job] of jobs) {
      const blocked = !why.has(id) && [job.needs ?? []].flat().find((n) => why.has(n));
      if (blocked) {
        why.set(id, `needs job ${blocked}, which is not run here`);
        grew = true;
      }
    }
  }
  return why;
}

// ---------------------------------------------------------------- payloads

/** A minimal event payload that gives act a sensible github.ref/head/base. */
export function defaultPayload(event, { branch, repo, sha }) {
  const [owner, name] = repo.split('/');
  const repository = { full_name: repo, name, owner: { login: owner }, default_branch: branch };
  switch (event) {
    case 'push':
      return { ref: `refs/heads/${branch}`, before: '0'.repeat(40), after: sha, repository };
    case 'pull_request':
      return {
        action: 'opened',
        number: 1,
        pull_request: {
          number: 1,
          head: { ref: 'feature', sha, repo: { full_name: repo } },
          base: { ref: branch, repo: { full_name: repo } },
        },
        repository,
      };
    case 'workflow_dispatch':
      return { ref: `refs/heads/${branch}`, inputs: {}, repository };
    case 'schedule':
      return { schedule: '0 0 * * *', repository };
    default:
      return { repository };
  }
}

// ---------------------------------------------------------------- report

/** Folds act's --json --verbose log entries into per-job step results. */
export function buildReport(entries) {
  const jobs = new Map();
  const jobKey = (e) => `${String(e.job).trim()}${e.matrix && Object.keys(e.matrix).length ? ` ${JSON.stringify(e.matrix)}` : ''}`;
  const getJob = (key, e) => {
    if (!jobs.has(key)) {
      jobs.set(key, { job: key, jobID: e.jobID ?? null, matrix: e.matrix ?? {}, result: null, reason: null, steps: [] });
    }
    return jobs.get(key);
  };
  const stepOf = (job, e) => {
    const id = (e.stepID ?? e.stepid ?? []).join('.');
    const stage = e.stage ?? '';
    let s = job.steps.find((x) => x.id === id && x.stage === stage);
    if (!s) {
      s = { id, stage, name: e.step, result: null, seconds: null, reason: null, errors: [], annotations: [], logged: false };
      job.steps.push(s);
    }
    return s;
  };
  const skippedJobs = [];

  for (const e of entries) {
    const msg = typeof e.msg === 'string' ? e.msg : '';
    let m;
    if ((m = /^Skipping job '(.*)' due to '(.*)'$/.exec(msg))) {
      skippedJobs.push({ name: m[1], reason: `if: ${m[2]} was false` });
      continue;
    }
    if (!e.job) continue;
    const job = getJob(jobKey(e), e);
    if (msg.includes('Skipping unsupported platform')) {
      job.result = 'skipped';
      job.reason = 'unsupported platform (not an ubuntu runner)';
    } else if (e.jobResult) {
      job.result = e.jobResult;
    } else if ((m = /^Skipping step '(.*)' due to '(.*)'$/.exec(msg))) {
      const s = stepOf(job, e);
      s.result = 'skipped';
      s.reason = m[2] ? `if: ${m[2]}` : 'if: success() (an earlier step failed)';
    } else if (e.stepResult) {
      const s = stepOf(job, e);
      s.result = e.stepResult;
      if (e.executionTime) s.seconds = e.executionTime / 1e9;
    } else if (msg.startsWith('⭐ Run ')) {
      stepOf(job, e);
    } else if ((e.stepID || e.stepid) && e.level !== 'debug' && !/^(LocalRepositoryCache|⚙)/.test(msg)) {
      const s = stepOf(job, e);
      s.logged = true;
      const note = /::(warning|error|notice)[^:]*::(.*)$/s.exec(msg.trim());
      if (note) s.annotations.push(`${note[1]}: ${note[2].trim()}`);
      else if (e.level === 'error' && !s.errors.includes(msg)) s.errors.push(msg);
    }
  }
  for (const sj of skippedJobs) {
    // The message names the job by `name:` or id; match either.
    const job = [...jobs.values()].find((j) => j.jobID === sj.name || j.job.endsWith(`/${sj.name}`))
      ?? getJob(sj.name, { jobID: sj.name });
    job.result = 'skipped';
    job.reason = sj.reason;
  }
  for (const job of jobs.values()) {
    // Log order is run order within a stage; step ids do not sort (a step's
    // `id:` replaces its index). Composite inner steps ("1.0") follow their parent.
    job.steps.sort((a, b) => stageOrder(a.stage) - stageOrder(b.stage));
  }
  return [...jobs.values()];
}

const stageOrder = (s) => ({ Pre: 0, Main: 1, Post: 2 })[s] ?? (s === '' ? -1 : 3);

// The report lists every top-level Main step; the rest only when they tell
// something: "Set up job"/"Complete job", Pre/Post stages (act lists one for
// every action, composite or not) and composite actions' inner steps.
function showStep(s) {
  if (s.result !== 'success' || s.annotations.length || s.errors.length) return true;
  if (s.stage === '') return false;
  if (s.id.includes('.')) return false;
  return s.stage === 'Main' || s.logged;
}

export function formatReport(report) {
  const icon = { success: '✓', failure: '✗', skipped: '-', null: '?' };
  const out = [];
  out.push(`${report.workflow} on ${report.event} (ref ${report.ref}, sha ${report.sha.slice(0, 12)}): ` +
    `${report.ok ? 'OK' : 'FAILED'} in ${report.seconds.toFixed(1)} s`);
  if (report.jobs.length === 0) out.push('  no job ran for this event');
  for (const job of report.jobs) {
    out.push(`job ${job.job}: ${job.result ?? 'unknown'}${job.reason ? ` (${job.reason})` : ''}`);
    for (const s of job.steps) {
      if (!showStep(s)) continue;
      const indent = '  '.repeat(s.id.split('.').length);
      const time = s.seconds != null ? ` ${s.seconds.toFixed(1)}s` : '';
      const why = s.reason ? ` (${s.reason})` : '';
      out.push(`${indent}${icon[s.result] ?? '?'} ${[s.stage, s.name].filter(Boolean).join(' ')}${time}${why}`);
      for (const note of [...s.annotations, ...s.errors]) out.push(`${indent}    ${note}`);
    }
  }
  if (report.artifacts.length) out.push(`artifacts: ${report.artifacts.join(', ')}`);
  out.push(report.removed
    ? 'work dir removed (use --keep to keep the log and artifacts)'
    : `artifacts in ${report.artifactsDir}, act log ${report.log}`);
  return out.join('\n');
}

// ---------------------------------------------------------------- run

function git(cwd, ...args) {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function writeYamlMap(file, obj) {
  // JSON is YAML; act reads .yml secret/var/input files as a map.
  fs.writeFileSync(file, JSON.stringify(obj), { mode: 0o600 });
  return file;
}

/** The host environment for act, minus an enclosing runner's and the harness's own tools. */
function actEnv() {
  const env = { ...process.env };
  for (const k of Object.keys(env)) {
    if (/^(GITHUB_|RUNNER_|ACTIONS_|INPUT_|STATE_)/.test(k) || k === 'CI' || k === 'VIRTUAL_ENV') delete env[k];
  }
  // A GitHub runner writes bytecode; with PYTHONDONTWRITEBYTECODE from this host, every process of a
  // job (pytest, dvc, each training) would compile MLflow and scikit-learn from source again.
  delete env.PYTHONDONTWRITEBYTECODE;
  const drop = [path.join(ROOT, '.tools'), process.env.VIRTUAL_ENV].filter(Boolean);
  env.PATH = (env.PATH ?? '').split(':').filter((p) => !drop.some((d) => p === d || p.startsWith(`${d}/`))).join(':');
  // Generated workflows call `gh` (PR comments, releases, drift issues). Last on PATH: a fake GitHub
  // that keeps its state in a file, unless the caller put another `gh` first.
  env.PATH = `${env.PATH}:${path.join(ROOT, 'verify/checks/ml-fake-gh')}`;
  return env;
}

export async function runWorkflow(opts) {
  const started = Date.now();
  const act = opts.act ?? process.env.ACT_BIN ?? DEFAULT_ACT;
  if (!fs.existsSync(act)) throw new UsageError(`act not found at ${act}. Run scripts/setup-tools.sh first.`);
  const project = path.resolve(opts.project);
  if (!fs.existsSync(project)) throw new UsageError(`project dir ${project} does not exist.`);
  let sha;
  try {
    // The project itself must be the repository, not a folder inside another one.
    if (fs.realpathSync(git(project, 'rev-parse', '--show-toplevel')) !== fs.realpathSync(project)) throw new Error();
    sha = git(project, 'rev-parse', 'HEAD');
  } catch {
    throw new UsageError(`${project} is not a git repository with a commit. Run: git init -b main && git add -A && git commit -m init`);
  }
  const workflowAbs = path.resolve(project, opts.workflow);
  const workflowRel = path.relative(project, workflowAbs);
  if (workflowRel.startsWith('..') || !fs.existsSync(workflowAbs)) {
    throw new UsageError(`workflow ${opts.workflow} is not a file inside ${project}.`);
  }
  const log = opts.log ?? ((line) => process.stderr.write(`${line}\n`));
  if (git(project, 'status', '--porcelain')) {
    log(`[run-workflow] warning: ${project} has uncommitted changes; the run sees only commit ${sha.slice(0, 12)}.`);
  }
  const branch = opts.branch ?? (git(project, 'rev-parse', '--abbrev-ref', 'HEAD').replace(/^HEAD$/, 'main'));
  const repo = opts.repo ?? `local/${path.basename(project)}`;

  const work = opts.workDir ? path.resolve(opts.workDir) : fs.mkdtempSync(path.join(os.tmpdir(), 'act-run-'));
  fs.mkdirSync(work, { recursive: true });
  try {
    return await runIn(work, { ...opts, project, sha, workflowRel, branch, repo, act, log, started });
  } catch (err) {
    if (!opts.workDir && err instanceof UsageError) fs.rmSync(work, { recursive: true, force: true });
    throw err;
  }
}

async function runIn(work, opts) {
  const { project, sha, workflowRel, branch, repo, act, log, started } = opts;
  const clone = path.join(work, 'repo');
  // A reused --work-dir starts clean; only --cache-dir is meant to persist.
  for (const d of ['repo', 'act', 'artifacts', 'act.jsonl', 'report.json', 'host-workflow']) {
    fs.rmSync(path.join(work, d), { recursive: true, force: true });
  }
  execFileSync('git', ['clone', '--quiet', '--no-hardlinks', project, clone], { stdio: 'inherit' });
  // act reads github.repository from the origin URL.
  git(clone, 'remote', 'set-url', 'origin', `https://github.com/${repo}.git`);
  git(clone, 'checkout', '--quiet', '-B', branch, sha);
  if (!fs.existsSync(path.join(clone, workflowRel))) {
    throw new UsageError(`${workflowRel} is not committed in ${project}; commit it first (the run sees only commit ${sha.slice(0, 12)}).`);
  }

  // Jobs that need a container engine are left out of what act reads (the checkout still has the
  // workflow as committed) and reported as not run.
  const workflowText = fs.readFileSync(path.join(clone, workflowRel), 'utf8');
  const notRun = containerJobs(parseYaml(workflowText), { imageStandIns: opts.imageStandIns });
  let actWorkflow = workflowRel;
  if (notRun.size) {
    const doc = parseDocument(workflowText);
    for (const id of notRun.keys()) doc.deleteIn(['jobs', id]);
    actWorkflow = path.join(work, 'host-workflow', path.basename(workflowRel));
    fs.mkdirSync(path.dirname(actWorkflow), { recursive: true });
    fs.writeFileSync(actWorkflow, String(doc));
  }
  const mappings = mapStandIns(collectUses(clone, path.resolve(clone, actWorkflow)), opts.standinsDir ?? STANDINS_DIR);
  const payload = opts.payload ?? defaultPayload(opts.event, { branch, repo, sha });
  const payloadFile = path.join(work, 'event.json');
  fs.writeFileSync(payloadFile, JSON.stringify(payload, null, 2));
  const artifactsDir = path.join(work, 'artifacts');
  const cacheDir = opts.cacheDir ? path.resolve(opts.cacheDir) : path.join(work, 'cache');
  fs.mkdirSync(artifactsDir, { recursive: true });
  const uv = opts.uv ?? DEFAULT_UV;
  // act runs its own CommonJS scripts from here (hashFiles() among them). Under a package.json with
  // "type": "module", such as this repository's, Node would load them as ES modules, they would fail,
  // and hashFiles() would silently return ''. The nearest package.json is this one.
  fs.mkdirSync(path.join(work, 'act'), { recursive: true });
  fs.writeFileSync(path.join(work, 'act', 'package.json'), '{ "type": "commonjs" }\n');

  const args = [
    opts.event,
    '-W', actWorkflow,
    ...HOST_LABELS.flatMap((l) => ['-P', `${l}=-self-hosted`]),
    '--pull=false',
    '--action-offline-mode',
    // Use the checkout stand-in (a clone of the commit) instead of act's copy of the work tree.
    '--no-skip-checkout',
    // The stand-ins keep caches and artifacts in plain directories, so act's
    // cache and artifact servers (which need the real node actions) stay off.
    '--no-cache-server',
    '--action-cache-path', path.join(work, 'act'),
    '--container-daemon-socket', '-',
    '--defaultbranch', branch,
    '--json', '--verbose',
    '-e', payloadFile,
    // Never pick up .env/.secrets/.vars/.input from the project.
    '--env-file', writeYamlMap(path.join(work, 'env.yml'), {}),
    '--secret-file', writeYamlMap(path.join(work, 'secrets.yml'), opts.secrets ?? {}),
    '--var-file', writeYamlMap(path.join(work, 'vars.yml'), opts.vars ?? {}),
    '--input-file', writeYamlMap(path.join(work, 'inputs.yml'), opts.inputs ?? {}),
    '--env', `ACT_STANDIN_SOURCE=${clone}`,
    // act sets no GITHUB_WORKFLOW_REF; actions/attest's stand-in names the signing workflow with it.
    '--env', `ACT_STANDIN_WORKFLOW_REF=${repo}/${workflowRel}@${payload.ref ?? `refs/heads/${branch}`}`,
    '--env', `ACT_STANDIN_ARTIFACTS_DIR=${artifactsDir}`,
    '--env', `ACT_STANDIN_CACHE_DIR=${cacheDir}`,
    ...(fs.existsSync(uv) ? ['--env', `ACT_STANDIN_UV=${fs.realpathSync(uv)}`] : []),
    ...[...mappings].flatMap(([ref, dir]) => ['--local-repository', `${ref}=${dir}`]),
    ...(opts.job ? ['-j', opts.job] : []),
    ...(opts.actArgs ?? []),
  ];

  const logFile = path.join(work, 'act.jsonl');
  const logStream = fs.createWriteStream(logFile);
  const entries = [];
  const stderrTail = [];
  const child = spawn(act, args, { cwd: clone, env: actEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const show = opts.quiet ? () => {} : log;
  const showEntry = (e) => {
    const msg = String(e.msg ?? '');
    // Debug lines, set-output/env echoes and action-mapping notes stay in the log file only.
    if (e.level === 'debug' || msg.startsWith('⚙') || msg.startsWith('LocalRepositoryCache')) return;
    const who = e.jobID ?? e.job ?? 'act';
    show(e.raw_output ? `[${who}]   | ${msg.replace(/\n$/, '')}` : `[${who}] ${msg.trim()}`);
  };
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    logStream.write(`${line}\n`);
    let e;
    try {
      e = JSON.parse(line);
    } catch {
      show(line);
      return;
    }
    entries.push(e);
    showEntry(e);
  });
  // act logs what happens before and between jobs on stderr, also as JSON.
  readline.createInterface({ input: child.stderr }).on('line', (line) => {
    logStream.write(`${line}\n`);
    let e;
    try {
      e = JSON.parse(line);
    } catch {
      e = { level: 'error', msg: line };
    }
    entries.push(e);
    if (e.level === 'debug' || String(e.msg).includes("Couldn't get a valid docker connection")) return;
    stderrTail.push(String(e.msg));
    if (stderrTail.length > 40) stderrTail.shift();
    showEntry(e);
  });
  const code = await new Promise((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  await new Promise((resolve) => logStream.end(resolve));

  const jobs = [
    ...buildReport(entries),
    ...[...notRun].map(([id, reason]) => ({ job: id, jobID: id, matrix: {}, result: 'not run here', reason, steps: [] })),
  ];
  const jobFailed = jobs.some((j) => j.result === 'failure');
  const report = {
    workflow: workflowRel,
    event: opts.event,
    ref: payload.ref ?? (opts.event === 'pull_request' ? `refs/pull/${payload.number}/merge` : `refs/heads/${branch}`),
    sha,
    ok: code === 0 && !jobFailed,
    actExitCode: code,
    seconds: (Date.now() - started) / 1000,
    jobs,
    artifactsDir,
    artifacts: fs.readdirSync(artifactsDir).sort(),
    workDir: work,
    log: logFile,
    actArgs: args,
  };
  if (code !== 0 && !jobFailed) report.actError = stderrTail.join('\n');
  fs.writeFileSync(path.join(work, 'report.json'), JSON.stringify(report, null, 2));
  if (opts.report) fs.writeFileSync(opts.report, JSON.stringify(report, null, 2));
  if (report.ok && !opts.keep && !opts.workDir) {
    fs.rmSync(work, { recursive: true, force: true });
    report.removed = true;
  }
  return report;
}

// ---------------------------------------------------------------- CLI

function parseArgs(argv) {
  const opts = { secrets: {}, vars: {}, inputs: {}, actArgs: [] };
  const positional = [];
  const kv = (flag, value, into) => {
    const i = value?.indexOf('=') ?? -1;
    if (i <= 0) throw new UsageError(`${flag} takes NAME=VALUE, got '${value ?? ''}'.`);
    into[value.slice(0, i)] = value.slice(i + 1);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new UsageError(`${a} needs a value.`);
      return argv[++i];
    };
    switch (a) {
      case '--job': opts.job = next(); break;
      case '--secret': kv(a, next(), opts.secrets); break;
      case '--var': kv(a, next(), opts.vars); break;
      case '--input': kv(a, next(), opts.inputs); break;
      case '--repo': opts.repo = next(); break;
      case '--branch': opts.branch = next(); break;
      case '--work-dir': opts.workDir = next(); break;
      case '--cache-dir': opts.cacheDir = next(); break;
      case '--report': opts.report = next(); break;
      case '--act-arg': opts.actArgs.push(next()); break;
      case '--keep': opts.keep = true; break;
      case '--image-stand-ins': opts.imageStandIns = true; break;
      case '--quiet': opts.quiet = true; break;
      case '-h': case '--help': opts.help = true; break;
      default:
        if (a.startsWith('-')) throw new UsageError(`unknown option ${a}. See --help.`);
        positional.push(a);
    }
  }
  if (opts.help) return opts;
  if (positional.length < 3 || positional.length > 4) {
    throw new UsageError('usage: run-workflow.mjs <project-dir> <workflow.yml> <event> [payload.json] [options]; see --help.');
  }
  [opts.project, opts.workflow, opts.event] = positional;
  if (positional[3]) {
    try {
      opts.payload = JSON.parse(fs.readFileSync(positional[3], 'utf8'));
    } catch (err) {
      throw new UsageError(`cannot read event payload ${positional[3]}: ${err.message}`);
    }
  }
  if (opts.repo && !/^[^/\s]+\/[^/\s]+$/.test(opts.repo)) throw new UsageError(`--repo takes OWNER/NAME, got '${opts.repo}'.`);
  return opts;
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
    if (opts.help) {
      const head = fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 28);
      console.log(head.map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
      return 0;
    }
    const report = await runWorkflow(opts);
    console.log(formatReport(report));
    if (report.actError) console.log(`act failed before any job result:\n${report.actError}`);
    return report.ok ? 0 : 1;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`run-workflow: ${err.message}`);
      return 2;
    }
    throw err;
  }
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main();
}
