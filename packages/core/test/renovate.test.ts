// renovate.json (repository root) against Renovate's published schema, and its managers against
// versions.json: every pin there must be something Renovate finds, or it silently goes stale.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { versions } from '../src/index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const configFile = join(root, 'renovate.json');
// Installed by scripts/setup-tools.sh from scripts/tools-requirements.txt; a missing tool fails.
const checkJsonschema = join(root, '.tools/bin/check-jsonschema');
const config = JSON.parse(readFileSync(configFile, 'utf8'));
const versionsText = readFileSync(join(root, 'packages/core/src/versions.json'), 'utf8');

function validate(file: string) {
  expect(existsSync(checkJsonschema), `${checkJsonschema} is missing: run scripts/setup-tools.sh`).toBe(true);
  return spawnSync(checkJsonschema, ['--builtin-schema', 'vendor.renovate', file], { encoding: 'utf8' });
}

/** What a custom regex manager extracts from a file, as Renovate applies it (recursive: each regex within the previous match). */
function extract(manager: { matchStrings: string[]; matchStringsStrategy?: string }, text: string): Record<string, string>[] {
  const regexes = manager.matchStrings.map((s) => new RegExp(s, 'g'));
  if (manager.matchStringsStrategy === 'recursive') {
    let chunks = [text];
    for (const re of regexes.slice(0, -1)) chunks = chunks.flatMap((c) => [...c.matchAll(re)].map((m) => m[0]));
    return chunks.flatMap((c) => [...c.matchAll(regexes.at(-1)!)].map((m) => ({ ...m.groups })));
  }
  return regexes.flatMap((re) => [...text.matchAll(re)].map((m) => ({ ...m.groups })));
}

describe('renovate.json', () => {
  it("validates against Renovate's published schema (check-jsonschema's vendor.renovate)", () => {
    const result = validate(configFile);
    expect(result.stdout + result.stderr, 'check-jsonschema output').toContain('ok -- validation done');
    expect(result.status).toBe(0);
  });

  it('is rejected by the same check when it is wrong (the check can fail)', () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'renovate-')), 'renovate.json');
    writeFileSync(bad, JSON.stringify({ ...config, customManagers: [{ ...config.customManagers[0], matchStrings: 'not a list' }] }));
    expect(validate(bad).status).not.toBe(0);
  });

  const managers = (datasource: string) =>
    config.customManagers.filter((m: { datasourceTemplate: string; managerFilePatterns: string[] }) => m.datasourceTemplate === datasource && m.managerFilePatterns.some((p) => p.includes('versions')));

  it('finds every action in versions.json with its tag and SHA (github-tags)', () => {
    const found = managers('github-tags').flatMap((m: never) => extract(m, versionsText));
    expect(found).toEqual(Object.entries(versions.actions).map(([depName, { sha, version }]) => ({ depName, currentDigest: sha, currentValue: version })));
  });

  it('finds every PyPI pin and the uv, and nothing else (pypi)', () => {
    const found = managers('pypi').flatMap((m: never) => extract(m, versionsText));
    const expected = [...Object.entries(versions.pypi), ['uv', versions.other.uv]].map(([depName, currentValue]) => ({ depName, currentValue }));
    expect(found.sort((a: { depName: string }, b: { depName: string }) => a.depName.localeCompare(b.depName))).toEqual(expected.sort((a, b) => a.depName.localeCompare(b.depName)));
  });

  it('finds every base-image digest (docker), letting only the digest move', () => {
    const found = managers('docker').flatMap((m: never) => extract(m, versionsText));
    const images = Object.entries(versions.other).filter(([k]) => k.startsWith('python:'));
    expect(images.length).toBeGreaterThan(0);
    expect(found).toEqual(images.map(([k, digest]) => ({ depName: 'python', currentValue: k.slice('python:'.length), currentDigest: digest })));
    expect(config.packageRules).toContainEqual(expect.objectContaining({ matchDatasources: ['docker'], enabled: false, matchUpdateTypes: ['major', 'minor', 'patch'] }));
  });

  it('puts every update in one weekly group', () => {
    const group = config.packageRules.find((r: { groupName?: string }) => r.groupName);
    expect(group).toMatchObject({ matchFileNames: ['**'], schedule: [expect.stringMatching(/ \* \* 1$/)] });
    expect(config.packageRules.filter((r: { groupName?: string }) => r.groupName)).toHaveLength(1);
  });
});
