import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, listTree, readJson, repoRoot, tempDir } from './support/cli.js';
import { startRegistry, type Registry } from './support/registry.js';

const packageDir = join(repoRoot, 'packages/create-ml-ci-cd');

let registry: Registry;
let version: string;

beforeAll(async () => {
  registry = await startRegistry({ local: ['create-ml-ci-cd'] });
  // Its own version: create-ml-ci-cd is local-only in the registry, so no upstream release is mixed in.
  ({ version } = await registry.publish(packageDir));
  expect(version).toBe(readJson(join(packageDir, 'package.json')).version);
}, 300_000);

afterAll(async () => {
  await registry?.stop();
});

describe('npm create ml-ci-cd, through a registry', () => {
  it('creates the same project as the CLI run directly, for a user with an empty npm cache', async () => {
    const cwd = tempDir();
    const cache = registry.freshCache();
    const created = await execa('npm', ['create', `ml-ci-cd@${version}`, '--', 'demo', '--yes', '--no-git'], {
      cwd,
      env: registry.env({ cache, extra: { NO_COLOR: '1' } }),
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
    });
    expect(created.exitCode, created.stderr).toBe(0);
    expect(created.stdout).toContain('Created demo in demo');

    const direct = tempDir();
    const reference = await cli(['demo', '--yes', '--no-git'], { cwd: direct });
    expect(reference.exitCode, reference.stderr).toBe(0);

    const tree = listTree(join(cwd, 'demo'));
    expect(tree).toEqual(listTree(join(direct, 'demo')));
    for (const file of tree) expect(readFileSync(join(cwd, 'demo', file), 'utf8'), file).toBe(readFileSync(join(direct, 'demo', file), 'utf8'));
    // The package came from the registry into the new cache, not from this checkout.
    expect(listTree(cache).some((path) => path.startsWith('_cacache/'))).toBe(true);
  });
});
