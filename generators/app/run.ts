import { Writable } from 'node:stream';
import { QueuedAdapter } from '@yeoman/adapter';
import { createEnv } from 'yeoman-environment';
import AppGenerator, { type AppOptions } from './index.js';

/**
 * Run the app generator in-process (no `yo`) and write the project into `cwd`. Yeoman's own log
 * ("create README.md", install notices) is discarded: the CLI reports what happened itself.
 */
export async function runGenerator(cwd: string, options: AppOptions): Promise<void> {
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() }) as NodeJS.WriteStream;
  const adapter = new QueuedAdapter({ stdout: discard, stderr: discard });
  const env = createEnv({ cwd, adapter, skipInstall: true, force: true, skipCache: true } as never);
  const generator = await env.create(AppGenerator as never, { generatorOptions: { ...options, destinationRoot: cwd } } as never);
  await env.runGenerator(generator);
}
