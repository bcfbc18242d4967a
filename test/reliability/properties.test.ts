// Properties over the whole answers space, rendered in memory. PROPERTY_RUNS sets the number of
// random answer sets (default 1000); PROPERTY_SEED replays a failing run (fast-check prints it).
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError, answerKeys, baseOptions, ciProvider, supports, defaultDescription, features, normalizeAnswers, renderProject, validateName, versions, type Answers, type RawAnswers } from '../../packages/core/src/index.js';
import { parseCreateArgs } from '../../packages/create-ml-ci-cd/src/args.js';
import { repoRoot, tempDir } from '../support/cli.js';
import { MARK, acceptedOptionValues, checkSyntax, hostile, workflowParser, yamlProblems } from './support.js';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 1000);
const SEED = process.env.PROPERTY_SEED === undefined ? undefined : Number(process.env.PROPERTY_SEED);
const params = { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) };
const templatesDir = join(repoRoot, 'templates');

/** What a description may hold (options.ts): one line of any text but control characters other than tab, and noncharacters. */
const validDescriptionChar = (ch: string) => ch === '\t' || !/\p{Cc}|\p{Noncharacter_Code_Point}|[\u2028\u2029]/u.test(ch);

const nameArb = fc
  .oneof(fc.stringMatching(/^[a-z][a-z0-9]{0,15}([-_][a-z0-9]{1,8}){0,3}$/), fc.constantFrom('a', 'x'.repeat(100), 'my-model', 'model_2'))
  .filter((name) => {
    try {
      return validateName(name) === name;
    } catch {
      return false;
    }
  });

const descriptionArb = fc
  .oneof(
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.array(fc.oneof(fc.constantFrom(...hostile), fc.string({ maxLength: 5 })), { maxLength: 12 }).map((parts) => parts.join('')),
  )
  .map((s) => [...s].filter(validDescriptionChar).join(''));

const cronField = (min: number, max: number) =>
  fc.oneof(
    fc.constant('*'),
    fc.integer({ min, max }).map(String),
    fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
    fc.integer({ min: Math.max(min, 1), max }).map((step) => `*/${step}`), // GitHub: the step lies in the range too
    fc.uniqueArray(fc.integer({ min, max }), { minLength: 2, maxLength: 3 }).map((xs) => xs.join(',')),
  );

/**
 * Answers that are neither in the feature registry nor the four basic ones need an arbitrary here;
 * the test below fails when a new one appears without one.
 */
const extraBaseAnswers: Record<string, fc.Arbitrary<string>> = {
  // Every choice of the options model, from its own list.
  ...Object.fromEntries(baseOptions.flatMap((o) => (o.type === 'choice' ? [[o.key, fc.constantFrom(...o.choices.map((c) => c.value))]] : []))),
  retrainCron: fc.tuple(cronField(0, 59), cronField(0, 23), cronField(1, 31), cronField(1, 12), cronField(0, 6)).map((f) => f.join(' ')),
};
const featureKeys = new Set(features.flatMap((f) => [f.name, ...(f.options ?? []).map((o) => o.key)]));
const extraKeys = answerKeys().filter((k) => !['name', 'description', 'python', 'features'].includes(k) && !featureKeys.has(k));

