import { describe, expect, it } from 'vitest';
import type { Files } from '../plan.js';
import { migrations, pendingMigrations, renamePath, runMigrations, type Migration } from './index.js';

const files = (entries: Record<string, string>): Files => new Map(Object.entries(entries).map(([p, c]) => [p, Buffer.from(c)]));

// A test-only migration (not registered): 0.3.0 renamed the workflow and the `py` answer.
const example: Migration = {
  version: '0.3.0',
  description: 'Rename .github/workflows/ci.yml to ml_pipeline.yml and the answer `py` to `python`',
  migrate(answers, files) {
    const { py, ...rest } = answers;
    return { answers: py === undefined ? answers : { ...rest, python: py }, files: renamePath(files, '.github/workflows/ci.yml', '.github/workflows/ml_pipeline.yml') };
  },
};
const later: Migration = { version: '0.4.0', description: 'later', migrate: (answers, files) => ({ answers: { ...answers, seen: true }, files }) };

describe('migrations', () => {
  it('every registered migration has a version, a description and a function', () => {
    for (const m of migrations) expect(m).toMatchObject({ version: expect.stringMatching(/^\d+\.\d+\.\d+/), description: expect.any(String) });
  });

  it('runs those above the recorded version up to the running one, in version order', () => {
    expect(pendingMigrations('0.2.0', '0.4.0', [later, example])).toEqual([example, later]);
    expect(pendingMigrations('0.3.0', '0.4.0', [later, example])).toEqual([later]);
    expect(pendingMigrations('0.2.0', '0.3.0-beta.1', [later, example])).toEqual([]);
    expect(pendingMigrations('0.4.0', '0.4.0', [later, example])).toEqual([]);
  });

  it('renames paths and answers on the base and the user side alike', () => {
    const base = files({ '.github/workflows/ci.yml': 'base' });
    const ours = files({ '.github/workflows/ci.yml': 'mine', 'README.md': 'r' });
    const out = runMigrations([example], { name: 'x', py: '3.11' }, [base, ours]);
    expect(out.answers).toEqual({ name: 'x', python: '3.11' });
    expect([...out.sides[0]]).toEqual([...files({ '.github/workflows/ml_pipeline.yml': 'base' })]);
    expect([...out.sides[1]]).toEqual([...files({ '.github/workflows/ml_pipeline.yml': 'mine', 'README.md': 'r' })]);
  });

  it('does nothing when not needed', () => {
    const ours = files({ '.github/workflows/ml_pipeline.yml': 'already new', 'README.md': 'r' });
    const out = runMigrations([example], { name: 'x', python: '3.12' }, [ours]);
    expect(out.answers).toEqual({ name: 'x', python: '3.12' });
    expect(out.sides[0]).toEqual(ours);
    // Both paths present (the user made the new one): nothing is overwritten.
    const both = files({ '.github/workflows/ci.yml': 'old', '.github/workflows/ml_pipeline.yml': 'new' });
    expect(runMigrations([example], {}, [both]).sides[0]).toEqual(both);
  });
});
