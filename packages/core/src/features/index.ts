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

/**
 * The verification matrix, each set in registry order: every subset of the features that are not
 * `independent`, plus (when there are independent ones) one set with every feature, so each
 * independent feature is verified once, alongside all the others.
 */
export function featureCombinations(list: readonly Feature[] = features): string[][] {
  const subsets = list
    .filter((f) => !f.independent)
    .reduce<string[][]>((acc, f) => [...acc, ...acc.map((s) => [...s, f.name])], [[]]);
  return list.some((f) => f.independent) ? [...subsets, list.map((f) => f.name)] : subsets;
}