/** Raw answers as flags or an answers file could give them: every key optional, features two ways. */
const validRawArb: fc.Arbitrary<RawAnswers> = fc
  .record(
    {
      name: nameArb,
      description: descriptionArb,
      python: fc.constantFrom(...versions.python.supported),
      features: fc.subarray(features.map((f) => f.name)),
      // A per-feature flag (--dvc / --no-dvc) on top of the list; it wins over the list.
      flags: fc.record(Object.fromEntries(features.map((f) => [f.name, fc.boolean()])), { requiredKeys: [] }),
      extra: fc.record(Object.fromEntries(extraKeys.filter((k) => k in extraBaseAnswers).map((k) => [k, extraBaseAnswers[k]])), { requiredKeys: [] }),
      options: fc.record(
        Object.fromEntries([...acceptedOptionValues].filter(([, vs]) => vs.length > 0).map(([k, vs]) => [k, fc.constantFrom(...vs)])),
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: ['name', 'flags', 'extra', 'options'] },
  )
  .map(({ flags, extra, options, ...raw }) => {
    const result: RawAnswers = { ...raw, ...flags, ...extra };
    const enabled = new Set<string>(raw.features ?? []);
    for (const [f, on] of Object.entries(flags)) on ? enabled.add(f) : enabled.delete(f);
    // A Python whose base image has no digest in versions.json yet is refused with a feature that builds one.
    const python = raw.python;
    if (python && features.some((f) => enabled.has(f.name) && (f.baseImages?.(python) ?? []).some((i) => !Object.hasOwn(versions.other, i)))) delete result.python;
    // A feature without jobs for the chosen CI provider is refused with it.
    const ci = result.ci;
    if (typeof ci === 'string' && features.some((f) => enabled.has(f.name) && !supports(f, ci))) delete result.ci;
    // A provider whose job image for the Python has no digest yet is refused with it too.
    if (typeof result.ci === 'string' && python && (ciProvider(result.ci).images?.(python) ?? []).some((i) => !Object.hasOwn(versions.other, i))) delete result.ci;
    // An option is only valid with its feature on.
    for (const f of features) for (const o of f.options ?? []) if (enabled.has(f.name) && options[o.key] !== undefined) result[o.key] = options[o.key];
    return result;
  });

/**
 * The same project with another name and the default description: the workflows must equal its
 * byte for byte. Feature options may steer a workflow (an S3 remote needs other secrets than a GCS
 * one) but their text must not appear in it; that is checked separately.
 */
function withoutFreeText(answers: Answers): Answers {
  return { ...answers, name: 'canonical-name', description: defaultDescription };
}

const sha = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

describe('registry-derived arbitraries', () => {
  it('cover every answer key', () => {
    expect(extraKeys.filter((k) => !(k in extraBaseAnswers)), 'add an arbitrary to extraBaseAnswers').toEqual([]);
    for (const [key, values] of acceptedOptionValues) expect(values, `no candidate value passes the validation of ${key}; add one to optionCandidates`).not.toEqual([]);
  });
});

describe(`${RUNS} random valid answer sets`, () => {
  // About 20 ms a set on an idle machine; generous, since the suite shares the machine with itself.
  it('normalize, render, and every output parses; workflows hold no user text', { timeout: Math.max(120_000, RUNS * 500) }, async () => {
    const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await workflowParser();
    const verified = new Map<string, string[]>(); // content hash -> problems (each distinct file is parsed once)
    const toBatch = new Map<string, { ext: string; contents: Buffer; expect?: { name: string; description: string } }>();
    const plainWorkflows = new Map<string, Map<string, Buffer>>();
    let valid = 0;

    async function problems(path: string, contents: Buffer): Promise<string[]> {
      const key = `${path.endsWith('.yml') || path.endsWith('.yaml') ? 'yaml' : path.split('.').pop()}:${path.startsWith('.github/workflows/')}:${sha(contents)}`;
      const known = verified.get(key);
      if (known) return known;
      const text = contents.toString('utf8');
      const found: string[] = [];
      if (/\.ya?ml$/.test(path)) found.push(...yamlProblems(text));
      if (path.endsWith('.json')) {
        try {
          JSON.parse(text);
        } catch (error) {
          found.push(String(error));
        }
      }
      if (/^\.github\/workflows\/[^/]+\.ya?ml$/.test(path)) {
        const parsed = parseWorkflow({ name: path, content: text }, new NoOperationTraceWriter());
        found.push(...parsed.context.errors.getErrors().map((e) => `workflow-parser: ${e.message}`));
        if (parsed.value) {
          const template = await convertWorkflowTemplate(parsed.context, parsed.value);
          found.push(...(template.errors ?? []).map((e) => `workflow-parser: ${e.Message}`));
          if (template.jobs.length === 0) found.push('workflow-parser: no jobs');
        }
      }
      verified.set(key, found);
      return found;
    }

    await fc.assert(
      fc.asyncProperty(validRawArb, async (raw) => {
        const answers = normalizeAnswers(raw, 'property');
        valid++;
        // The recorded answers are themselves valid answers that mean the same project.
        expect(normalizeAnswers(JSON.parse(JSON.stringify(answers)), 'record')).toEqual(answers);
        const files = renderProject(answers, templatesDir, '0.0.0-property');
        expect(JSON.parse(files.get('.create-ml-ci-cd.json')!.toString('utf8')).answers).toEqual(answers);

        for (const [path, contents] of files) {
          expect(await problems(path, contents), path).toEqual([]);
          const ext = path.split('.').pop()!;
          if (ext === 'toml' || ext === 'py') {
            const expectations = path === 'pyproject.toml' ? { name: answers.name, description: answers.description } : undefined;
            toBatch.set(sha(contents), { ext, contents, expect: expectations });
          }
        }

        const plain = withoutFreeText(answers);
        const plainKey = JSON.stringify(plain);
        if (!plainWorkflows.has(plainKey))
          plainWorkflows.set(plainKey, new Map([...renderProject(plain, templatesDir, '0.0.0-property')].filter(([p]) => p.startsWith('.github/'))));
        const expected = plainWorkflows.get(plainKey)!;
        const actual = [...files].filter(([p]) => p.startsWith('.github/'));
        expect(actual.map(([p]) => p)).toEqual([...expected.keys()]);
        for (const [p, contents] of actual) expect(contents.equals(expected.get(p)!), `${p} depends on the name or the description`).toBe(true);
        for (const [p, contents] of actual) expect(contents.toString('utf8'), `${p} contains text from a feature option`).not.toContain(MARK);
      }),
      params,
    );
    expect(valid).toBe(RUNS);

    // TOML and Python: one python3 process for every distinct file of the whole run.
    const dir = tempDir('cmlcicd-props-');
    mkdirSync(join(dir, 'files'));
    for (const [hash, { ext, contents }] of toBatch) writeFileSync(join(dir, 'files', `${hash}.${ext}`), contents);
    const report = await checkSyntax([join(dir, 'files')]);
    expect(report.errors).toEqual([]);
    expect(report.checked).toBe(toBatch.size);
    for (const [hash, { expect: want }] of toBatch) {
      if (!want) continue;
      const project = report.toml[join(dir, 'files', `${hash}.toml`)]?.project;
      expect({ name: project?.name, description: project?.description }).toEqual(want);
    }
  });
});

describe(`${RUNS} random invalid inputs`, () => {
  const anyValue = fc.oneof(fc.anything({ maxDepth: 2 }), fc.constantFrom(...hostile), fc.string({ unit: 'binary', maxLength: 20 }));
  const key = fc.oneof(fc.constantFrom(...answerKeys(), '__proto__', 'constructor', 'toString'), fc.string({ maxLength: 10 }));
  const broken: fc.Arbitrary<RawAnswers> = fc.oneof(
    fc.dictionary(key, anyValue, { maxKeys: 6 }),
    // A valid answer set with one value replaced by anything, or one key added.
    fc.tuple(validRawArb, key, anyValue).map(([raw, k, v]) => ({ ...raw, [k]: v })),
  );

  it('normalizeAnswers returns answers or throws a one-line UserError, nothing else', () => {
    let refused = 0;
    fc.assert(
      fc.property(broken, (raw) => {
        try {
          normalizeAnswers(raw, 'property');
        } catch (error) {
          expect(error).toBeInstanceOf(UserError);
          expect((error as Error).message).toMatch(/^[^\n\r]+$/);
          refused++;
        }
      }),
      params,
    );
    // Most of them must really be invalid, or this tests little (a small run may be unlucky).
    if (RUNS >= 100) expect(refused).toBeGreaterThan(RUNS / 2);
  });

  it('argument parsing returns options or throws a one-line UserError, nothing else', () => {
    const token = fc.oneof(
      fc.constantFrom('--name', '--description', '--python', '--python=3.12', '--yes', '-y', '--no-yes', '--git', '--no-git', '--install', '--force',
        '--answers', '--bogus', '--', '-', '-x', '--no-name', '--yes=1', '--name=', '', ...features.flatMap((f) => [`--${f.name}`, `--no-${f.name}`])),
      fc.string({ maxLength: 8 }),
      fc.string({ maxLength: 8 }).map((s) => `--${s}`),
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 8 }), (argv) => {
        try {
          parseCreateArgs(argv);
        } catch (error) {
          expect(error).toBeInstanceOf(UserError);
          expect((error as Error).message).toMatch(/^[^\n\r]+$/);
        }
      }),
      params,
    );
  });
});
