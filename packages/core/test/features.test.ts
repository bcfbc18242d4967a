import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ejs from 'ejs';
import { describe, expect, it } from 'vitest';
import { RECORD_FILE, featureCombinations, features, normalizeAnswers, outputPath, renderProject, templateContext, type Feature } from '../src/index.js';

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
