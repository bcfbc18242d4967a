import { join } from 'node:path';
import { discoverChecks, scenario as findScenario, targetsFor, type Scenario } from '../scenarios.js';
import { checksDir, readResult, TaskContext, verifyDir, type TargetResult } from './context.js';
import { generate } from './generate.js';
import { check, pytest, setup, train } from './python.js';
import { harness } from '../ci/index.js';

export { verifyDir, readResult, type TargetResult } from './context.js';

/** The aggregate: every other target of the scenario has a passing result. */
async function verify(ctx: TaskContext): Promise<void> {
  const started = Date.now();
  const missing: string[] = [];
  const table: Record<string, { ok: boolean; seconds: number }> = {};
  for (const name of ctx.target.dependsOn) {
    const r = readResult(ctx.dir, name);
    if (!r?.ok) missing.push(`${name}: ${r ? 'failed' : 'no result'}`);
    if (r) table[name] = { ok: r.ok, seconds: r.seconds };
  }
  ctx.details.targets = table;
  ctx.record(`all ${ctx.target.dependsOn.length} targets passed`, missing.length === 0, (Date.now() - started) / 1000, missing.join('\n'));
}

/** Run one target of one scenario and write its result file; never throws for a failing check. */
export async function runTarget(target: string, project: string | Scenario, options: { quiet?: boolean } = {}): Promise<TargetResult> {
  const scenario = typeof project === 'string' ? findScenario(project) : project;
  const targets = targetsFor(scenario, discoverChecks(checksDir));
  const spec = targets.find((t) => t.name === target);
  if (!spec) throw new Error(`${scenario.project} has no target "${target}"; it has: ${targets.map((t) => t.name).join(', ')}.`);
  const ctx = new TaskContext(scenario, spec, targets, options.quiet);
  try {
    switch (spec.kind) {
      case 'generate': await generate(ctx); break;
      case 'setup': await setup(ctx); break;
      case 'train': await train(ctx); break;
      case 'pytest': await pytest(ctx); break;
      case 'lint-workflows': await harness(scenario.ci).lint(ctx); break;
      case 'run-workflow': {
        const run = harness(scenario.ci).run;
        if (!run) throw new Error(`${scenario.ci} pipelines cannot run here: ${scenario.project} has no run-workflow target.`);
        await run(ctx);
        break;
      }
      case 'check': await check(ctx, spec.check!, spec.owner); break;
      case 'verify': await verify(ctx); break;
    }
  } catch (error) {
    return ctx.finish(error);
  }
  return ctx.finish();
}

export function scenarioDir(project: string): string {
  return join(verifyDir(), project);
}
