import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { features } from '@create-ml-ci-cd/core';
import { scenarios } from '../src/scenarios.js';
import { shards } from '../src/shard.js';
import { toolsBin, workspaceRoot } from '../src/tasks/context.js';
import { parseWorkflowFiles } from '../src/tasks/lint.js';

// The monorepo's own workflows get the same lint as the generated ones.
const workflow = '.github/workflows/ci.yml';
const workflows = readdirSync(join(workspaceRoot, '.github/workflows'))
  .filter((f) => f.endsWith('.yml'))
  .map((f) => `.github/workflows/${f}`);

describe('.github/workflows', () => {
  it('holds the CI, release and pin-check workflows', () => {
    expect(workflows).toEqual(expect.arrayContaining([workflow, '.github/workflows/release.yml', '.github/workflows/check-action-pins.yml']));
  });

  it('parses with @actions/workflow-parser', async () => {
    expect(await parseWorkflowFiles(workspaceRoot, workflows)).toEqual([]);
  });

  it.each([
    ['actionlint', ['-no-color', '-shellcheck', 'shellcheck', ...workflows]],
    ['zizmor', ['--offline', '--no-progress', '--color=never', ...workflows]],
  ])('passes %s', (tool, args) => {
    const bin = join(toolsBin, tool);
    expect(existsSync(bin), `${bin}: run bash scripts/setup-tools.sh`).toBe(true);
    const run = spawnSync(bin, args, { cwd: workspaceRoot, encoding: 'utf8' });
    expect(run.status, run.stdout + run.stderr).toBe(0);
  });

  it('release publishes only after the whole CI, with OIDC and no stored token', () => {
    const text = readFileSync(join(workspaceRoot, '.github/workflows/release.yml'), 'utf8');
    expect(text).toMatch(/ci:\n(?:.*\n)*?\s+uses: \.\/\.github\/workflows\/ci\.yml/);
    expect(text).toMatch(/publish:\n(?:.*\n)*?\s+needs: ci\n/);
    expect(text).toContain('id-token: write');
    expect(text).toContain('npm publish --workspace create-ml-ci-cd --provenance');
    expect(text).not.toMatch(/NODE_AUTH_TOKEN|NPM_TOKEN|secrets\./);
    expect(readFileSync(join(workspaceRoot, workflow), 'utf8')).toMatch(/^  workflow_call:$/m);
  });

  it('names no scenario or feature: shards come from the registry', () => {
    const text = readFileSync(join(workspaceRoot, workflow), 'utf8');
    for (const s of scenarios()) expect(text).not.toContain(s.project);
    for (const f of features) expect(text).not.toMatch(new RegExp(`--${f.name}\\b`));
  });
});

describe('shards', () => {
  it('cover every scenario exactly once, for any shard count', () => {
    const all = scenarios().map((s) => s.project).sort();
    for (const total of [1, 2, 4, 7, all.length + 3]) {
      const split = shards(scenarios(), total);
      expect(split).toHaveLength(total);
      expect(split.flat().sort()).toEqual(all);
    }
  });
});
