import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { features } from '@create-ml-ci-cd/core';
import { scenarios } from '../src/scenarios.js';
import { shards } from '../src/shard.js';
import { toolsBin, workspaceRoot } from '../src/tasks/context.js';
import { parseWorkflowFiles } from '../src/tasks/lint.js';

// The monorepo's own workflow gets the same lint as the generated ones.
const workflow = '.github/workflows/ci.yml';

describe(workflow, () => {
  it('parses with @actions/workflow-parser', async () => {
    expect(await parseWorkflowFiles(workspaceRoot, [workflow])).toEqual([]);
  });

  it.each([
    ['actionlint', ['-no-color', '-shellcheck', 'shellcheck', workflow]],
    ['zizmor', ['--offline', '--no-progress', '--color=never', workflow]],
  ])('passes %s', (tool, args) => {
    const bin = join(toolsBin, tool);
    expect(existsSync(bin), `${bin}: run bash scripts/setup-tools.sh`).toBe(true);
    const run = spawnSync(bin, args, { cwd: workspaceRoot, encoding: 'utf8' });
    expect(run.status, run.stdout + run.stderr).toBe(0);
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
