import { github } from './github.js';
import { gitlab } from './gitlab.js';
import { jenkins } from './jenkins.js';

/**
 * A CI provider the generated project can target. Everything provider-specific that core needs is
 * here: which output paths belong to it (other providers' files are never rendered), and which
 * template layer only it renders. How verify lints and runs a provider's pipelines lives beside
 * verify's own tools (packages/verify/src/ci), keyed by the same names.
 */
export interface CiProviderDef {
  name: string;
  /** One line for `--help` and the prompt. */
  label: string;
  /** Whether an output path (of any layer) is this provider's own file. */
  owns: (path: string) => boolean;
  /** Whether an output path is a pipeline definition (what `upgrade --workflows-only` upgrades); default: every path it owns. */
  pipeline?: (path: string) => boolean;
  /** `templates/<layer>`: rendered after base and the features, only for this provider. */
  layer?: string;
  /** Lines added to the generated .gitignore (after the features' lines). */
  gitignore?: string[];
  /** Base images the provider's jobs run in, for the given Python (must be in versions.json `other`). */
  images?: (python: string) => string[];
}

/** In the order `--help` and the prompt list them; the first is the default. */
export const ciProviders = [github, gitlab, jenkins] as const satisfies readonly CiProviderDef[];
export type CiName = (typeof ciProviders)[number]['name'];
export const ciNames = ciProviders.map((p) => p.name) as CiName[];
export const defaultCi: CiName = 'github';

export function ciProvider(name: string): CiProviderDef {
  const p = ciProviders.find((x) => x.name === name);
  if (!p) throw new Error(`unknown CI provider ${JSON.stringify(name)}; known: ${ciNames.join(', ')}`);
  return p;
}

/** Whether `path` is rendered for `ci`: no provider other than `ci` claims it. */
export function rendersFor(ci: string, path: string): boolean {
  return ciProviders.every((p) => p.name === ci || !p.owns(path));
}
