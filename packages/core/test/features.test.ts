import { describe, expect, it } from 'vitest';
import { featureCombinations, features, type Feature } from '../src/index.js';

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
