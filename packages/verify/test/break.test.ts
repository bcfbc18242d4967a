import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { features, outputPath, rendersFor } from '@create-ml-ci-cd/core';
import { scenarios, type Scenario } from '../src/scenarios.js';
import { runTarget, type TargetResult } from '../src/tasks/index.js';
import { workspaceRoot } from '../src/tasks/context.js';

// "A deliberate break in one feature's template fails exactly the scenarios that use it": copy the
// templates, break one feature's file, generate (and lint) every scenario from the copy through
// the built CLI (it honours CREATE_ML_CI_CD_TEMPLATES), and compare the failures with the matrix.

const cli = join(workspaceRoot, 'packages/create-ml-ci-cd/index.js');

/** Append something that still renders but no longer parses, chosen by the output file's type. */
const breaks: [RegExp, string][] = [
  [/\.py$/, '\ndef deliberately_broken(:\n'],
  [/\.ya?ml$/, '\ndeliberately: [broken\n'],
  [/\.json$/, '\n}deliberately broken\n'],
  [/\.toml$/, '\n[[deliberately broken\n'],
];

function breakFeature(templates: string, feature: string): string | undefined {
  const dir = join(templates, feature);
  if (!existsSync(dir)) return undefined;
  const files = (readdirSync(dir, { recursive: true, withFileTypes: true }))
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name).slice(dir.length + 1))
    .sort();
  for (const [pattern, text] of breaks) {
    const file = files.find((f) => pattern.test(outputPath(f)));
    if (file) {
      appendFileSync(join(dir, file), text);
      return outputPath(file);
    }
  }
  const ejs = files.find((f) => f.endsWith('.ejs'));
  if (!ejs) return undefined;
  appendFileSync(join(dir, ejs), '\n<% if (true) { %>\n'); // an unclosed block: EJS refuses to compile it
  return outputPath(ejs);
}

/** Copy templates/, let `mutate` break it, and run `targets` for every scenario from the copy. */
async function runBroken(mutate: (templates: string) => string | undefined, targets: string[]) {
  const templates = join(mkdtempSync(join(tmpdir(), 'verify-break-')), 'templates');
  cpSync(join(workspaceRoot, 'templates'), templates, { recursive: true });
  const broken = mutate(templates);
  vi.stubEnv('CREATE_ML_CI_CD_TEMPLATES', templates);
  vi.stubEnv('CREATE_ML_CI_CD_VERIFY_DIR', mkdtempSync(join(tmpdir(), 'verify-break-out-')));
  const results = new Map<string, TargetResult[]>();
  const queue = [...scenarios()];
  const worker = async () => {
    for (let s = queue.shift(); s; s = queue.shift()) {
      const done: TargetResult[] = [];
      for (const target of targets) {
        const r = await runTarget(target, s, { quiet: true });
        done.push(r);
        if (!r.ok) break;
      }
      results.set(s.project, done);
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  return { broken, results };
}

const failed = (rs: TargetResult[]) => rs.some((r) => !r.ok);
const uses = (name: string) => (s: Scenario) => s.features.includes(name);
const message = (rs: TargetResult[]) => JSON.stringify(rs.map((r) => [r.error, r.steps.filter((s) => !s.ok).map((s) => s.message)]));

afterEach(() => {
  vi.unstubAllEnvs();
});

const hasFiles = (dir: string) => existsSync(dir) && readdirSync(dir, { recursive: true, withFileTypes: true }).some((d) => d.isFile());

describe('a deliberate break in one feature template', () => {
  // The unbroken copy must generate everywhere, or a failure below would prove nothing.
  beforeAll(async () => {
    expect(existsSync(cli), `${cli} is missing: build the CLI first (Nx's test target does)`).toBe(true);
    const { results } = await runBroken(() => undefined, ['generate']);
    vi.unstubAllEnvs();
    const failing = [...results].filter(([, rs]) => failed(rs)).map(([p, rs]) => `${p}: ${message(rs)}`);
    expect(failing, 'templates/ as it is does not generate every scenario; fix that first').toEqual([]);
  }, 600_000);

  it.each(features.map((f) => f.name).filter((f) => hasFiles(join(workspaceRoot, 'templates', f))))(
    'in templates/%s/ fails generate for exactly the scenarios with that feature',
    async (feature) => {
      const { broken, results } = await runBroken((t) => breakFeature(t, feature), ['generate']);
      expect(broken, `nothing to break in templates/${feature}/`).toBeDefined();
      // A CI provider's file (`.github/...`) is rendered, so broken, only for that provider's scenarios.
      const expected = scenarios().filter(uses(feature)).filter((s) => rendersFor(s.ci, broken!)).map((s) => s.project).sort();
      const actual = [...results].filter(([, rs]) => failed(rs)).map(([p]) => p).sort();
      expect(actual).toEqual(expected);
      for (const p of expected) expect(message(results.get(p)!)).toContain(broken!.split('/').at(-1));
    },
  );

  // A break that still parses as YAML but is not a valid workflow: only the workflow lint sees it.
  const withWorkflow = features
    .map((f) => f.name)
    .find((f) => hasFiles(join(workspaceRoot, 'templates', f, '.github/workflows')));
  it(`in a workflow of templates/${withWorkflow}/ fails lint-workflows for exactly the scenarios with it`, async () => {
    expect(withWorkflow, 'no feature folder holds a workflow to break').toBeDefined();
    const { broken, results } = await runBroken((t) => {
      const dir = join(t, withWorkflow!, '.github/workflows');
      const file = readdirSync(dir).sort()[0];
      appendFileSync(join(dir, file), '\ndeliberately-unknown-key: true\n');
      return `.github/workflows/${outputPath(file)}`;
    }, ['generate', 'lint-workflows']);
    const parser = (rs: TargetResult[]) => rs.find((r) => r.target === 'lint-workflows')?.steps.find((s) => s.name === '@actions/workflow-parser');
    const expected = scenarios().filter(uses(withWorkflow!)).filter((s) => rendersFor(s.ci, broken!)).map((s) => s.project).sort();
    // Generation is unaffected everywhere; the workflow parser fails exactly where the feature is.
    for (const [p, rs] of results) expect(rs[0].ok, `${p}:generate ${message(rs)}`).toBe(true);
    const actual = [...results].filter(([, rs]) => parser(rs)?.ok === false).map(([p]) => p).sort();
    expect(actual).toEqual(expected);
    for (const p of expected) expect(parser(results.get(p)!)!.message).toContain(broken);
  });
});
