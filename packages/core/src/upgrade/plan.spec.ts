import { describe, expect, it } from 'vitest';
import { planUpgrade, type Files } from './plan.js';
import { resolvePlan } from './resolve.js';

const files = (entries: Record<string, string>): Files => new Map(Object.entries(entries).map(([p, c]) => [p, Buffer.from(c)]));
const actions = (base: Files | null, ours: Files, theirs: Files) =>
  Object.fromEntries(planUpgrade({ base, ours, theirs }).map((p) => [p.path, p.action]));
const labels = { ours: 'current', base: 'create-ml-ci-cd@1.0.0', theirs: 'create-ml-ci-cd@2.0.0' };

describe('planUpgrade', () => {
  it('classifies each combination of base, ours and theirs', () => {
    const base = files({ same: 'a', tmpl: 'a', user: 'a', both: 'a', gone: 'a', dropped: 'a', droppedEdited: 'a', deleted: 'a', deletedChanged: 'a' });
    const ours = files({ same: 'a', tmpl: 'a', user: 'b', both: 'b', gone: 'a', droppedEdited: 'b', added: 'x', mine: 'z' });
    const theirs = files({ same: 'a', tmpl: 'c', user: 'a', both: 'c', deleted: 'a', deletedChanged: 'c', new: 'n', added: 'x' });
    expect(actions(base, ours, theirs)).toEqual({
      same: 'unchanged',
      tmpl: 'update',
      user: 'keep',
      both: 'merge',
      gone: 'delete',
      dropped: 'unchanged',
      droppedEdited: 'keep-modified',
      deleted: 'keep',
      deletedChanged: 'keep-deleted',
      new: 'add',
      added: 'unchanged',
      mine: 'keep',
    });
  });

  it('treats a file both sides added differently as a merge against an empty base', () => {
    expect(actions(files({}), files({ Dockerfile: 'mine\n' }), files({ Dockerfile: 'theirs\n' }))).toEqual({ Dockerfile: 'merge' });
  });

  it('never merges data or binary files: keeps ours when both changed them', () => {
    const plan = planUpgrade({ base: files({ 'data/x.csv': 'a\n', 'm.bin': 'a\0' }), ours: files({ 'data/x.csv': 'b\n', 'm.bin': 'b\0' }), theirs: files({ 'data/x.csv': 'c\n', 'm.bin': 'c\0' }) });
    expect(plan.map((p) => [p.path, p.action, p.data])).toEqual([
      ['data/x.csv', 'keep-data', true],
      ['m.bin', 'keep-data', true],
    ]);
  });

  it('without a base, overwrites and deletes nothing: differing files become conflicts', () => {
    expect(actions(null, files({ a: 'x', b: 'mine', 'd.csv': '1', kept: 'k' }), files({ a: 'x', b: 'new', 'd.csv': '2', n: 'n' }))).toEqual({
      a: 'unchanged',
      b: 'conflict',
      'd.csv': 'keep-data',
      kept: 'keep-modified',
      n: 'add',
    });
  });

  it('compares and merges a CRLF file in LF, then gives it CRLF back', () => {
    const base = files({ f: 'one\ntwo\nthree\n' });
    const ours = files({ f: 'one\r\ntwo\r\nthree\r\nmine\r\n' });
    const theirs = files({ f: 'ONE\ntwo\nthree\n' });
    const [entry] = resolvePlan(planUpgrade({ base, ours, theirs }), labels);
    expect(entry.action).toBe('merge');
    expect(entry.content!.toString()).toBe('ONE\r\ntwo\r\nthree\r\nmine\r\n');
    // Only line endings differ from the template: nothing to do.
    expect(actions(base, files({ f: 'one\r\ntwo\r\nthree\r\n' }), base)).toEqual({ f: 'unchanged' });
  });
});

describe('resolvePlan', () => {
  it('merges non-overlapping edits cleanly', () => {
    const [entry] = resolvePlan(planUpgrade({ base: files({ f: '1\n2\n3\n4\n5\n' }), ours: files({ f: 'one\n2\n3\n4\n5\n' }), theirs: files({ f: '1\n2\n3\n4\nfive\n' }) }), labels);
    expect(entry).toMatchObject({ action: 'merge' });
    expect(entry.content!.toString()).toBe('one\n2\n3\n4\nfive\n');
  });

  it('leaves standard markers for overlapping edits', () => {
    const [entry] = resolvePlan(planUpgrade({ base: files({ f: 'a\nb\nc\n' }), ours: files({ f: 'a\nmine\nc\n' }), theirs: files({ f: 'a\nnew\nc\n' }) }), labels);
    expect(entry.action).toBe('conflict');
    expect(entry.content!.toString()).toBe('a\n<<<<<<< current\nmine\n=======\nnew\n>>>>>>> create-ml-ci-cd@2.0.0\nc\n');
  });

  it('uses theirs for update and add, and nothing for the rest', () => {
    const plan = resolvePlan(planUpgrade({ base: files({ u: 'a', k: 'a' }), ours: files({ u: 'a', k: 'b' }), theirs: files({ u: 'c', k: 'a', n: 'n' }) }), labels);
    expect(plan.map((p) => [p.path, p.action, p.content?.toString()])).toEqual([
      ['k', 'keep', undefined],
      ['n', 'add', 'n'],
      ['u', 'update', 'c'],
    ]);
  });
});
