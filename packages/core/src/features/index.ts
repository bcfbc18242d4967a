import type { Answers } from '../options.js';

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

export const features: readonly Feature[] = [];

export function feature(name: string): Feature {
  const found = features.find((f) => f.name === name);
  if (!found) throw new Error(`Unknown feature "${name}"`);
  return found;
}

/** Every subset of the features, in registry order: the verification matrix. */
export function featureCombinations(): string[][] {
  return features.reduce<string[][]>(
    (subsets, f) => [...subsets, ...subsets.map((s) => [...s, f.name])],
    [[]],
  );
}
