import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UserError, features, normalizeAnswers, packageManagers, renderProject, versions } from '../src/index.js';
import { dvcRemoteKinds } from '../src/features/dvc.js';
import evidence from '../src/versions.evidence.json' with { type: 'json' };

const root = fileURLToPath(new URL('../../../', import.meta.url));
const templates = `${root}templates`;
type Evidence = { version: string; sha: string; runtime: string; checked: string; usedBy: 'templates' | 'repository'; newestKnownUv?: string };
const semver = (v: string) => v.split('.').map(Number);
const atMost = (a: string, b: string) => {
  const [x, y] = [semver(a), semver(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) < (y[i] ?? 0);
  return true;
};
const recorded = evidence.actions as Record<string, Evidence>;

/** Every `uses: owner/repo[/sub]@sha # vX.Y.Z` in a workflow's text, local (`./`) calls left out. */
function pinsIn(text: string): { name: string; sha: string; comment: string }[] {
  return [...text.matchAll(/^\s*(?:-\s+)?uses:\s*([^\s@]+)@(\S+)\s*(?:#\s*(\S+))?/gm)]
    .filter(([, name]) => !name.startsWith('./'))
    .map(([, name, sha, comment]) => ({ name: name.split('/').slice(0, 2).join('/'), sha, comment: comment ?? '' }));
}

/**
 * The projects every feature and package manager produce, with each kind of DVC remote (each logs in
 * with its own action): all the workflows a user can get.
 */
function everyGeneratedWorkflow(): [string, string][] {
  const out: [string, string][] = [];
  for (const packageManager of packageManagers)
    for (const remote of [undefined, ...Object.keys(dvcRemoteKinds).map((kind) => `${kind}://demo-bucket/dvc`)]) {
      const answers = normalizeAnswers({ name: 'demo', packageManager, features: features.map((f) => f.name), dvcRemote: remote });
      for (const [path, contents] of renderProject(answers, templates, '0.0.0'))
        if (path.startsWith('.github/workflows/')) out.push([`${packageManager}:${remote ?? 'local'}:${path}`, contents.toString()]);
    }
  return out;
}

describe('versions.evidence.json', () => {
  it('has, for every action in versions.json, the same tag and SHA checked upstream', () => {
    for (const [name, { sha, version }] of Object.entries(versions.actions)) {
      expect(recorded[name], `${name}: no evidence in versions.evidence.json`).toBeDefined();
      expect({ sha: recorded[name].sha, version: recorded[name].version }, name).toEqual({ sha, version });
      expect(recorded[name].usedBy, name).toBe('templates');
    }
  });

  it('records nothing the templates do not pin, except this repository\'s own workflow actions', () => {
    for (const [name, e] of Object.entries(recorded))
      if (e.usedBy === 'templates') expect(Object.keys(versions.actions), name).toContain(name);
  });

  it('pins exact release tags with full SHAs, each checked on a date', () => {
    for (const [name, e] of Object.entries(recorded)) {
      expect(e.version, name).toMatch(/^v\d+\.\d+\.\d+$/);
      expect(e.sha, name).toMatch(/^[0-9a-f]{40}$/);
      expect(e.checked, name).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('has no action on Node 20 or older (GitHub removed Node 20 from its runners in September 2026)', () => {
    for (const [name, { runtime }] of Object.entries(recorded)) {
      const node = /^node(\d+)$/.exec(runtime);
      if (node) expect(Number(node[1]), `${name} runs on ${runtime}`).toBeGreaterThanOrEqual(24);
      else expect(['composite', 'docker'], `${name} runs on ${runtime}`).toContain(runtime);
    }
  });
});

describe('supported Pythons', () => {
  it('are the CPython versions still supported upstream (3.10 reached end of life in October 2026), lowest first', () => {
    expect(versions.python.supported).toEqual(['3.11', '3.12', '3.13', '3.14']);
    expect(versions.python.supported).toContain(versions.python.default);
  });

  it('have a pinned base-image digest each, or are refused with a feature that builds an image', () => {
    const building = features.filter((f) => f.baseImages);
    expect(building.length).toBeGreaterThan(0);
    for (const python of versions.python.supported)
      for (const f of building) {
        const missing = f.baseImages!(python).filter((image) => !Object.hasOwn(versions.other, image));
        const make = () => normalizeAnswers({ name: 'demo', python, features: [f.name] });
        if (missing.length === 0) expect(make().python).toBe(python);
        else {
          expect(make).toThrow(UserError);
          expect(make).toThrow(new RegExp(`${f.name} with Python ${python.replace('.', '\\.')} needs the base image ${missing[0]}`));
          expect(normalizeAnswers({ name: 'demo', python }).python, 'without the feature it is accepted').toBe(python);
        }
      }
  });

  it('pin every base-image digest as sha256 of 64 hex digits, only for supported Pythons', () => {
    for (const [key, value] of Object.entries(versions.other).filter(([k]) => k.startsWith('python:'))) {
      expect(value, key).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(versions.python.supported, key).toContain(/^python:(\d+\.\d+)-slim$/.exec(key)?.[1]);
    }
    expect(Object.hasOwn(versions.other, `python:${versions.python.default}-slim`), 'the default Python must work with every feature').toBe(true);
  });
});

describe('the pinned uv', () => {
  it('is one whose release checksum the pinned setup-uv knows, so the download is verified', () => {
    const known = recorded['astral-sh/setup-uv'].newestKnownUv;
    expect(known, 'versions.evidence.json: astral-sh/setup-uv.newestKnownUv').toMatch(/^\d+\.\d+\.\d+$/);
    expect(versions.other.uv).toMatch(/^\d+\.\d+\.\d+$/);
    expect(atMost(versions.other.uv, known!), `uv ${versions.other.uv} is newer than setup-uv's table (${known})`).toBe(true);
  });
});

describe('pinned actions', () => {
  it('are each used by some template (nothing pinned that no project gets)', () => {
    const used = new Set(everyGeneratedWorkflow().flatMap(([, text]) => pinsIn(text).map((p) => p.name)));
    expect([...used].sort()).toEqual(Object.keys(versions.actions).sort());
  });

  it('appear in every generated workflow by SHA, with the exact tag the evidence names', () => {
    const workflows = everyGeneratedWorkflow();
    expect(workflows.length).toBeGreaterThan(0);
    for (const [path, text] of workflows)
      for (const { name, sha, comment } of pinsIn(text)) {
        expect(recorded[name], `${path}: ${name} has no evidence`).toBeDefined();
        expect({ sha, comment }, `${path}: ${name}`).toEqual({ sha: recorded[name].sha, comment: recorded[name].version });
      }
  });

  it("appear in this repository's own workflows by SHA, with the exact tag the evidence names", () => {
    const dir = `${root}.github/workflows`;
    const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files)
      for (const { name, sha, comment } of pinsIn(readFileSync(`${dir}/${file}`, 'utf8'))) {
        expect(recorded[name], `${file}: ${name} has no evidence in versions.evidence.json`).toBeDefined();
        expect({ sha, comment }, `${file}: ${name}`).toEqual({ sha: recorded[name].sha, comment: recorded[name].version });
      }
  });
});

describe('the generated Dependabot config', () => {
  it('groups every action update, majors too, into one pull request', () => {
    const files = renderProject(normalizeAnswers({ name: 'demo', features: features.map((f) => f.name) }), templates, '0.0.0');
    const text = files.get('.github/dependabot.yml')!.toString();
    const actions = /- package-ecosystem: github-actions\n([\s\S]*?)(?=\n {2}- package-ecosystem:|$)/.exec(text)?.[1] ?? '';
    expect(actions).toMatch(/groups:\n {6}github-actions:\n {8}patterns: \["\*"\]\n {8}update-types: \[major, minor, patch\]\n/);
  });
});
