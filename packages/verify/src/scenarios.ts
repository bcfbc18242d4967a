import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseOptions, ciNames, defaultCi, featureMatrix, features, kebab, supports, versions } from '@create-ml-ci-cd/core';
import { harness } from './ci/index.js';

/**
 * The verification matrix: what gets generated and run. Every combination of the registry's
 * features, plus a few hand-written scenarios for inputs the combinations never exercise. Nothing
 * here names a feature: adding one to the registry adds its scenarios.
 */
export interface Scenario {
  /** Nx project name; also the scenario's directory under `.verify/`. */
  project: string;
  /** One line for `nx show project` and the summary. */
  about: string;
  features: string[];
  /** The CI provider (`--ci`): which pipeline files lint-workflows and run-workflow check (ci/index.ts). */
  ci: string;
  /** Flags for `create-ml-ci-cd <dir> --yes --no-git ...` (the rest of the answers are defaults). */
  args: string[];
  /** The project's Python setting (what its files say; the venv uses what the host has, see setup). */
  python: string;
  /** Generate and lint only: for variants that change text in files, not what runs. */
  lintOnly: boolean;
  /**
   * In the quick subset (`--projects=tag:verify:quick`): no features, every feature, and the
   * lint-only scenarios. Every feature and every template line still runs; the combinations in
   * between and the hand-written full scenarios are left out.
   */
  quick: boolean;
}

/** Quotes, a colon, `#`, a GitHub expression, shell metacharacters and non-ASCII: valid, and hostile to naive templating. */
export const ODD_DESCRIPTION = `Says "hi" & 'bye': #1 model, \${{ github.token }} $HOME \`id\` \\ <b>; naïve café ✓`;
/** Valid (lowercase, digits, single `-`/`_` separators) but unlike the usual `my-model`. */
export const ODD_NAME = 'x9_ml-pipe-v2';
/** One URL per remote kind a feature option might accept, keyed by scheme. */
export const REMOTE_URLS = ['s3://example-bucket/dvc-store', 'gs://example-bucket/dvc-store', 'azure://example-container/dvc-store'];

export function comboId(combo: string[]): string {
  return combo.length ? combo.join('-') : 'base';
}

export function scenarios(): Scenario[] {
  const all = features.map((f) => f.name);
  const featureFlags = (names: string[]) => names.map((n) => `--${n}`);
  const full = (s: Omit<Scenario, 'lintOnly' | 'quick' | 'ci'> & { ci?: string }, quick = true): Scenario => ({ ci: defaultCi, ...s, lintOnly: false, quick });

  const list: Scenario[] = featureMatrix().map((combo) =>
    full(
      {
        project: `scenario-${comboId(combo)}`,
        about: combo.length ? `features: ${combo.join(', ')}` : 'no optional features',
        features: combo,
        args: ['--name', `demo-${comboId(combo)}`, ...featureFlags(combo)],
        python: versions.python.default,
      },
      combo.length === 0 || combo.length === all.length,
    ),
  );

  list.push(
    full(
      {
        project: 'scenario-odd-text',
        about: 'every feature; unusual but valid name and a description full of quotes, `#`, `:` and `${{ }}`',
        features: all,
        args: ['--name', ODD_NAME, '--description', ODD_DESCRIPTION, ...featureFlags(all)],
        python: versions.python.default,
      },
      false,
    ),
  );

  // Each choice of the options model that declares values to verify (the lowest Python, pip, ...):
  // one scenario per value, with every feature; every other scenario uses the default.
  for (const o of baseOptions) {
    if (o.type !== 'choice') continue;
    for (const value of o.verify) {
      const id = `${kebab(o.key)}-${value}`;
      list.push(
        full(
          {
            project: `scenario-${id}`,
            about: `every feature; --${kebab(o.key)} ${value}`,
            features: all,
            args: ['--name', `demo-${id.replace(/[^a-z0-9-]/g, '')}`, `--${kebab(o.key)}`, value, ...featureFlags(all)],
            python: o.key === 'python' ? value : versions.python.default,
          },
          false,
        ),
      );
    }
  }

  // A remote-URL option (dvc's --dvc-remote) changes config text only: one lint-only scenario per URL kind.
  for (const f of features) {
    for (const option of (f.options ?? []).filter((o) => /remote/i.test(o.key))) {
      for (const url of REMOTE_URLS) {
        const scheme = url.split(':')[0];
        list.push({
          project: `scenario-${f.name}-${kebab(option.key).replace(`${f.name}-`, '')}-${scheme}`,
          about: `${f.name} with --${kebab(option.key)} ${url} (lint only)`,
          features: [f.name],
          args: ['--name', `demo-${scheme}`, `--${f.name}`, `--${kebab(option.key)}`, url],
          python: versions.python.default,
          ci: defaultCi,
          lintOnly: true,
          quick: true,
        });
      }
    }
  }

  // Every other CI provider with no features and with every feature: the provider's own layer and
  // each feature's jobs in it. Quick when its pipelines run here; a provider that is only linted
  // (Jenkins) would add to the quick subset nothing but another install, train and pytest of
  // projects the quick GitHub scenarios already run (its Jenkinsfile checks are in the package tests).
  for (const ci of ciNames.filter((c) => c !== defaultCi)) {
    for (const combo of [[], features.filter((f) => supports(f, ci)).map((f) => f.name)]) {
      list.push(
        full(
          {
            project: `scenario-${ci}${combo.length ? '-all' : ''}`,
            about: `--ci ${ci}; ${combo.length ? 'every feature' : 'no optional features'}${harness(ci).run ? '' : ` (its pipeline linted, not run: no ${ci} here)`}`,
            features: combo,
            ci,
            args: ['--name', `demo-${ci}`, '--ci', ci, ...featureFlags(combo)],
            python: versions.python.default,
          },
          harness(ci).run !== undefined,
        ),
      );
    }
  }

  const seen = new Set<string>();
  for (const s of list) {
    if (seen.has(s.project)) throw new Error(`Two verification scenarios are both named ${s.project}; rename one in packages/verify/src/scenarios.ts.`);
    seen.add(s.project);
  }
  return list;
}

