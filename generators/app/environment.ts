import { EventEmitter } from 'node:events';
import GroupedQueue from 'grouped-queue';
import { create as createMemFs, type Store } from 'mem-fs';
import type { MemFsEditorFile } from 'mem-fs-editor';
import { isFilePending } from 'mem-fs-editor/state';
import { createCommitTransform } from 'mem-fs-editor/transform';
import type BaseGenerator from 'yeoman-generator';
import { Conflicter } from '@yeoman/conflicter';
import { clearFileState } from 'mem-fs-editor/state';
import { join, relative } from 'node:path';

/**
 * A minimal Yeoman environment: the part of yeoman-environment 6 that yeoman-generator 8 calls
 * when one generator class runs in-process. The generator is a real yeoman-generator instance: it
 * queues its own tasks (initializing ... writing ... end) on a grouped-queue run loop, writes
 * through mem-fs-editor into a mem-fs store, and the store is committed to disk after the
 * `conflicts` queue, as yeoman-environment does.
 *
 * Why not yeoman-environment: in the published bundle it costs about 1.5x our whole start-up (its
 * generator lookup and registry, fly-import for installing generators, the terminal adapter with
 * ora), and create-ml-ci-cd needs none of that: the CLI asks the questions and runs git and pip.
 * What it does need, the conflicter, is Yeoman's own (@yeoman/conflicter), run as below.
 *
 * Conflicts: with `landsIn`, files are rendered under `cwd` (a staging directory) but land in
 * `landsIn`. Before the commit, each pending file is held up to where it lands and Yeoman's own
 * Conflicter decides on it (create, identical, or a conflict it asks the conflict adapter about);
 * skipped and identical files are dropped. Every question is answered before the first byte is
 * committed, so a cancelled prompt writes nothing.
 *
 * Left out on purpose (each fails loudly rather than silently): composeWith, prompting from the
 * generator, generator lookup by namespace, package-manager install.
 * `test/environment.test.ts` checks that the output equals yeoman-environment's.
 */

/** The queues of yeoman-environment 6 (its `defaultQueues`), in run order. */
const QUEUES = [
  'environment:run',
  'initializing',
  'prompting',
  'configuring',
  'default',
  'writing',
  'transform',
  'conflicts',
  'environment:conflicts',
  'install',
  'end',
];

/** Generators log through `this.log` (`log('...')`, `log.ok(...)`, ...): discarded, the CLI reports. */
const log: any = new Proxy(() => log, { get: (target, key) => (key in target ? (target as any)[key] : () => log) });

const adapter = {
  log,
  async prompt(): Promise<never> {
    throw new Error('The generator asked a question: create-ml-ci-cd asks in the CLI, before the generator runs.');
  },
  async progress<T>(fn: (progress: { step: (...args: unknown[]) => void }) => T | Promise<T>): Promise<T> {
    return fn({ step: () => {} });
  },
};

type GeneratorClass<O> = new (args: string[], options: O & Record<string, unknown>) => BaseGenerator;

export class MinimalEnvironment extends EventEmitter {
  readonly cwd: string;
  readonly logCwd: string;
  readonly adapter = adapter;
  readonly sharedFs: Store<MemFsEditorFile> = createMemFs<MemFsEditorFile>();
  readonly runLoop = new GroupedQueue([...QUEUES], false);
  readonly #contexts = new Map<string, unknown>();
  readonly #package: { name: string; version: string };

  /** `pkg` stands for the generator's package.json (Yeoman names its config storage after it). */
  readonly #landsIn?: string;
  readonly #conflictAdapter?: any;
  readonly #beforeCommit?: () => void;
  /** What the conflicter decided per file, relative to `landsIn`. */
  readonly decisions = new Map<string, 'create' | 'force' | 'skip' | 'identical'>();

  constructor(options: { cwd: string; package: { name: string; version: string }; landsIn?: string; conflictAdapter?: unknown; beforeCommit?: () => void }) {
    super();
    this.cwd = this.logCwd = options.cwd;
    this.#package = options.package;
    this.#landsIn = options.landsIn;
    this.#conflictAdapter = options.conflictAdapter;
    this.#beforeCommit = options.beforeCommit;
    this.sharedFs.setMaxListeners(0);
  }

