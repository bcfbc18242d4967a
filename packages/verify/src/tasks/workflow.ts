import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { workspaceRoot, type TaskContext } from './context.js';
import { projectFiles } from './generate.js';
import { isWorkflow } from './lint.js';
import { ensureVenv, ensureWheelhouse, uvCacheDir } from './python.js';

export const EVENTS = ['push', 'pull_request'] as const;

/** The events a workflow's `on:` lists (string, list or map form). */
export function triggers(workflowYaml: string): string[] {
  const on = (parse(workflowYaml) as { on?: unknown } | null)?.on;
  if (typeof on === 'string') return [on];
  if (Array.isArray(on)) return on.map(String);
  if (on && typeof on === 'object') return Object.keys(on);
  return [];
}

interface StepReport {
  id: string;
  stage: string;
  name: string;
  result: string | null;
  reason: string | null;
}
interface JobReport {
  job: string;
  result: string | null;
  reason: string | null;
  steps: StepReport[];
}

/** Per job: which steps ran and which were skipped (and why), from run-workflow.mjs's report. */
export function stepTable(jobs: JobReport[]) {
  return jobs.map((j) => {
    // Top-level Main steps are the workflow's own steps; Pre/Post and composite inner steps are the actions'.
    const steps = j.steps.filter((s) => s.stage === 'Main' && !s.id.includes('.'));
    return {
      job: j.job,
      result: j.result,
      ...(j.reason ? { reason: j.reason } : {}),
      ran: steps.filter((s) => s.result === 'success' || s.result === 'failure').map((s) => `${s.name}${s.result === 'failure' ? ' (FAILED)' : ''}`),
      skipped: steps.filter((s) => s.result === 'skipped').map((s) => `${s.name}${s.reason ? ` (${s.reason})` : ''}`),
    };
  });
}

/**
 * Run every workflow of the project that triggers on push or pull_request with act in host mode
 * (verify/run-workflow.mjs: local stand-ins for the official actions, no container engine). Steps
 * that cannot run here are skipped by the workflow's own `if:` conditions; the report says which.
 */
export async function runWorkflows(ctx: TaskContext): Promise<void> {
  const script = join(workspaceRoot, 'verify/run-workflow.mjs');
  if (!existsSync(script)) throw new Error(`${script} is missing.`);
  const workflows = projectFiles(ctx.project).filter(isWorkflow);
  const wheels = await ensureWheelhouse(ctx, await ensureVenv(ctx));
  // pip installs from the wheelhouse; uv from the cache the setup target filled (uv's cache, unlike pip's, works here).
  const uvCache = uvCacheDir();
  ctx.details.wheelhouse = wheels ? `pip installs ran with PIP_NO_INDEX=1 PIP_FIND_LINKS=${wheels}` : `uv installs ran with UV_CACHE_DIR=${uvCache}`;
  const env = { ...process.env, UV_CACHE_DIR: uvCache, ...(wheels ? { PIP_NO_INDEX: '1', PIP_FIND_LINKS: wheels } : {}) };
  const work = ctx.freshDir('act');
  const reportsDir = join(ctx.dir, 'results', 'run-workflow');
  rmSync(reportsDir, { recursive: true, force: true });
  mkdirSync(reportsDir, { recursive: true });
  const runs: Record<string, unknown>[] = [];
  for (const workflow of workflows) {
    const events = triggers(readFileSync(join(ctx.project, workflow), 'utf8'));
    for (const event of EVENTS) {
      const name = `${workflow.replace(/^\.github\/workflows\//, '').replace(/\.ya?ml$/, '')}-${event}`;
      if (!events.includes(event)) {
        runs.push({ workflow, event, ran: false, reason: `not triggered by ${event}` });
        continue;
      }
      const report = join(reportsDir, `${name}.json`);
      const step = await ctx.run(`act ${event} ${workflow}`, process.execPath, [
        script, ctx.project, workflow, event,
        '--work-dir', join(work, name),
        // One actions/cache store per scenario: the pull_request run restores what the push run saved.
        '--cache-dir', join(work, 'cache'),
        '--report', report,
        '--quiet',
      ], { cwd: workspaceRoot, allowFailure: true, env });
      const parsed = existsSync(report) ? (JSON.parse(readFileSync(report, 'utf8')) as { ok: boolean; seconds: number; jobs: JobReport[]; artifacts: string[] }) : undefined;
      runs.push({
        workflow,
        event,
        ran: true,
        ok: step.ok && parsed?.ok === true,
        seconds: parsed?.seconds,
        artifacts: parsed?.artifacts,
        jobs: parsed ? stepTable(parsed.jobs) : [],
        report: `results/run-workflow/${name}.json`,
      });
    }
  }
  ctx.details.runs = runs;
  if (!runs.some((r) => r.ran)) throw new Error(`No workflow triggers on ${EVENTS.join(' or ')}.`);
}