export function scenario(project: string): Scenario {
  const found = scenarios().find((s) => s.project === project);
  if (!found) throw new Error(`No verification scenario named "${project}". Run \`npx nx show projects --projects 'scenario-*'\` for the list.`);
  return found;
}

/**
 * Checks are the scripts `verify/checks/<name>.sh`. One whose name is a feature's, or starts with
 * `<feature>-`, is that feature's: it runs in the scenarios with the feature, as
 * `<name>.sh <generated-project> <venv-python>`. Any other (e.g. `ml-drift.sh`) runs in the quick
 * scenarios (see checksFor) as `<name>.sh <generated-project> <work-dir>`. Files starting with `_`, and files
 * without a `#!` line (sourced libraries), are not checks.
 */
export function discoverChecks(checksDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(checksDir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.sh') && !n.startsWith('_') && isScript(join(checksDir, n)))
    .map((n) => n.slice(0, -'.sh'.length))
    .sort();
}

/** Checks are scripts (`#!` first line); a sourced library (e.g. `ml-lib.sh`) has none. */
function isScript(path: string): boolean {
  try {
    return readFileSync(path, 'utf8').startsWith('#!');
  } catch {
    return false;
  }
}

/** The feature a check belongs to (the longest matching name), or undefined for checks of every scenario. */
export function checkFeature(check: string): string | undefined {
  return features
    .map((f) => f.name)
    .filter((name) => check === name || check.startsWith(`${name}-`))
    .sort((a, b) => b.length - a.length)[0];
}

/**
 * A feature's checks run in every scenario with the feature. The others (ml-*.sh: each runs the
 * workflows under act several times) run in the quick full scenarios only: no features and every
 * feature. The combinations in between add nothing those checks see, and the odd-text and
 * other-Python scenarios run the same workflows through run-workflow.
 */
export function checksFor(s: Scenario, checks: string[]): string[] {
  // The checks drive GitHub workflows (act, a fake gh): GitLab scenarios run their pipelines instead.
  if (s.lintOnly || s.ci !== defaultCi) return [];
  return checks.filter((c) => {
    const owner = checkFeature(c);
    return owner === undefined ? s.quick : s.features.includes(owner);
  });
}

export type TargetKind = 'generate' | 'setup' | 'train' | 'pytest' | 'lint-workflows' | 'run-workflow' | 'check' | 'verify';

export interface TargetSpec {
  name: string;
  kind: TargetKind;
  dependsOn: string[];
  /** For checks: the script's name without `.sh`. */
  check?: string;
  /** For checks: the feature the check belongs to, if any. */
  owner?: string;
}

/** The targets of one scenario and how they chain. `verify` depends on all the others. */
export function targetsFor(s: Scenario, checks: string[]): TargetSpec[] {
  const targets: TargetSpec[] = [
    { name: 'generate', kind: 'generate', dependsOn: [] },
    { name: 'lint-workflows', kind: 'lint-workflows', dependsOn: ['generate'] },
  ];
  if (!s.lintOnly) {
    targets.push(
      { name: 'setup', kind: 'setup', dependsOn: ['generate'] },
      { name: 'train', kind: 'train', dependsOn: ['setup'] },
      { name: 'pytest', kind: 'pytest', dependsOn: ['train'] },
      // After setup: it fills the wheelhouse the act runs install from. Only for providers whose
      // pipelines run here (not Jenkins).
      ...(harness(s.ci).run ? [{ name: 'run-workflow', kind: 'run-workflow', dependsOn: ['setup'] } satisfies TargetSpec] : []),
      ...checksFor(s, checks).map((c): TargetSpec => {
        const owner = checkFeature(c);
        return { name: `check-${c}`, kind: 'check', dependsOn: ['setup'], check: c, ...(owner ? { owner } : {}) };
      }),
    );
  }
  targets.push({ name: 'verify', kind: 'verify', dependsOn: targets.map((t) => t.name) });
  return targets;
}

/** Every target that (transitively) depends on `target`: their results are stale once it re-runs. */
export function downstreamOf(targets: TargetSpec[], target: string): string[] {
  const out = new Set<string>();
  const visit = (name: string) => {
    for (const t of targets) {
      if (t.dependsOn.includes(name) && !out.has(t.name)) {
        out.add(t.name);
        visit(t.name);
      }
    }
  };
  visit(target);
  return [...out];
}
