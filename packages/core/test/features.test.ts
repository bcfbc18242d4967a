import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ejs from 'ejs';
import { describe, expect, it } from 'vitest';
import { RECORD_FILE, featureCombinations, featureMatrix, features, interacts, normalizeAnswers, outputPath, renderProject, templateContext, type Feature } from '../src/index.js';

const fake = (name: string, independent?: boolean): Feature => ({ name, label: name, ...(independent === undefined ? {} : { independent }) });

describe('featureCombinations', () => {
  it('is every subset when no feature is independent', () => {
    expect(featureCombinations([fake('a'), fake('b', false)])).toEqual([[], ['a'], ['b'], ['a', 'b']]);
  });

  it('adds independent features once, in a set with every feature', () => {
    const list = [fake('a'), fake('x', true), fake('b'), fake('y', true)];
    expect(featureCombinations(list)).toEqual([[], ['a'], ['b'], ['a', 'b'], ['a', 'x', 'b', 'y']]);
  });

  it('handles an empty registry and one of only independent features', () => {
    expect(featureCombinations([])).toEqual([[]]);
    expect(featureCombinations([fake('x', true)])).toEqual([[], ['x']]);
  });

  it('covers the real registry: each feature at least once, independent ones only in the full set', () => {
    const combos = featureCombinations();
    const all = features.map((f) => f.name);
    const dependent = features.filter((f) => !f.independent).map((f) => f.name);
    expect(combos).toHaveLength(2 ** dependent.length + (dependent.length < all.length ? 1 : 0));
    expect(combos).toContainEqual(all);
    expect(new Set(combos.map((c) => c.join(','))).size).toBe(combos.length);
    for (const f of features) {
      const withIt = combos.filter((c) => c.includes(f.name));
      expect(withIt.length, f.name).toBe(f.independent ? 1 : 2 ** (dependent.length - 1) + (dependent.length < all.length ? 1 : 0));
    }
    // Registry order inside every set.
    for (const c of combos) expect(c).toEqual(all.filter((n) => c.includes(n)));
  });

  it('verifies upgrade-bot once, with every other feature', () => {
    expect(features.find((f) => f.name === 'upgrade-bot')?.independent).toBe(true);
    expect(featureCombinations().filter((c) => c.includes('upgrade-bot'))).toEqual([features.map((f) => f.name)]);
  });
});

describe('what `independent` claims', () => {
  const templatesDir = join(import.meta.dirname, '../../../templates');
  function listOwn(dir: string, prefix = ''): string[] {
    if (!existsSync(join(dir, prefix))) return [];
    return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((d) => {
      const path = prefix ? `${prefix}/${d.name}` : d.name;
      return d.isDirectory() ? listOwn(dir, path) : [path];
    });
  }

  // An independent feature adds its own files, whose content no other feature changes, and fills
  // slots with text no other feature changes; everything else renders byte for byte the same.
  for (const f of features.filter((x) => x.independent)) {
    it(`${f.name} touches nothing other features render, and nothing they render touches it`, () => {
      const root = join(templatesDir, f.name);
      const mine = new Set(listOwn(root).filter((p) => !p.startsWith('_slots/')).map(outputPath));
      const slots = listOwn(join(root, '_slots')).map((p) => join(root, '_slots', p));
      const ownContent = new Map<string, string>();
      for (const combo of featureCombinations(features.filter((x) => !x.independent))) {
        const answers = normalizeAnswers({ name: 'ind', features: [...combo, f.name] });
        const without = renderProject(normalizeAnswers({ name: 'ind', features: combo }), templatesDir, '0.0.0');
        const withIt = renderProject(answers, templatesDir, '0.0.0');
        const filled = slots.map((path) => ejs.render(readFileSync(path, 'utf8'), templateContext(answers, '0.0.0'), { filename: path }));
        for (const path of new Set([...without.keys(), ...withIt.keys()])) {
          const a = without.get(path)?.toString('utf8');
          const b = withIt.get(path)?.toString('utf8');
          if (path === RECORD_FILE || a === b) continue;
          if (mine.has(path)) {
            expect(a, `${path} is ${f.name}'s own file`).toBeUndefined();
            expect(b, `${path} must not change with [${combo.join(', ')}]`).toBe(ownContent.get(path) ?? b);
            ownContent.set(path, b!);
            continue;
          }
          const slotText = filled.find((text) => text && b?.includes(text));
          expect(slotText !== undefined && b!.replace(slotText, '') === a, `${path} differs by more than ${f.name}'s slot text with [${combo.join(', ')}]`).toBe(true);
          expect(ownContent.get(`slot:${path}`) ?? slotText, `${f.name}'s slot text in ${path} changes with [${combo.join(', ')}]`).toBe(slotText);
          ownContent.set(`slot:${path}`, slotText!);
        }
      }
    });
  }
});

