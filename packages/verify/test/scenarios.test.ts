import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { featureMatrix, features, supports, type Feature } from '@create-ml-ci-cd/core';
import { createNodes, scenarioProject } from '../src/plugin.js';
import { checksFor, discoverChecks, scenarios, targetsFor } from '../src/scenarios.js';

const registry = features as unknown as Feature[];
const fake: Feature = {
  name: 'fakefeat',
  label: 'A feature that exists only in this test',
  options: [{ key: 'fakefeatRemote', type: 'string', help: 'remote', valueName: '<url>', validate: (v) => v }],
};

afterEach(() => {
  const i = registry.indexOf(fake);
  if (i >= 0) registry.splice(i, 1);
});

const root = join(import.meta.dirname, '../../..');
const context = { workspaceRoot: root, nxJsonConfiguration: {} };
async function inferredProjects() {
  const [[file, result]] = await createNodes(['packages/verify/src/scenarios.ts'], undefined, context);
  expect(file).toBe('packages/verify/src/scenarios.ts');
  return result.projects!;
}

describe('scenarios', () => {
  it('has one full scenario per set of the feature matrix, plus the hand-written ones', () => {
    const list = scenarios();
    const combos = featureMatrix();
    const comboScenarios = list.filter((s) => s.project.startsWith('scenario-') && !s.lintOnly && s.ci === 'github' && !['scenario-odd-text', 'scenario-package-manager-pip'].includes(s.project) && !s.project.startsWith('scenario-python-'));
    expect(comboScenarios.map((s) => s.features)).toEqual(combos);
    expect(list.map((s) => s.project)).toContain('scenario-odd-text');
    expect(list.find((s) => s.project === 'scenario-package-manager-pip')?.args).toEqual(expect.arrayContaining(['--package-manager', 'pip']));
    expect(list.some((s) => s.project.startsWith('scenario-python-') && s.args.includes('--python'))).toBe(true);
    expect(new Set(list.map((s) => s.project)).size).toBe(list.length);
    // Every other CI provider once with no features and once with every feature, both quick.
    const gitlab = list.filter((s) => s.ci === 'gitlab');
    expect(gitlab.map((s) => [s.project, s.features.length, s.quick])).toEqual([
      ['scenario-gitlab', 0, true],
      ['scenario-gitlab-all', features.filter((f) => supports(f, 'gitlab')).length, true],
    ]);
    for (const s of gitlab) expect(s.args).toEqual(expect.arrayContaining(['--ci', 'gitlab']));
    // Jenkins cannot run here: its pair is full (setup, train, pytest) but has no run-workflow and is not quick.
    const jenkins = list.filter((s) => s.ci === 'jenkins');
    expect(jenkins.map((s) => [s.project, s.features, s.quick])).toEqual([
      ['scenario-jenkins', [], false],
      ['scenario-jenkins-all', features.filter((f) => supports(f, 'jenkins')).map((f) => f.name), false],
    ]);
    for (const s of jenkins) {
      expect(s.lintOnly).toBe(false);
      expect(targetsFor(s, []).map((t) => t.name)).toEqual(['generate', 'lint-workflows', 'setup', 'train', 'pytest', 'verify']);
    }
    expect(targetsFor(gitlab[0], []).map((t) => t.name)).toContain('run-workflow');
  });

  it('grows with the registry: a fake extra feature adds its combinations and its remote scenarios', async () => {
    const before = scenarios();
    const projectsBefore = Object.keys(await inferredProjects());
    registry.push(fake);
    const after = scenarios();
    const added = after.filter((s) => !before.some((b) => b.project === s.project));

    // Every new full scenario uses the fake feature; each old combination now also exists with it.
    const withFake = featureMatrix().filter((c) => c.includes('fakefeat'));
    expect(withFake.length).toBeGreaterThan(0);
    for (const combo of withFake) expect(after.some((s) => JSON.stringify(s.features) === JSON.stringify(combo))).toBe(true);
    expect(added.filter((s) => !s.lintOnly).every((s) => s.features.includes('fakefeat'))).toBe(true);
    // Its remote option gets one lint-only scenario per URL kind.
    expect(added.filter((s) => s.lintOnly).map((s) => s.project).sort()).toEqual(
      ['scenario-fakefeat-remote-azure', 'scenario-fakefeat-remote-gs', 'scenario-fakefeat-remote-s3'],
    );
    // The hand-written "every feature" scenarios now include it too.
    expect(after.find((s) => s.project === 'scenario-odd-text')!.args).toContain('--fakefeat');

    // And the Nx plugin infers a project for each, with no list edited anywhere.
    const projectsAfter = Object.keys(await inferredProjects());
    expect(projectsBefore.sort()).toEqual(before.map((s) => `.verify/${s.project}`).sort());
    expect(projectsAfter.sort()).toEqual(after.map((s) => `.verify/${s.project}`).sort());
    expect(projectsAfter).toContain('.verify/scenario-fakefeat');
  });

  it('runs every check of verify/checks in the quick subset (npm test), at least once', () => {
    const checks = discoverChecks(join(root, 'verify/checks'));
    expect(checks.length).toBeGreaterThan(0);
    const all = scenarios();
    const quick = all.filter((s) => s.quick);
    const covered = new Set(quick.flatMap((s) => checksFor(s, checks)));
    expect(checks.filter((c) => !covered.has(c))).toEqual([]);
  });

  it('gives lint-only scenarios generate and lint-workflows only', () => {
    const lintOnly = scenarios().find((s) => s.lintOnly);
    expect(lintOnly, 'a lint-only scenario (a feature option whose key says remote)').toBeDefined();
    expect(targetsFor(lintOnly!, ['ml-anything']).map((t) => t.name)).toEqual(['generate', 'lint-workflows', 'verify']);
  });
});

