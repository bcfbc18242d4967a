import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { workspaceRoot } from '../root.js';
import { tool, type StepResult, type TaskContext } from '../tasks/context.js';
import { projectFiles } from '../tasks/generate.js';
import type { CiProvider } from './index.js';

const PIPELINE = 'Jenkinsfile';
const isDockerfile = (f: string) => /^(Dockerfile|.+\.Dockerfile|Dockerfile\..+)$/.test(basename(f));
/** 16.2.0 exactly (root package.json): it runs on Node 20; later majors need Node 22. */
const groovyLint = join(workspaceRoot, 'node_modules/.bin/npm-groovy-lint');
/** Groovy's parser (scripts/setup-tools.sh links the pinned jar here) and the checker that walks its AST. */
export const groovyJar = join(workspaceRoot, '.tools/lib/groovy.jar');
export const declarativeCheck = join(workspaceRoot, 'verify/jenkins/declarative.groovy');
const groovyLintConfig = join(workspaceRoot, 'verify/jenkins/groovylintrc.json');

type Run = (name: string, command: string, args: string[], options: { cwd?: string; allowFailure?: boolean; stdout?: (text: string) => void }) => Promise<StepResult>;

/**
 * The structural check of a Jenkinsfile (verify/jenkins/declarative.groovy) on Groovy's own parser:
 * one line per problem, `Jenkinsfile:LINE: ...`. Exported for the broken-file tests.
 */
export function declarativeArgs(jenkinsfile: string, project: string): { command: string; args: string[] } {
  if (!existsSync(groovyJar)) throw new Error(`${groovyJar} is missing. Run: bash scripts/setup-tools.sh`);
  // C1 only: the checker runs once and exits, so the optimizing compiler would only cost time.
  return { command: 'java', args: ['-XX:TieredStopAtLevel=1', '-cp', groovyJar, 'groovy.ui.GroovyMain', declarativeCheck, jenkinsfile, project] };
}

/** npm-groovy-lint's command for one file: errors and warnings fail (verify/jenkins/groovylintrc.json). */
export function groovyLintArgs(jenkinsfile: string): { command: string; args: string[] } {
  if (!existsSync(groovyLint)) throw new Error(`${groovyLint} is missing: run npm ci at the repository root.`);
  // --noserver: no CodeNarc server left running after the step.
  return { command: groovyLint, args: ['--noserver', '--config', groovyLintConfig, '--failon', 'warning', '--output', 'txt', jenkinsfile] };
}

async function lintJenkinsfile(run: Run, jenkinsfile: string, project: string): Promise<void> {
  const lint = groovyLintArgs(jenkinsfile);
  await run('npm-groovy-lint (Groovy syntax, CodeNarc rules for Jenkinsfiles)', lint.command, lint.args, { cwd: project, allowFailure: true });
  const check = declarativeArgs(jenkinsfile, project);
  await run('Declarative structure on the Groovy AST (verify/jenkins/declarative.groovy)', check.command, check.args, { cwd: project, allowFailure: true });
}

/**
 * Jenkins cannot run here (its distribution is on no registry these machines reach), so its pipeline
 * is linted and structure-checked only; the scripts its stages call run in the other providers'
 * scenarios. hadolint for Dockerfiles, as for GitLab.
 */
async function lint(ctx: TaskContext): Promise<void> {
  const files = projectFiles(ctx.project);
  if (!files.includes(PIPELINE)) throw new Error(`The generated project has no ${PIPELINE}.`);
  const others = files.filter((f) => f.startsWith('.github/') || f === '.gitlab-ci.yml' || f.startsWith('.gitlab/'));
  ctx.record('no GitHub or GitLab files in a Jenkins project', others.length === 0, 0, others.join('\n'));
  ctx.details.workflows = [PIPELINE];
  ctx.details.notRunHere = 'Jenkins itself: the Jenkinsfile is linted and its Declarative structure checked, not run';
  await lintJenkinsfile((name, command, args, options) => ctx.run(name, command, args, options), PIPELINE, ctx.project);
  for (const dockerfile of files.filter(isDockerfile)) await ctx.run(`hadolint ${dockerfile}`, tool('hadolint'), ['--no-color', dockerfile], { cwd: ctx.project, allowFailure: true });
}

export const jenkins: CiProvider = {
  name: 'jenkins',
  files: (files) => files.filter((f) => f === PIPELINE),
  lint,
  lintInputs: ['verify/jenkins/**/*', 'scripts/setup-tools.sh', 'package-lock.json'],
};
