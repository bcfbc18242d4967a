import type { TaskContext } from '../tasks/context.js';
import { github } from './github.js';
import { gitlab } from './gitlab.js';
import { jenkins } from './jenkins.js';

/**
 * How verify checks one CI provider's files in a generated project: which files are its pipeline,
 * how they are linted, how their pipelines are run here. The names are core's (`--ci`); core's
 * ci/ module says which output paths each provider owns.
 */
export interface CiProvider {
  name: string;
  /** The provider's pipeline files among the project's files. */
  files: (projectFiles: string[]) => string[];
  /** The lint-workflows target: every linter must report nothing. */
  lint: (ctx: TaskContext) => Promise<void>;
  /** Workspace paths (globs) the lint depends on beyond the tools, for Nx's hash. */
  lintInputs?: string[];
  /**
   * The run-workflow target: run the pipelines locally and record which jobs ran. A provider that
   * cannot run here (Jenkins) has none: its scenarios lint, and the project's own install, train
   * and tests still run.
   */
  run?: (ctx: TaskContext) => Promise<void>;
  /** Workspace paths (globs) the run depends on, for Nx's hash. */
  runInputs?: string[];
}

export const harnesses: Record<string, CiProvider> = { github, gitlab, jenkins };

/** verify's side of a CI provider (core's `ciProvider` is the rendering side). */
export function harness(name: string): CiProvider {
  const p = harnesses[name];
  if (!p) throw new Error(`verify has no CI provider "${name}"; it has: ${Object.keys(harnesses).join(', ')}.`);
  return p;
}
