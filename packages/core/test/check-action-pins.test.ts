// scripts/check-action-pins.mjs, which the scheduled workflow runs against GitHub, run here against
// local upstream repositories (file:// URLs) so both outcomes are exercised without a network.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../../scripts/check-action-pins.mjs', import.meta.url));
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' }).trim();

let base: string;
let work: string;
const commits: Record<string, string> = {};

/** An upstream `owner/name.git` with two commits: `v1.0.0` (lightweight) on the first, `v2.0.0` (annotated) on the second. */
function upstream(name: string) {
  const src = join(work, name.replace('/', '-'));
  mkdirSync(src, { recursive: true });
  git(src, 'init', '-q');
  writeFileSync(join(src, 'action.yml'), 'runs:\n  using: node24\n');
  git(src, 'add', '.');
  git(src, 'commit', '-qm', 'one');
  commits[`${name}@v1.0.0`] = git(src, 'rev-parse', 'HEAD');
  git(src, 'tag', 'v1.0.0');
  writeFileSync(join(src, 'README.md'), 'two\n');
  git(src, 'add', '.');
  git(src, 'commit', '-qm', 'two');
  commits[`${name}@v2.0.0`] = git(src, 'rev-parse', 'HEAD');
  git(src, 'tag', '-a', 'v2.0.0', '-m', 'release');
  mkdirSync(join(base, name.split('/')[0]), { recursive: true });
  git(work, 'clone', '-q', '--bare', src, join(base, `${name}.git`));
}

function run(actions: Record<string, { sha: string; version: string }>, evidence: Record<string, { sha: string; version: string }> = {}) {
  const dir = mkdtempSync(join(work, 'case-'));
  writeFileSync(join(dir, 'versions.json'), JSON.stringify({ actions }));
  writeFileSync(join(dir, 'evidence.json'), JSON.stringify({ actions: evidence }));
  return spawnSync(process.execPath, [script, '--remote-base', `file://${base}`, '--versions', join(dir, 'versions.json'), '--evidence', join(dir, 'evidence.json')], {
    encoding: 'utf8',
  });
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'pins-'));
  base = join(work, 'remote');
  upstream('acme/setup-thing');
  upstream('acme/other');
});

describe('check-action-pins', () => {
  it('passes when every tag points at the pinned commit (lightweight and annotated tags)', () => {
    const result = run(
      { 'acme/setup-thing': { sha: commits['acme/setup-thing@v2.0.0'], version: 'v2.0.0' } },
      { 'acme/other': { sha: commits['acme/other@v1.0.0'], version: 'v1.0.0' } },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`ok acme/setup-thing v2.0.0 ${commits['acme/setup-thing@v2.0.0']}`);
    expect(result.stdout).toContain(`ok acme/other v1.0.0 ${commits['acme/other@v1.0.0']}`);
    expect(result.stdout).toContain('all 2 pins match');
  });

  it('fails loudly when a tag points elsewhere, naming the pin, the file and the commit upstream', () => {
    const wrong = commits['acme/setup-thing@v1.0.0'];
    const result = run({ 'acme/setup-thing': { sha: wrong, version: 'v2.0.0' } }, { 'acme/other': { sha: commits['acme/other@v1.0.0'], version: 'v1.0.0' } });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`MISMATCH acme/setup-thing v2.0.0: pinned ${wrong} in versions.json, but the tag points at ${commits['acme/setup-thing@v2.0.0']}`);
    expect(result.stderr).toContain('1 pinned action(s) do not match');
  });

  it('fails when versions.json and the evidence disagree, checking each', () => {
    const good = commits['acme/setup-thing@v2.0.0'];
    const stale = commits['acme/setup-thing@v1.0.0'];
    const result = run({ 'acme/setup-thing': { sha: good, version: 'v2.0.0' } }, { 'acme/setup-thing': { sha: stale, version: 'v2.0.0' } });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`ok acme/setup-thing v2.0.0 ${good}`);
    expect(result.stderr).toContain(`MISMATCH acme/setup-thing v2.0.0: pinned ${stale} in versions.evidence.json`);
  });

  it('fails for a tag that does not exist and for a repository that cannot be reached', () => {
    const result = run({ 'acme/other': { sha: commits['acme/other@v1.0.0'], version: 'v9.9.9' }, 'acme/gone': { sha: 'a'.repeat(40), version: 'v1.0.0' } });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('MISSING acme/other v9.9.9: no such tag upstream');
    expect(result.stderr).toMatch(/UNREACHABLE acme\/gone v1\.0\.0: git ls-remote failed/);
  });

  it('refuses an unknown argument in one line', () => {
    const result = spawnSync(process.execPath, [script, '--remote'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