  /** Construct a generator the way yeoman-environment does (`env.create(Class, { generatorOptions })`). */
  async instantiate<O>(Generator: GeneratorClass<O>, options: O, namespace = 'ml-ci-cd:app'): Promise<BaseGenerator> {
    const pkg = this.#package;
    const generator = new Generator([], {
      ...options,
      env: this,
      namespace,
      resolved: namespace,
      // Without it yeoman-generator looks its package.json up from `resolved` with read-package-up.
      _meta: { getPackageJson: () => pkg },
    }) as BaseGenerator & { _postConstruct?: () => unknown };
    await generator._postConstruct?.();
    return generator;
  }

  /** Queue the generator's tasks and the commit, run the loop to the end, and resolve when all is on disk. */
  async runGenerator(generator: BaseGenerator): Promise<void> {
    await generator.queueTasks();
    this.#queueCommit();
    await new Promise<void>((resolve, reject) => {
      this.runLoop.once('end', resolve);
      this.runLoop.once('error', reject);
      generator.emit('run');
      this.runLoop.start();
    });
    generator.emit('end');
  }

  /** Called by the generator for every task it queues. */
  queueTask(priority: string, task: () => unknown, options?: { once?: string; startQueue?: boolean }): void {
    this.runLoop.add(
      priority,
      async (done: () => void, stop: (error: Error) => void) => {
        try {
          await task();
          done();
        } catch (error) {
          stop(error as Error);
        }
      },
      { once: options?.once, run: options?.startQueue ?? false },
    );
  }

  /** Custom priorities (`Generator#registerPriorities`). */
  addPriority(priority: string, before?: string): void {
    if (!this.runLoop.queueNames.includes(priority)) this.runLoop.addSubQueue(priority, before);
  }

  /** Version checks against this environment pass: it implements what yeoman-generator 8 calls. */
  getVersion(): undefined {
    return undefined;
  }

  getContextMap(key: string, factory = () => new Map()): unknown {
    if (!this.#contexts.has(key)) this.#contexts.set(key, factory());
    return this.#contexts.get(key);
  }

  composeWith(): never {
    throw new Error('composeWith is not supported by the minimal environment (generators/app/environment.ts).');
  }

  /**
   * Write pending files to disk. Queued once after `conflicts`; a file changed later (in `install`
   * or `end`) queues it again, as yeoman-environment does.
   */
  #queueCommit(): void {
    this.queueTask(
      'environment:conflicts',
      async () => {
        const onChange = (path: string) => {
          if (!isFilePending(this.sharedFs.get(path))) return;
          this.sharedFs.removeListener('change', onChange);
          this.#queueCommit();
        };
        if (this.#landsIn) await this.#resolveConflicts(this.#landsIn);
        this.#beforeCommit?.();
        this.sharedFs.on('change', onChange);
        await this.sharedFs.pipeline({ filter: isFilePending }, createCommitTransform());
      },
      { once: 'write memory fs to disk' },
    );
  }

  /** Yeoman's Conflicter over every pending file, at the path where it lands; nothing is written. */
  async #resolveConflicts(landsIn: string): Promise<void> {
    // regenerate: an identical file keeps its status, so it is told apart from one the user skipped.
    const conflicter = new Conflicter(this.#conflictAdapter, { cwd: landsIn, regenerate: true, customizeActions: this.#conflictAdapter?.customizeActions });
    const files = this.sharedFs.all().filter(isFilePending);
    for (const file of files) {
      const rendered = file.path;
      const rel = relative(this.cwd, rendered);
      file.path = join(landsIn, rel);
      try {
        const decided = (await conflicter.checkForCollision(file as never)) as any;
        const status = decided.conflicter === 'diff' ? 'skip' : decided.conflicter;
        for (const key of ['conflicter', 'changesDetected', 'binary', 'conflicterChanges', 'fileModeChanges', 'conflicterData']) delete decided[key];
        this.decisions.set(rel.split('\\').join('/'), status);
        if (status !== 'create' && status !== 'force') clearFileState(file);
      } finally {
        file.path = rendered;
      }
    }
  }
}