describe('featureMatrix', () => {
  const f = (name: string, more: Partial<Feature> = {}): Feature => ({ name, label: name, ...more });

  it('is no feature, each feature alone, each interacting pair, and every feature', () => {
    const list = [f('a', { interactsWith: ['c'] }), f('b'), f('c'), f('x', { independent: true })];
    expect(featureMatrix(list)).toEqual([[], ['a'], ['b'], ['c'], ['a', 'c'], ['a', 'b', 'c', 'x']]);
    expect(featureMatrix([f('a')])).toEqual([[], ['a']]);
  });

  it('runs every feature of the registry alone and with each feature it interacts with', () => {
    const matrix = featureMatrix().map((s) => s.join());
    for (const a of features.filter((x) => !x.independent)) {
      expect(matrix, a.name).toContain(a.name);
      for (const b of features.filter((x) => x !== a && !x.independent && interacts(a, x)))
        expect(matrix, `${a.name} with ${b.name}`).toContain(features.filter((x) => x === a || x === b).map((x) => x.name).join());
    }
  });
});

describe('what `interactsWith` claims', () => {
  const templatesDir = join(import.meta.dirname, '../../../templates');
  const render = (names: string[]) => renderProject(normalizeAnswers({ name: 'pair', features: names }), templatesDir, '0.0.0');
  const lines = (b: Buffer | undefined) => new Set(b ? b.toString('utf8').split('\n') : []);
  const none = render([]);

  /**
   * Files where a and b together differ from "the lines a adds and b adds, without the lines either
   * removes": where one feature's text depends on the other. Compared as sets of lines, so two
   * sections inserted at the same place, or one shared header, are not an interaction.
   */
  function interaction(a: string, b: string): string[] {
    const [ra, rb, rab] = [render([a]), render([b]), render([a, b])];
    return [...new Set([...ra.keys(), ...rb.keys(), ...rab.keys()])].filter((path) => {
      if (path === RECORD_FILE || path.endsWith('.lock')) return false;
      const [base, la, lb, both] = [none.get(path), ra.get(path), rb.get(path), rab.get(path)].map(lines);
      const removed = (l: string) => base.has(l) && (!la.has(l) || !lb.has(l));
      const expected = new Set([...la, ...lb].filter((l) => !removed(l)));
      return [...new Set([...expected, ...both])].some((l) => expected.has(l) !== both.has(l));
    });
  }

  const dependent = features.filter((x) => !x.independent);
  for (const [i, a] of dependent.entries())
    for (const b of dependent.slice(i + 1))
      it(`${a.name} and ${b.name}: ${interacts(a, b) ? 'interact' : 'do not interact'}, as declared`, () => {
        const files = interaction(a.name, b.name);
        if (interacts(a, b)) expect(files, `declared interacting, but nothing of ${a.name} depends on ${b.name}: drop it from interactsWith`).not.toEqual([]);
        else expect(files, `these files change with both on: add ${b.name} to ${a.name}'s interactsWith`).toEqual([]);
      });

  it('names only features of the registry', () => {
    for (const x of features) for (const other of x.interactsWith ?? []) expect(features.map((y) => y.name), x.name).toContain(other);
  });
});
