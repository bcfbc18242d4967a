import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { scenarios } from '../src/scenarios.js';
import { buildSummary, summaryMarkdown } from '../src/summary.js';
import { writeResult, type TargetResult } from '../src/tasks/context.js';

const result = (scenario: string, target: string, ok: boolean, seconds: number): TargetResult => ({
  scenario,
  target,
  ok,
  seconds,
  finishedAt: '2025-01-01T00:00:00Z',
  steps: ok ? [] : [{ name: 'actionlint', command: 'actionlint', ok: false, seconds: 1, exitCode: 1, message: 'ml.yml:3:5: bad' }],
  log: `logs/${target}.log`,
});

afterEach(() => vi.unstubAllEnvs());

describe('summary', () => {
  it('tabulates scenarios by targets from the result files, with Nx cache hits and failures', () => {
    const dir = mkdtempSync(join(tmpdir(), 'verify-summary-'));
    vi.stubEnv('CREATE_ML_CI_CD_VERIFY_DIR', dir);
    const [a, b] = scenarios();
    writeResult(join(dir, a.project), result(a.project, 'generate', true, 1.23));
    writeResult(join(dir, a.project), result(a.project, 'lint-workflows', true, 2));
    writeResult(join(dir, b.project), result(b.project, 'generate', true, 1));
    writeResult(join(dir, b.project), result(b.project, 'lint-workflows', false, 3));

    const summary = buildSummary({
      statuses: {
        [`${a.project}:generate`]: 'local-cache',
        [`${a.project}:lint-workflows`]: 'success',
        [`${b.project}:generate`]: 'success',
        [`${b.project}:lint-workflows`]: 'failure',
      },
    });
    expect(summary.scenarios.map((r) => r.scenario)).toEqual([a.project, b.project]);
    expect(summary.scenarios[0].targets.generate).toEqual({ status: 'pass', seconds: 1.2, cached: true });
    expect(summary.scenarios[0].targets.train).toEqual({ status: 'not run' });
    expect(summary.scenarios[0].status).toBe('incomplete');
    expect(summary.scenarios[1].status).toBe('fail');
    expect(summary.totals).toMatchObject({ scenarios: 2, passed: 0, failed: 1, incomplete: 1, cached: 1 });

    const md = summaryMarkdown(summary);
    expect(md).toContain(`| \`${a.project}\` |`);
    expect(md).toContain('✅ 1.2s (cache)');
    expect(md).toContain(`\`${b.project}:lint-workflows\`: ml.yml:3:5: bad`);
  });
});
