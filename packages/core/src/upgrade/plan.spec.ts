import { describe, expect, it } from 'vitest';
import { isData, lineEndings, toCrlf, toLf } from './files.js';
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

describe('bytes', () => {
  const cp1252 = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0d, 0x0a, 0x6e, 0x61, 0xef, 0x76, 0x65, 0x0d, 0x0a]); // "café\r\nnaïve\r\n" in cp1252

  it('converts line endings without decoding: bytes that are not UTF-8 survive', () => {
    expect(toLf(cp1252)).toEqual(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a, 0x6e, 0x61, 0xef, 0x76, 0x65, 0x0a]));
    expect(toCrlf(toLf(cp1252))).toEqual(cp1252);
  });

  it('merges a CRLF cp1252 file byte for byte', () => {
    const base = files({ f: 'one\ntwo\nthree\nfour\n' });
    const ours = new Map([['f', Buffer.concat([cp1252, Buffer.from('two\r\nthree\r\nfour\r\n')])]]);
    const theirs = files({ f: 'one\ntwo\nthree\nFOUR\n' });
    const [entry] = resolvePlan(planUpgrade({ base, ours, theirs }), labels);
    expect(entry.action).toBe('merge');
    expect(entry.content).toEqual(Buffer.concat([cp1252, Buffer.from('two\r\nthree\r\nFOUR\r\n')]));
  });

  it('tells CRLF, LF and mixed files apart', () => {
    expect([Buffer.from('a\r\nb\r\n'), Buffer.from('a\nb'), Buffer.from('a\r\nb\n'), Buffer.from('')].map(lineEndings)).toEqual(['crlf', 'lf', 'mixed', 'lf']);
  });

  it('keeps each line of a mixed file its own ending through a merge', () => {
    const base = files({ f: 'a\nb\nc\nd\ne\nf\n' });
    const ours = files({ f: 'a\r\nb\nc\nd\ne\nf\n' });
    const theirs = files({ f: 'a\nb\nc\nd\ne\nF\n' });
    const [entry] = resolvePlan(planUpgrade({ base, ours, theirs }), labels);
    expect([entry.action, entry.crlf, entry.content!.toString()]).toEqual(['merge', false, 'a\r\nb\nc\nd\ne\nF\n']);
  });

  it('counts UTF-16 and UTF-32 text as data (it may hold no NUL), other encodings as text', () => {
    expect(isData('notes.txt', Buffer.from('\ufeff中文', 'utf16le'))).toBe(true);
    expect(isData('notes.txt', Buffer.from([0xfe, 0xff, 0x4e, 0x2d]))).toBe(true);
    expect(isData('notes.txt', cp1252)).toBe(false);
  });

  it('compares a CRLF data file in LF only where git converts its line endings', () => {
    const base = files({ 'd.csv': 'a,b\n1,2\n' });
    const ours = files({ 'd.csv': 'a,b\r\n1,2\r\n' });
    const theirs = files({ 'd.csv': 'a,b\n1,2\n3,4\n' });
    expect(actions(base, ours, theirs)).toEqual({ 'd.csv': 'keep-data' });
    const [entry] = resolvePlan(planUpgrade({ base, ours, theirs, gitEol: (p) => p === 'd.csv' }), labels);
    expect([entry.action, entry.content!.toString()]).toEqual(['update', 'a,b\r\n1,2\r\n3,4\r\n']);
  });

  it('leaves symbolic links alone whatever the sides say', () => {
    const plan = planUpgrade({ base: files({ l: 'a' }), ours: files({}), theirs: files({ l: 'b', n: 'n' }), links: new Set(['l', 'n']) });
    expect(plan.map((p) => p.action)).toEqual(['keep-link', 'keep-link']);
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
