import type { Answers } from '../options.js';
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
export interface Feature {
  /** Flag (`--<name>` / `--no-<name>`), answers value and template folder name. */
  name: string;
  /** Shown in the multi-select prompt and in `--help`. */
  label: string;
  /** Extra string options this feature takes (flag `--kebab-case`, answers key camelCase). */
  options?: FeatureOption[];
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
}

export interface FeatureOption {
  /** camelCase answers key, e.g. `dvcRemote`; the flag is its kebab-case form. */
  key: string;
  description: string;
  /** Placeholder in --help, e.g. `<url>`. */
  valueName: string;
  /** Return the normalized value or throw UserError naming the value and the fix. */
  validate(value: string, answers: Answers): string;
}

export const features: readonly Feature[] = [dvc, mlflow, docker, kubeflow, upgradeBot];

export function feature(name: string): Feature {
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
