import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { features, normalizeAnswers, normalizeName, renderLock, renderProject, requirementPins, versions } from '../src/index.js';
import type { VersionsLock } from '../src/lock.js';
import lockJson from '../src/versions.lock.json' with { type: 'json' };
// @ts-expect-error: a plain .mjs script, without types
import { parseCompiled } from '../../../scripts/lock-versions.mjs';

const templates = fileURLToPath(new URL('../../../templates', import.meta.url));
const lock = lockJson as VersionsLock;

/** A lock file's packages: name -> the versions it lists (one per marker fork). */
function lockedIn(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [, name, version] of text.matchAll(/^([a-z0-9][a-z0-9.-]*)==([^\s;\\]+)/gm)) out.set(name, [...(out.get(name) ?? []), version]);
  return out;
}

describe('versions.lock.json', () => {
  it('was made from exactly the pins of versions.json (`node scripts/lock-versions.mjs` after editing it)', () => {
    const pins = Object.fromEntries(Object.entries(versions.pypi).map(([name, version]) => [normalizeName(name), version]));
    expect(lock.pins, 'versions.lock.json is stale: run `node scripts/lock-versions.mjs`').toEqual(pins);
    for (const [name, version] of Object.entries(pins)) expect(lock.packages[name]?.versions.map((v) => v.version), name).toContain(version);
  });

  it('is a closed graph: every package has hashes and every parent it names is locked too', () => {
    for (const [name, entry] of Object.entries(lock.packages)) {
      for (const v of entry.versions) expect(v.hashes.length, name).toBeGreaterThan(0);
      for (const parent of entry.via) expect(lock.packages[parent], `${name} via ${parent}`).toBeDefined();
    }
  });

  it("refuses to cut a lock from pins it was not made from, naming the fix", () => {
    const files = new Map([['requirements.txt', 'numpy==0.0.1\n']]);
    expect(() => renderLock('requirements.txt', files)).toThrow(/numpy==0\.0\.1 \(requirements\.txt\) does not match versions\.lock\.json .*node scripts\/lock-versions\.mjs/);
    expect(() => renderLock('requirements.txt', new Map([['requirements.txt', 'no-such-pkg==1\n']]))).toThrow(/no-such-pkg .*not in versions\.lock\.json/);
  });

  it("reads uv's output: markers, forks, hashes and multi-line via", () => {
    const parsed = parseCompiled(
      [
        'a-pkg==1.0 ; python_full_version < \'3.12\' \\',
        '    --hash=sha256:aa \\',
        '    --hash=sha256:ab',
        '    # via',
        '    #   -r in.txt',
        '    #   Parent_One',
        'a-pkg==2.0 ; python_full_version >= \'3.12\' \\',
        '    --hash=sha256:ac',
        '    # via parent-two',
        'Parent_One==3 \\',
        '    --hash=sha256:p1',
        '    # via -r in.txt',
      ].join('\n'),
    );
    expect(parsed).toEqual({
      'a-pkg': {
        via: ['parent-one', 'parent-two'],
        versions: [
          { version: '1.0', marker: "python_full_version < '3.12'", hashes: ['sha256:aa', 'sha256:ab'] },
          { version: '2.0', marker: "python_full_version >= '3.12'", hashes: ['sha256:ac'] },
        ],
      },
      'parent-one': { via: [], versions: [{ version: '3', hashes: ['sha256:p1'] }] },
    });
  });
});

describe("a project's locks", () => {
  const files = renderProject(normalizeAnswers({ name: 'demo', features: features.map((f) => f.name) }), templates, '1.2.3');
  const text = (path: string) => files.get(path)!.toString();
  const requirements = new Map([...files].filter(([p]) => /^requirements.*\.txt$/.test(p)).map(([p, c]) => [p, c.toString()]));

  it('one per requirements file, made from exactly its pins (its header lists them), each installable with --require-hashes', () => {
    expect([...files.keys()].filter((p) => p.endsWith('.lock')).sort()).toEqual(['requirements-dev.lock', 'requirements-serve.lock', 'requirements.lock']);
    for (const file of requirements.keys()) {
      const body = text(file.replace(/\.txt$/, '.lock'));
      const header = [...body.matchAll(/^# {3}(\S+)==(\S+)$/gm)].map(([, n, v]) => [n, v]);
      expect(new Map(header as [string, string][]), file).toEqual(new Map([...requirementPins(file, requirements)].sort()));
      const locked = lockedIn(body);
      for (const [name, version] of requirementPins(file, requirements)) expect(locked.get(name), `${file}: ${name}`).toEqual([version]);
      // Every requirement line carries its hashes (pip's --require-hashes refuses one without).
      expect(body, file).not.toMatch(/^[a-z0-9][^#\n]*==[^\s\\]+( ;[^\\\n]*)?\n/m);
    }
  });

  it('hold every transitive dependency: nothing a locked package needs is left out', () => {
    for (const file of requirements.keys()) {
      const locked = lockedIn(text(file.replace(/\.txt$/, '.lock')));
      for (const [name, entry] of Object.entries(lock.packages))
        if (entry.via.some((parent) => locked.has(parent))) expect(locked.has(name), `${file}: ${name} (via ${entry.via.join(', ')})`).toBe(true);
    }
  });

  it('train and serve resolve the same scikit-learn, numpy and scipy', () => {
    const train = lockedIn(text('requirements.lock'));
    const serve = lockedIn(text('requirements-serve.lock'));
    for (const name of ['scikit-learn', 'numpy', 'scipy']) {
      expect(serve.get(name), name).toBeDefined();
      expect(serve.get(name), name).toEqual(train.get(name));
    }
    // And every other package they share.
    for (const [name, found] of serve) if (train.has(name)) expect(found, name).toEqual(train.get(name));
  });

  it('dev holds everything train does, at the same versions', () => {
    const dev = lockedIn(text('requirements-dev.lock'));
    for (const [name, found] of lockedIn(text('requirements.lock'))) expect(dev.get(name), name).toEqual(found);
  });
});
