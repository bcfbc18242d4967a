// Generated workflows and images are secure by default, for every combination of features and every
// value of a feature option that changes them: our own structural rules first (each failure names
// the file, job and step), then actionlint, zizmor and hadolint.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Evaluator, Lexer, Parser, data } from '@actions/expressions';
import { truthy } from '@actions/expressions/result';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { featureCombinations, features, normalizeAnswers, packageManagers, renderProject, versions } from '../../packages/core/src/index.js';
import { repoRoot, tempDir } from '../support/cli.js';
import { acceptedOptionValues, tool } from './support.js';

const templatesDir = join(repoRoot, 'templates');
const pinnedActions = versions.actions as Record<string, { sha: string; version: string }>;

interface Project {
  dir: string;
  files: Map<string, Buffer>;
  workflows: [path: string, text: string, workflow: any][];
}

/**
 * Render one variant to disk (the tools read files), with user text that would show up if leaked.
 * `options` are feature options: they may change a workflow (an S3 remote needs other secrets than
 * a GCS one), so every accepted candidate value of each is its own variant.
 */
function render(combination: string[], options: Record<string, string>): Project {
  const answers = normalizeAnswers({ name: 'sec-demo', description: '${{ github.event.issue.title }} $(id)', features: combination, ...options });
  const files = renderProject(answers, templatesDir, '0.0.0-security');
  const dir = tempDir('cmlcicd-sec-');
  for (const [path, contents] of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), contents);
  }
  const workflows = [...files]
    .filter(([p]) => /^\.github\/workflows\/[^/]+\.ya?ml$/.test(p))
    .map(([p, c]): Project['workflows'][number] => [p, c.toString('utf8'), parse(c.toString('utf8'))]);
  return { dir, files, workflows };
}

/** Every feature combination with default options, then once per accepted value of each option; identical renders once. */
function variants(): Map<string, Project> {
  const out = new Map<string, Project>();
  const seen = new Set<string>();
  for (const combination of featureCombinations()) {
    // The default package manager (uv) and the other one, then each feature option's values.
    const optionSets: Record<string, string>[] = [{}, ...packageManagers.filter((pm) => pm !== normalizeAnswers({ name: 'x' }).packageManager).map((packageManager) => ({ packageManager }))];
    for (const f of features.filter((f) => combination.includes(f.name)))
      for (const o of f.options ?? []) for (const value of acceptedOptionValues.get(o.key) ?? []) optionSets.push({ [o.key]: value });
    for (const options of optionSets) {
      const project = render(combination, options);
      const key = JSON.stringify([...project.files].filter(([p]) => p.startsWith('.github/') || /(^|\/)Dockerfile$/.test(p)).map(([p, c]) => [p, c.toString('base64')]));
      if (seen.has(key)) continue;
      seen.add(key);
      const optionLabel = Object.entries(options).map(([k, v]) => ` ${k}=${v}`).join('');
      out.set(`${combination.join('+') || 'base'}${optionLabel}`, project);
    }
  }
  return out;
}

const triggers = (workflow: any): string[] => {
  const on = workflow.on ?? workflow[true as never]; // YAML 1.1 parsers read `on` as true; `yaml` does not
  return typeof on === 'string' ? [on] : Array.isArray(on) ? on : Object.keys(on ?? {});
};

/** Every `uses:` value in a workflow: steps' actions and jobs' reusable workflows. */
function uses(workflow: any): string[] {
  return Object.values<any>(workflow.jobs ?? {}).flatMap((job) => [...(job.uses ? [job.uses] : []), ...(job.steps ?? []).flatMap((s: any) => (s.uses ? [s.uses] : []))]);
}

/**
 * A fork's pull request as GitHub presents it to a `pull_request` workflow: every job whose `if:`
 * evaluates to false here cannot run for a fork (and neither can jobs that need it, unless their
 * `if:` uses a status function that runs anyway).
 */
