import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { parseAction } from '@actions/workflow-parser/actions/action-parser';
import { tool, type TaskContext } from './context.js';
import { projectFiles } from './generate.js';

export const isWorkflow = (f: string) => /^\.github\/workflows\/[^/]+\.ya?ml$/.test(f);
const isAction = (f: string) => /^\.github\/actions\/.+\/action\.ya?ml$/.test(f) || /^action\.ya?ml$/.test(f);
const isDockerfile = (f: string) => /^(Dockerfile|.+\.Dockerfile|Dockerfile\..+)$/.test(basename(f));

/**
 * Parse workflows and action files with GitHub's own parser (@actions/workflow-parser, the one
 * behind the Actions VS Code extension): schema errors, bad expressions, unknown keys. Returns
 * one line per error; empty when everything parses.
 */
export async function parseWorkflowFiles(root: string, files: string[]): Promise<string[]> {
  const errors: string[] = [];
  const trace = new NoOperationTraceWriter();
  for (const file of files) {
    const content = readFileSync(join(root, file), 'utf8');
    if (isWorkflow(file)) {
      const parsed = parseWorkflow({ name: file, content }, trace);
      if (parsed.value) await convertWorkflowTemplate(parsed.context, parsed.value);
      for (const e of parsed.context.errors.getErrors()) errors.push(`${file}: ${e.message}`);
    } else {
      const parsed = parseAction({ name: file, content }, trace);
      for (const e of parsed.context.errors.getErrors()) errors.push(`${file}: ${e.message}`);
    }
  }
  return errors;
}

/** Static checks of the generated project's workflows (and Dockerfiles): every tool must report nothing. */
export async function lintWorkflows(ctx: TaskContext): Promise<void> {
  const files = projectFiles(ctx.project);
  const workflows = files.filter(isWorkflow);
  const actions = files.filter(isAction);
  const dockerfiles = files.filter(isDockerfile);
  ctx.details.workflows = workflows;
  ctx.details.dockerfiles = dockerfiles;
  if (workflows.length === 0) throw new Error('The generated project has no .github/workflows/*.yml.');

  const started = Date.now();
  const errors = await parseWorkflowFiles(ctx.project, [...workflows, ...actions]);
  ctx.record('@actions/workflow-parser', errors.length === 0, (Date.now() - started) / 1000, errors.join('\n'));

  const shellcheck = spawnSync('sh', ['-c', 'command -v shellcheck'], { encoding: 'utf8' }).stdout.trim();
  if (!shellcheck) throw new Error('shellcheck is not on PATH; actionlint would skip run: scripts. Run: bash scripts/setup-tools.sh');
  const opts = { cwd: ctx.project, allowFailure: true };
  await ctx.run('actionlint (with shellcheck)', tool('actionlint'), ['-no-color', '-shellcheck', shellcheck, ...workflows], opts);
  await ctx.run('zizmor --offline', tool('zizmor'), ['--offline', '--no-progress', '--color=never', '--strict-collection', '.'], opts);
  for (const dockerfile of dockerfiles) await ctx.run(`hadolint ${dockerfile}`, tool('hadolint'), ['--no-color', dockerfile], opts);
}
