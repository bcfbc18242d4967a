import { MinimalEnvironment } from './environment.js';
import AppGenerator, { type AppOptions } from './index.js';

/**
 * Run the app generator in-process (no `yo`) and write the project into `cwd`, which the CLI
 * creates empty. Yeoman's own log is discarded: the CLI reports what happened itself.
 */
export async function runGenerator(cwd: string, options: AppOptions): Promise<void> {
  const env = new MinimalEnvironment({ cwd, package: { name: 'create-ml-ci-cd', version: options.version } });
  // localConfigOnly: Yeoman's "global" answer store is read from `cwd`, not from ~/.yo-rc-global.json,
  // so nothing in the user's home can change or break a run; skipCache: it is never written either.
  const generator = await env.instantiate(AppGenerator as never, { ...options, destinationRoot: cwd, skipCache: true, localConfigOnly: true });
  await env.runGenerator(generator);
}