const forkPullRequest = JSON.parse(
  JSON.stringify({
    github: {
      event_name: 'pull_request',
      ref: 'refs/pull/1/merge',
      ref_name: '1/merge',
      head_ref: 'attacker/feature',
      base_ref: 'main',
      repository: 'owner/repo',
      actor: 'attacker',
      event: { action: 'opened', number: 1, pull_request: { number: 1, head: { ref: 'feature', repo: { fork: true, full_name: 'attacker/repo' } } } },
    },
    inputs: {},
    vars: {},
    env: {},
  }),
  data.reviver,
);

/** Jobs a fork's pull request can run; `unreadable` collects `if:`s that could not be evaluated. */
function jobsReachableFromForks(workflow: any, unreadable: Map<string, string>): Set<string> {
  const jobs: Record<string, any> = workflow.jobs ?? {};
  const reachable = new Map<string, boolean>();
  const visit = (id: string): boolean => {
    if (reachable.has(id)) return reachable.get(id)!;
    const job = jobs[id];
    const needs: string[] = job.needs === undefined ? [] : [job.needs].flat();
    const needsRan = needs.map(visit).every(Boolean);
    const status = (value: boolean) => ({ name: '', minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(value) });
    const functions = new Map(
      Object.entries({ success: status(needsRan), always: status(true), failure: status(false), cancelled: status(false) }).map(([n, f]) => [n, { ...f, name: n }]),
    );
    let condition = job.if === undefined ? 'success()' : String(job.if);
    condition = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(condition)?.[1] ?? condition;
    // An `if:` without a status function implies success(): a skipped need skips the job.
    if (!/\b(always|failure|cancelled|success)\s*\(/.test(condition)) condition = `success() && (${condition})`;
    let runs = true;
    try {
      const parsed = new Parser(new Lexer(condition).lex().tokens, ['github', 'inputs', 'vars', 'env', 'needs', 'matrix', 'strategy', 'runner', 'job'], [...functions.values()]).parse();
      runs = truthy(new Evaluator(parsed, forkPullRequest, functions).evaluate());
    } catch (error) {
      unreadable.set(id, `${condition}: ${(error as Error).message}`); // cannot tell: assume it runs
    }
    reachable.set(id, runs);
    return runs;
  };
  return new Set(Object.keys(jobs).filter(visit));
}

const dockerfiles = (p: Project) => [...p.files.keys()].filter((path) => /(^|\/)Dockerfile$/.test(path));

const projects = variants();

describe.each([...projects.keys()].map((label) => [label]))('%s', (label) => {
  const project = () => projects.get(label)!;

  it('has workflows, a Dependabot config and a SECURITY.md', () => {
    expect(project().workflows.length).toBeGreaterThan(0);
    expect(project().files.has('SECURITY.md')).toBe(true);
    const dependabot = parse(project().files.get('.github/dependabot.yml')!.toString('utf8'));
    const ecosystems = dependabot.updates.map((u: any) => u['package-ecosystem']);
    expect(ecosystems).toEqual(expect.arrayContaining(['github-actions', 'pip']));
    if (dockerfiles(project()).length) expect(ecosystems).toContain('docker');
    // Every Dockerfile's base image is kept current: its directory is one the docker entry watches.
    const docker = dependabot.updates.find((u: any) => u['package-ecosystem'] === 'docker');
    const watched: string[] = docker ? (docker.directories ?? [docker.directory]) : [];
    for (const file of dockerfiles(project())) expect(watched, file).toContain(`/${file.split('/').slice(0, -1).join('/')}`);
    for (const update of dependabot.updates) {
      expect(update.schedule.interval).toBe('weekly');
      expect(update.cooldown?.['default-days']).toBeGreaterThanOrEqual(7);
    }
  });

  it('pins every action to a commit SHA from versions.json, with its version as a comment', () => {
    for (const [path, text, workflow] of project().workflows) {
      // A local reusable workflow (`./.github/workflows/x.yml`) is this repository's own code at this commit.
      for (const value of uses(workflow).filter((v) => !v.startsWith('./'))) {
        const m = /^([\w.-]+\/[\w.-]+)(\/[^@]+)?@([0-9a-f]{40})$/.exec(value);
        expect(m, `${path}: uses: ${value} is not owner/repo@<40-hex SHA>`).not.toBeNull();
        const pinned = pinnedActions[m![1]];
        expect(pinned?.sha, `${path}: ${m![1]} is not pinned in versions.json`).toBe(m![3]);
      }
      for (const line of text.split('\n').filter((l) => /^\s*(-\s+)?uses:/.test(l) && !/uses:\s*\.\//.test(l))) {
        const m = /uses:\s*([\w.-]+\/[\w.-]+)(?:\/[^@\s]+)?@[0-9a-f]{40} # (\S+)$/.exec(line);
        expect(m, `${path}: "${line.trim()}" needs a "# vX.Y.Z" comment`).not.toBeNull();
        expect(m![2], `${path}: the comment on ${m![1]}`).toBe(pinnedActions[m![1]].version);
      }
    }
  });

  it('grants the token nothing but reads at the top; writes only on the jobs that need them', () => {
    for (const [path, , workflow] of project().workflows) {
      expect(workflow.permissions, `${path}: set top-level permissions (read-only or {})`).toBeTypeOf('object');
      for (const [scope, level] of Object.entries(workflow.permissions ?? {}))
        expect(['read', 'none'], `${path}: top-level permission ${scope}: ${level}`).toContain(level);
      for (const [id, job] of Object.entries<any>(workflow.jobs))
        if (job.permissions !== undefined) expect(job.permissions, `${path}: job ${id}: list scopes, not read-all/write-all`).toBeTypeOf('object');
    }
  });

  it('has no pull_request_target or workflow_run trigger', () => {
    for (const [path, , workflow] of project().workflows) {
      expect(triggers(workflow), path).not.toContain('pull_request_target');
      expect(triggers(workflow), path).not.toContain('workflow_run');
    }
  });

  it('expands no expression inside run: or a script: (values go through env:)', () => {
    for (const [path, , workflow] of project().workflows)
      for (const [id, job] of Object.entries<any>(workflow.jobs))
        for (const step of job.steps ?? []) {
          const where = `${path}: job ${id}, step "${step.name ?? step.uses ?? step.run}"`;
          if (step.run !== undefined) expect(String(step.run), where).not.toContain('${{');
          if (step.with?.script !== undefined) expect(String(step.with.script), where).not.toContain('${{');
        }
  });

  it("uses secrets (other than the job's own token) only in jobs a fork's pull request cannot run", () => {
    for (const [path, , workflow] of project().workflows) {
      if (!triggers(workflow).includes('pull_request')) continue; // forks can trigger nothing else here
      const unreadable = new Map<string, string>();
      const reachable = jobsReachableFromForks(workflow, unreadable);
      for (const [id, job] of Object.entries<any>(workflow.jobs)) {
        const secrets = [...new Set([...JSON.stringify(job).matchAll(/secrets\s*(?:\.\s*([A-Za-z_]\w*)|\[)/g)].map((m) => m[1] ?? '[...]'))].filter((s) => s !== 'GITHUB_TOKEN');
        const why = unreadable.has(id) ? ` (its if: could not be evaluated: ${unreadable.get(id)})` : '';
        if (secrets.length) expect(reachable.has(id), `${path}: job ${id} reads ${secrets.join(', ')} but a fork's pull request can run it${why}; add an if: that excludes pull_request`).toBe(false);
      }
    }
  });

  it('Dockerfiles: base images pinned by digest, a non-root user, no secrets in build arguments', () => {
    for (const path of dockerfiles(project())) {
      const text = project().files.get(path)!.toString('utf8');
      const instructions = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
      const stages = new Set(['scratch']);
      for (const from of instructions.filter((l) => /^FROM\s/i.test(l))) {
        const [, image, stage] = /^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(from) ?? [undefined, from];
        if (!stages.has(image!)) expect(image, `${path}: pin the base image by digest`).toMatch(/@sha256:[0-9a-f]{64}$/);
        if (stage) stages.add(stage);
      }
      const users = instructions.filter((l) => /^USER\s/i.test(l));
      expect(users.length, `${path}: set a USER`).toBeGreaterThan(0);
      expect(users.at(-1)!.split(/\s+/)[1], `${path}: the final USER is root`).not.toMatch(/^(root|0)(:|$)/);
      for (const arg of instructions.filter((l) => /^(ARG|ENV)\s/i.test(l)))
        expect(arg, `${path}: no secrets in build arguments or the environment`).not.toMatch(/SECRET|TOKEN|PASSWORD|PASSWD|API_?KEY|PRIVATE_?KEY|CREDENTIAL/i);
    }
  });
});

describe('external checkers, on every combination', () => {
  // setup-tools.sh installs them; a missing one fails here with that instruction, never skips.
  const projectDirs = () => [...projects.values()].map((p) => p.dir);

  it('actionlint (with shellcheck) reports nothing', async () => {
    const shellcheck = await execa('sh', ['-c', 'command -v shellcheck'], { reject: false });
    expect(shellcheck.exitCode, 'shellcheck is missing: run `bash scripts/setup-tools.sh`').toBe(0);
    const files = [...projects.values()].flatMap((p) => p.workflows.map(([path]) => join(p.dir, path)));
    const result = await execa(tool('actionlint'), ['-no-color', '-shellcheck', shellcheck.stdout.trim(), ...files], { reject: false });
    expect(`${result.stdout}${result.stderr}`).toBe('');
    expect(result.exitCode).toBe(0);
  });

  // --persona=auditor is the superset of zizmor's personas (regular < pedantic < auditor): every
  // audit, every finding, including code smells and low-confidence ones. The workflows are fixed
  // text we write, so a false positive costs one reviewed change, and nothing can be hidden:
  // --no-config disables config files. Inline `# zizmor: ignore[audit]` comments are honoured only
  // for the audits in `allowedIgnores`, each justified on the line above it: a reviewed exception,
  // not a way to hide findings. --collect=all also audits dependabot.yml; --strict-collection fails
  // on schema errors.
  const allowedIgnores = new Set([
    // `uses: ./.github/workflows/deploy.yml`: the suggested `$/` form is not understood by
    // actionlint or act yet.
    'self-repository',
  ]);
  it('zizmor (offline, every audit, auditor persona) reports nothing', async () => {
    for (const [name, project] of projects) {
      for (const [path, text] of project.workflows) {
        const lines = text.split('\n');
        lines.forEach((line, i) => {
          for (const [, audit] of line.matchAll(/zizmor: ignore\[([\w-]+)\]/g)) {
            expect(allowedIgnores.has(audit), `${name} ${path}: ignore[${audit}] is not an allowed exception`).toBe(true);
            expect(lines[i - 1] ?? '', `${name} ${path}: ignore[${audit}] needs a justification comment above it`).toMatch(/^\s*#/);
          }
        });
      }
    }
    for (const dir of projectDirs()) {
      const result = await execa(
        tool('zizmor'),
        ['--offline', '--persona=auditor', '--no-config', '--collect=all', '--strict-collection', '--format=json', dir],
        { reject: false },
      );
      expect(JSON.parse(result.stdout || 'null'), `${dir}\n${result.stderr}`).toEqual([]);
      expect(result.exitCode, result.stderr).toBe(0);
    }
  });

  it('hadolint reports nothing on every Dockerfile', async () => {
    const hadolint = tool('hadolint');
    for (const file of [...projects.values()].flatMap((p) => dockerfiles(p).map((path) => join(p.dir, path)))) {
      const result = await execa(hadolint, ['--no-color', '--failure-threshold=style', file], { reject: false });
      expect(`${result.stdout}${result.stderr}`, file).toBe('');
      expect(result.exitCode).toBe(0);
    }
  });
});
