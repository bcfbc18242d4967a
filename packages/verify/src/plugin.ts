import { existsSync, readdirSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import type { CreateNodesContextV2, CreateNodesResultV2, PostTasksExecutionContext, TargetConfiguration } from 'nx/src/devkit-exports.js';
import { discoverChecks, scenarios, targetsFor, type Scenario, type TargetSpec } from './scenarios.js';
import { writeSummary } from './summary.js';
import { pythonProbeCommand } from './tasks/python.js';
import { ciProvider } from '@create-ml-ci-cd/core';
import { harness } from './ci/index.js';

/** The file the plugin is keyed on: the scenario definition. The projects come from the registry. */
export const SCENARIOS_FILE = 'packages/verify/src/scenarios.ts';

type Input = string | { env: string } | { runtime: string } | { externalDependencies: string[] };
const ws = (path: string) => `{workspaceRoot}/${path}`;

/**
 * What a scenario's generated project depends on: the templates of its layers only (so a change
 * under templates/dvc/ re-verifies only dvc scenarios), the generator, the core (registry and
 * versions.json), the CLI, the scenario definition and the task code that runs it.
 */
function generatorInputs(s: Scenario): Input[] {
  return [
    ws('templates/base/**/*'),
    ws('templates/_partials/**/*'),
    ...s.features.map((f) => ws(`templates/${f}/**/*`)),
    ...[ciProvider(s.ci).layer].filter((l) => l !== undefined).map((l) => ws(`templates/${l}/**/*`)),
    ws('generators/**/*'),
    ws('packages/core/src/**/*'),
    ws('packages/create-ml-ci-cd/src/**/*'),
    ws('packages/create-ml-ci-cd/build.mjs'),
    ws('packages/create-ml-ci-cd/package.json'),
    ws(SCENARIOS_FILE),
    ws('packages/verify/src/tasks/**/*'),
    ws('packages/verify/src/ci/**/*'),
    { env: 'CREATE_ML_CI_CD_TEMPLATES' },
    { runtime: 'node --version' },
  ];
}

/** The interpreter the venv gets (see tasks/python.ts hostPython). */
const pythonRuntime = (s: Scenario): Input => ({ runtime: pythonProbeCommand(s.python) });
const tools = ws('scripts/tools-requirements.txt');

/**
 * What a check may use: everything under verify/ except the other checks, listed as positive
 * patterns (nx affected ignores negative ones), so editing one check touches only its scenarios.
 */
function checkSupport(root: string, check: string, checks: string[]): string[] {
  const entries = (dir: string) => (existsSync(join(root, dir)) ? readdirSync(join(root, dir), { withFileTypes: true }) : []);
  const pattern = (dir: string, e: Dirent) => ws(`${dir}/${e.name}${e.isDirectory() ? '/**/*' : ''}`);
  const others = new Set(checks.filter((c) => c !== check).map((c) => `${c}.sh`));
  return [
    ...entries('verify').filter((e) => e.name !== 'checks').map((e) => pattern('verify', e)),
    ...entries('verify/checks').filter((e) => !others.has(e.name)).map((e) => pattern('verify/checks', e)),
  ].sort();
}

function inputsFor(s: Scenario, t: TargetSpec, all: TargetSpec[], checks: string[], root: string): Input[] {
  const base = generatorInputs(s);
  switch (t.kind) {
    case 'generate':
      return base;
    case 'setup':
    case 'train':
    case 'pytest':
      return [...base, tools, pythonRuntime(s)];
    case 'check':
      return [...base, tools, pythonRuntime(s), ...checkSupport(root, t.check!, checks)];
    case 'lint-workflows':
      return [...base, tools, { runtime: 'shellcheck --version' }, ...(harness(s.ci).lintInputs ?? []).map(ws)];
    case 'run-workflow':
      return [...base, tools, pythonRuntime(s), ...(harness(s.ci).runInputs ?? []).map(ws)];
    case 'verify': {
      const seen = new Map<string, Input>();
      for (const dep of all.filter((d) => d !== t)) for (const i of inputsFor(s, dep, all, checks, root)) seen.set(JSON.stringify(i), i);
      return [...seen.values()];
    }
  }
}

/**
 * Outputs are small on purpose: the result and log of each target, plus the two trees later
 * targets start from (the generated project, the trained project). The venv is not an output;
 * tasks/python.ts rebuilds it from uv's cache when a cache hit left none on this machine.
 */
function outputsFor(t: TargetSpec): string[] {
  const out = [`{projectRoot}/results/${t.name}.json`, `{projectRoot}/logs/${t.name}.log`];
  if (t.kind === 'generate') out.push('{projectRoot}/project');
  if (t.kind === 'train') out.push('{projectRoot}/train');
  if (t.kind === 'run-workflow') out.push('{projectRoot}/results/run-workflow');
  return out;
}

const DESCRIPTIONS: Record<TargetSpec['kind'], string> = {
  generate: 'Run the built create-ml-ci-cd CLI, check every file parses, git commit',
  setup: 'uv venv + uv pip sync --require-hashes requirements-dev.lock (shared uv cache)',
  train: 'python src/train.py in a copy of the project (quality gate included)',
  pytest: "The project's tests (pytest) and its ruff lint/format check",
  'lint-workflows': '@actions/workflow-parser, actionlint with shellcheck, zizmor --offline, hadolint (GitLab: its schema; Jenkins: npm-groovy-lint and the Declarative structure check)',
  'run-workflow': 'Run the generated pipelines locally: act in host mode (GitHub: push, pull_request) or gitlab-ci-local (GitLab: push, merge request)',
  check: 'A verify/checks script',
  verify: 'Every target of this scenario passed',
};

export function scenarioProject(s: Scenario, checks: string[], root: string) {
  const targets = targetsFor(s, checks);
  const config: Record<string, TargetConfiguration> = {};
  for (const t of targets) {
    config[t.name] = {
      executor: 'nx:run-commands',
      options: { command: `node --import tsx packages/verify/src/tasks/cli.ts ${t.name} ${s.project}` },
      cache: true,
      inputs: inputsFor(s, t, targets, checks, root),
      outputs: outputsFor(t),
      dependsOn: [...(t.kind === 'generate' ? [{ projects: ['create-ml-ci-cd'], target: 'build' }] : []), ...t.dependsOn],
      metadata: {
        description:
          t.kind !== 'check'
            ? DESCRIPTIONS[t.kind]
            : t.owner
              ? `verify/checks/${t.check}.sh <generated project> <venv python> (a ${t.owner} check)`
              : `verify/checks/${t.check}.sh <generated project> <work dir>`,
        technologies: ['python'],
      },
    };
  }
  return {
    name: s.project,
    root: `.verify/${s.project}`,
    projectType: 'application' as const,
    tags: ['verify-scenario', `ci:${s.ci}`, s.lintOnly ? 'verify:lint-only' : 'verify:full', ...(s.quick ? ['verify:quick'] : []), ...s.features.map((f) => `feature:${f}`)],
    metadata: { description: s.about, scenario: s },
    targets: config,
  };
}

export async function createNodes(_files: readonly string[], _options: unknown, context: CreateNodesContextV2): Promise<CreateNodesResultV2> {
  const checks = discoverChecks(join(context.workspaceRoot, 'verify/checks'));
  const all = scenarios();
  const projects = Object.fromEntries(all.map((s) => [`.verify/${s.project}`, scenarioProject(s, checks, context.workspaceRoot)]));
  return [[SCENARIOS_FILE, { projects }]];
}

/** After any Nx run that included scenario tasks: write .verify/summary.{md,json}. */
export async function postTasksExecution(_options: unknown, context: PostTasksExecutionContext): Promise<void> {
  const ran = Object.entries(context.taskResults).filter(([id]) => id.startsWith('scenario-'));
  if (ran.length === 0) return;
  const statuses = Object.fromEntries(ran.map(([id, r]) => [id, r.status]));
  const { markdown } = writeSummary({ statuses, wallSeconds: (context.endTime - context.startTime) / 1000 });
  // Printed for `-t verify` runs; a run of single targets (nx run scenario-x:train) only updates the files.
  if (ran.some(([id]) => id.endsWith(':verify'))) console.log(`\nVerification summary (.verify/summary.md, .verify/summary.json):\n\n${markdown}`);
}
