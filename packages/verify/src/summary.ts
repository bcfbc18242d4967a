import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { discoverChecks, scenarios, targetsFor } from './scenarios.js';
import { checksDir, readResult, verifyDir } from './tasks/context.js';

/** Nx's status of a task in this run: 'success', 'failure', 'skipped', 'local-cache', ... */
export type Statuses = Record<string, string>;

export interface Cell {
  status: 'pass' | 'fail' | 'not run';
  /** Seconds the target took when it actually ran (a cache hit replays that run's result). */
  seconds?: number;
  cached?: boolean;
  error?: string;
}

export interface SummaryRow {
  scenario: string;
  about: string;
  features: string[];
  python: { project: string; venv?: string };
  lintOnly: boolean;
  /** pass: every target passed; fail: one failed; incomplete: none failed but some did not run. */
  status: 'pass' | 'fail' | 'incomplete';
  targets: Record<string, Cell>;
}

export interface Summary {
  generatedAt: string;
  wallSeconds?: number;
  totals: { scenarios: number; passed: number; failed: number; incomplete: number; tasks: number; cached: number };
  columns: string[];
  scenarios: SummaryRow[];
}

const COLUMN_ORDER = ['generate', 'lint-workflows', 'setup', 'train', 'pytest', 'run-workflow'];

/**
 * Scenarios by targets from the per-target result files (.verify/<scenario>/results/*.json). With
 * `statuses` (from Nx's postTasksExecution) only the scenarios of that run are listed, and a task
 * Nx did not run this time shows as not run even if an older result file exists.
 */
export function buildSummary(options: { statuses?: Statuses; wallSeconds?: number } = {}): Summary {
  const { statuses } = options;
  const checks = discoverChecks(checksDir);
  const rows: SummaryRow[] = [];
  const columns = new Set<string>();
  for (const s of scenarios()) {
    const dir = join(verifyDir(), s.project);
    if (statuses ? !Object.keys(statuses).some((id) => id.startsWith(`${s.project}:`)) : !existsSync(join(dir, 'results'))) continue;
    const targets: Record<string, Cell> = {};
    for (const t of targetsFor(s, checks)) {
      columns.add(t.name);
      const status = statuses?.[`${s.project}:${t.name}`];
      const result = statuses && status === undefined ? undefined : readResult(dir, t.name);
      const cached = status !== undefined && status.includes('cache');
      if (!result || status === 'skipped') targets[t.name] = { status: 'not run' };
      else
        targets[t.name] = {
          status: result.ok && status !== 'failure' ? 'pass' : 'fail',
          seconds: Math.round(result.seconds * 10) / 10,
          ...(cached ? { cached } : {}),
          ...(result.ok ? {} : { error: result.error ?? result.steps.find((x) => !x.ok)?.message }),
        };
    }
    const venv = (readResult(dir, 'setup')?.details?.python as { venv?: string } | undefined)?.venv;
    rows.push({
      scenario: s.project,
      about: s.about,
      features: s.features,
      python: { project: s.python, ...(venv ? { venv } : {}) },
      lintOnly: s.lintOnly,
      status: Object.values(targets).some((c) => c.status === 'fail')
        ? 'fail'
        : Object.values(targets).every((c) => c.status === 'pass')
          ? 'pass'
          : 'incomplete',
      targets,
    });
  }
  const cells = rows.flatMap((r) => Object.values(r.targets));
  const ordered = [...COLUMN_ORDER.filter((c) => columns.has(c)), ...[...columns].filter((c) => !COLUMN_ORDER.includes(c) && c !== 'verify').sort(), 'verify'];
  return {
    generatedAt: new Date().toISOString(),
    ...(options.wallSeconds !== undefined ? { wallSeconds: Math.round(options.wallSeconds) } : {}),
    totals: {
      scenarios: rows.length,
      passed: rows.filter((r) => r.status === 'pass').length,
      failed: rows.filter((r) => r.status === 'fail').length,
      incomplete: rows.filter((r) => r.status === 'incomplete').length,
      tasks: cells.length,
      cached: cells.filter((c) => c.cached).length,
    },
    columns: rows.length ? ordered : [],
    scenarios: rows,
  };
}

export function summaryMarkdown(summary: Summary): string {
  const cell = (c: Cell | undefined) => {
    if (!c) return '—';
    if (c.status === 'not run') return '· not run';
    return `${c.status === 'pass' ? '✅' : '❌'} ${c.seconds ?? ''}s${c.cached ? ' (cache)' : ''}`;
  };
  const { totals } = summary;
  const lines = [
    `**${totals.passed}/${totals.scenarios} scenarios passed**` +
      `${totals.failed ? `, ${totals.failed} failed` : ''}${totals.incomplete ? `, ${totals.incomplete} not fully run` : ''}` +
      `${summary.wallSeconds !== undefined ? ` in ${summary.wallSeconds}s` : ''}; ${totals.cached}/${totals.tasks} tasks from the Nx cache.`,
    '',
    `| scenario | python (project / venv) | ${summary.columns.join(' | ')} |`,
    `|---|---|${summary.columns.map(() => '---').join('|')}|`,
    ...summary.scenarios.map(
      (r) => `| \`${r.scenario}\` | ${r.python.project}${r.python.venv ? ` / ${r.python.venv}` : ''} | ${summary.columns.map((c) => cell(r.targets[c])).join(' | ')} |`,
    ),
  ];
  const failures = summary.scenarios.flatMap((r) =>
    Object.entries(r.targets)
      .filter(([, c]) => c.status === 'fail')
      .map(([t, c]) => `- \`${r.scenario}:${t}\`: ${c.error ?? 'failed'} (log: .verify/${r.scenario}/logs/${t}.log)`),
  );
  if (failures.length) lines.push('', '**Failures**', '', ...failures);
  lines.push('', 'Times are of the run that produced each result; "(cache)" marks results Nx restored instead of running; — means the scenario has no such target.');
  return `${lines.join('\n')}\n`;
}

export function writeSummary(options: { statuses?: Statuses; wallSeconds?: number } = {}): { summary: Summary; markdown: string } {
  const summary = buildSummary(options);
  const markdown = summaryMarkdown(summary);
  mkdirSync(verifyDir(), { recursive: true });
  writeFileSync(join(verifyDir(), 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(join(verifyDir(), 'summary.md'), markdown);
  return { summary, markdown };
}

// `node --import tsx packages/verify/src/summary.ts`: rebuild the summary from whatever result files exist.
if (import.meta.url && process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { markdown } = writeSummary();
  process.stdout.write(markdown);
}