describe('feature checks', () => {
  it('are found by name: <feature>*.sh for scenarios with the feature, any other for all; helpers are not checks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'checks-'));
    for (const f of ['dvc.sh', 'dvc-push.sh', 'ml-gate.sh', '_helper.sh', 'README.md']) writeFileSync(join(dir, f), '#!/usr/bin/env bash\n');
    writeFileSync(join(dir, 'ml-lib.sh'), '# sourced by the ml checks: no #! line\n');
    mkdirSync(join(dir, 'fixtures'));
    const checks = discoverChecks(dir);
    expect(checks).toEqual(['dvc', 'dvc-push', 'ml-gate']);
    const base = scenarios().find((s) => s.features.length === 0)!;
    const withDvc = scenarios().filter((s) => s.features.includes('dvc') && !s.lintOnly && s.ci === 'github');
    expect(checksFor(base, checks)).toEqual(['ml-gate']);
    // Feature checks wherever the feature is; the others in the quick scenarios only.
    for (const s of withDvc) expect(checksFor(s, checks)).toEqual(s.quick ? ['dvc', 'dvc-push', 'ml-gate'] : ['dvc', 'dvc-push']);
    // The checks drive GitHub workflows: GitLab scenarios run none (their run-workflow runs the pipelines).
    for (const s of scenarios().filter((x) => x.ci !== 'github')) expect(checksFor(s, checks)).toEqual([]);
  });
});

describe('inferred targets', () => {
  it('chain by dependsOn and end in verify, which depends on everything', () => {
    const s = scenarios().find((x) => !x.lintOnly)!;
    const project = scenarioProject(s, ['ml-gate'], root);
    const t = project.targets;
    expect(t.generate.dependsOn).toEqual([{ projects: ['create-ml-ci-cd'], target: 'build' }]);
    expect(t.setup.dependsOn).toEqual(['generate']);
    expect(t.train.dependsOn).toEqual(['setup']);
    expect(t.pytest.dependsOn).toEqual(['train']);
    expect(t['check-ml-gate'].dependsOn).toEqual(['setup']);
    expect(t['run-workflow'].dependsOn).toEqual(['setup']);
    expect(new Set(t.verify.dependsOn)).toEqual(new Set(Object.keys(t).filter((n) => n !== 'verify')));
  });

  it("hash only the scenario's own template layers, and never declare the venv as an output", () => {
    const dvcOnly = scenarios().find((s) => JSON.stringify(s.features) === '["dvc"]');
    const base = scenarios().find((s) => s.features.length === 0)!;
    const baseInputs = JSON.stringify(scenarioProject(base, [], root).targets.generate.inputs);
    expect(baseInputs).toContain('{workspaceRoot}/templates/base/**/*');
    expect(baseInputs).not.toMatch(/templates\/(?!base|_partials)/);
    if (dvcOnly) expect(JSON.stringify(scenarioProject(dvcOnly, [], root).targets.generate.inputs)).toContain('{workspaceRoot}/templates/dvc/**/*');
    for (const target of Object.values(scenarioProject(base, [], root).targets)) {
      expect(target.cache).toBe(true);
      expect(target.outputs!.some((o) => o.includes('venv'))).toBe(false);
    }
  });
});
