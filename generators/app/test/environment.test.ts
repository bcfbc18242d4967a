import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { QueuedAdapter } from '@yeoman/adapter';
import { createEnv } from 'yeoman-environment';
import Generator from 'yeoman-generator';
import { describe, expect, it } from 'vitest';
import { features, normalizeAnswers } from '@create-ml-ci-cd/core';
import { MinimalEnvironment } from '../environment.js';
import AppGenerator, { type AppOptions } from '../index.js';
import { ConflictsError, runGenerator, type Expand } from '../run.js';

const templatesDir = fileURLToPath(new URL('../../../templates', import.meta.url));
const temp = () => mkdtempSync(join(tmpdir(), 'cmlcicd-env-'));

/** Every file below `dir` with its contents, keyed by relative path. */
function tree(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => join(d.parentPath, d.name))
      .map((path) => [relative(dir, path), readFileSync(path, 'utf8')])
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

/** The reference: the same generator run by yeoman-environment 6, as run.ts did before. */
async function runWithYeomanEnvironment(cwd: string, options: AppOptions): Promise<void> {
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() }) as NodeJS.WriteStream;
  const env = createEnv({ cwd, adapter: new QueuedAdapter({ stdout: discard, stderr: discard }), skipInstall: true, force: true } as never);
  const generator = await env.create(AppGenerator as never, { generatorOptions: { ...options, destinationRoot: cwd, skipCache: true, localConfigOnly: true } } as never);
  await env.runGenerator(generator);
}

/** A one-off generator class with the given task methods. */
function generatorWith(tasks: Record<string, (this: Generator) => unknown>) {
  class Custom extends Generator {}
  Object.assign(Custom.prototype, tasks);
  return Custom;
}

async function run(tasks: Record<string, (this: Generator) => unknown>, cwd = temp()) {
  const env = new MinimalEnvironment({ cwd, package: { name: 'test', version: '0.0.0' } });
  await env.runGenerator(await env.instantiate(generatorWith(tasks) as never, { destinationRoot: cwd }));
  return cwd;
}

describe('MinimalEnvironment', () => {
  const cases = [
    ['default project', normalizeAnswers({ name: 'demo' })],
    ['all features', normalizeAnswers({ name: 'demo', features: features.map((f) => f.name) })],
  ] as const;
  for (const [label, answers] of cases) {
    it(`writes the same files as yeoman-environment (${label})`, async () => {
      const options = { answers, templatesDir, version: '1.2.3' };
      const ours = temp();
      const theirs = temp();
      await runGenerator(ours, options);
      await runWithYeomanEnvironment(theirs, options);
      expect(Object.keys(tree(ours)).length).toBeGreaterThan(5);
      expect(tree(ours)).toEqual(tree(theirs));
    });
  }

  it('runs the queues in Yeoman order and commits files written after the commit', async () => {
    const order: string[] = [];
    const cwd = await run({
      end() {
        order.push('end');
        this.fs.write(this.destinationPath('late.txt'), 'late\n');
      },
      writing() {
        order.push('writing');
        this.fs.write(this.destinationPath('a/b.txt'), 'b\n');
      },
      initializing() {
        order.push('initializing');
      },
    });
    expect(order).toEqual(['initializing', 'writing', 'end']);
    expect(tree(cwd)).toEqual({ 'a/b.txt': 'b\n', 'late.txt': 'late\n' });
  });

  it('rejects with the error of a failing task and writes nothing', async () => {
    const cwd = temp();
    const failing = run(
      {
        writing() {
          this.fs.write(this.destinationPath('never.txt'), 'x');
          throw new Error('boom');
        },
      },
      cwd,
    );
    await expect(failing).rejects.toThrow('boom');
    expect(tree(cwd)).toEqual({});
  });

  it('fails loudly on what it leaves out: prompting and composing', async () => {
    await expect(run({ async prompting() { await this.prompt([{ type: 'input', name: 'x', message: 'x?' }]); } })).rejects.toThrow(/asks in the CLI/);
    await expect(run({ async initializing() { await this.composeWith('other:app'); } })).rejects.toThrow(/composeWith is not supported/);
  });
});

describe("runGenerator with a target: Yeoman's conflicter decides before anything is committed", () => {
  const options = { answers: normalizeAnswers({ name: 'demo' }), templatesDir, version: '1.2.3' };
  async function withEdits() {
    const target = temp();
    await runGenerator(target, options);
    writeFileSync(join(target, 'README.md'), 'mine\n');
    writeFileSync(join(target, 'notes.txt'), 'keep\n');
    return target;
  }

  it('refuse: lists the differing files and commits nothing; identical ones are not conflicts', async () => {
    const target = await withEdits();
    const staging = temp();
    const refused = runGenerator(staging, options, { target, onConflict: 'refuse' });
    await expect(refused).rejects.toBeInstanceOf(ConflictsError);
    await expect(refused).rejects.toMatchObject({ files: ['README.md'] });
    expect(tree(staging)).toEqual({});
  });

  it('overwrite: commits the created and differing files only, and reports each', async () => {
    const target = await withEdits();
    rmSync(join(target, 'src/train.py'));
    const staging = temp();
    const report = await runGenerator(staging, options, { target, onConflict: 'overwrite' });
    expect(report.overwritten).toEqual(['README.md']);
    expect(report.created).toEqual(['src/train.py']);
    expect(report.kept).toEqual([]);
    expect(report.identical.length).toBeGreaterThan(5);
    expect(Object.keys(tree(staging)).sort()).toEqual(['README.md', 'src/train.py']);
  });

  it('ask: the question goes to the expand prompt with Yeoman\'s choices plus "skip all"', async () => {
    const target = await withEdits();
    const asked: { message: string; keys: string[] }[] = [];
    const expand: Expand = async (q) => {
      asked.push({ message: q.message, keys: q.choices.map((c) => c.key) });
      return 'skip';
    };
    const report = await runGenerator(temp(), options, { target, onConflict: 'ask', io: { expand, print: () => {} } });
    expect(asked).toEqual([{ message: 'Overwrite README.md?', keys: ['y', 'n', 'a', 's', 'd', 'x'] }]);
    expect(report.kept).toEqual(['README.md']);
  });
});
