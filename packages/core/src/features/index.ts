import type { CiName } from '../ci/index.js';
import type { Answers, StringOption } from '../options.js';
import { docker } from './docker.js';
import { dvc } from './dvc.js';
import { kubeflow } from './kubeflow.js';
import { mlflow } from './mlflow.js';
import { upgradeBot } from './upgrade-bot.js';

/**
 * One optional feature of the generated project. Adding a feature means: a module here, one line
 * in `features` below, a folder `templates/<name>/` holding only the files it adds (at their output
 * paths), its versions in versions.json, and its test case. Prompts, flags, the answers schema and
 * the verification matrix are all derived from this list.
 */
export interface Feature<N extends string = string> {
  /** Flag (`--<name>` / `--no-<name>`), answers value and template folder name. */
  name: N;
  /** Shown in the multi-select prompt and in `--help`. */
  label: string;
  /** Extra string options this feature takes (declared like every option: options.ts `OptionSpec`). */
  options?: readonly StringOption[];
  /** PyPI packages (looked up in versions.json) the project needs with this feature. */
  requirements?: string[];
  /** Lines added to the generated .gitignore. */
  gitignore?: string[];
  /**
   * Container base images (versions.json `other` keys, pinned by digest) the feature's files use
   * for a project's Python. A Python with no recorded digest is refused with this feature.
   */
  baseImages?: (python: string) => string[];
  /**
   * Touches nothing other features render (e.g. a workflow file of its own), so the matrix
   * verifies it once, together with every other feature, instead of doubling every combination.
   */
  independent?: boolean;
  /** The CI providers (ci/index.ts) this feature has pipeline files for; others are refused. Default: every one. */
  providers?: readonly CiName[];
  /**
   * Features whose files change when both are on (one feature's text depends on the other's, beyond
   * each adding its own lines). The matrix runs each such pair; a test renders every pair and
   * fails when this list is wrong either way.
   */
  interactsWith?: readonly string[];
  /**
   * Values this feature gives every template (enabled or not, so a template can test them):
   * knowledge about the feature's answers that would otherwise be re-derived in several templates.
   */
  context?(answers: Answers, enabled: boolean): Record<string, unknown>;
}

export const features = [dvc, mlflow, docker, kubeflow, upgradeBot] as const satisfies readonly Feature[];

/** A feature's name: a typo in one fails to compile. */
export type FeatureName = (typeof features)[number]['name'];

export function isFeatureName(name: string): name is FeatureName {
  return features.some((f) => f.name === name);
}

export function feature(name: FeatureName): Feature {
  const found = features.find((f) => f.name === name);
  if (!found) throw new Error(`Unknown feature "${name}"`);
  return found;
}

/** Whether a feature works with a CI provider (has its jobs in that provider's files). */
export function supports(f: Feature, ci: string): boolean {
  return f.providers === undefined || (f.providers as readonly string[]).includes(ci);
}

/** Whether two features change each other's files (either one says so). */
export function interacts(a: Feature, b: Feature): boolean {
  return (a.interactsWith ?? []).includes(b.name) || (b.interactsWith ?? []).includes(a.name);
}

/**
 * The verification matrix, each set in registry order: no feature, each feature that is not
 * `independent` alone, each pair of them that `interacts`, and every feature together. What a feature
 * does alone and with each feature it touches is run; subsets of three or more are covered only by
 * the set with every feature.
 */
export function featureMatrix(list: readonly Feature[] = features): string[][] {
  const dependent = list.filter((f) => !f.independent);
  const pairs = dependent.flatMap((a, i) => dependent.slice(i + 1).filter((b) => interacts(a, b)).map((b) => [a.name, b.name]));
  const sets = [[], ...dependent.map((f) => [f.name]), ...pairs, list.map((f) => f.name)];
  return sets.filter((set, i) => sets.findIndex((other) => other.join() === set.join()) === i);
}

/**
 * Every set of features, each in registry order, for checks cheap enough to render them all: every subset of the features that are not
 * `independent`, plus (when there are independent ones) one set with every feature, so each
 * independent feature is verified once, alongside all the others.
 */
export function featureCombinations(list: readonly Feature[] = features): string[][] {
  const subsets = list
    .filter((f) => !f.independent)
    .reduce<string[][]>((acc, f) => [...acc, ...acc.map((s) => [...s, f.name])], [[]]);
  return list.some((f) => f.independent) ? [...subsets, list.map((f) => f.name)] : subsets;
}
