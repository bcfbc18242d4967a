// Run one target of one scenario: `node --import tsx packages/verify/src/tasks/cli.ts <target> <scenario>`.
// Nx runs this (see ../plugin.ts); it also works by hand. Writes .verify/<scenario>/results/<target>.json.
import { join } from 'node:path';
import { runTarget, scenarioDir } from './index.js';

const [target, project, ...rest] = process.argv.slice(2);
if (!target || !project || rest.length) {
  console.error('usage: cli.ts <target> <scenario>   e.g. cli.ts generate scenario-base');
  process.exit(2);
}
const result = await runTarget(target, project);
if (!result.ok) {
  console.error(`${project}:${target} failed${result.error ? `: ${result.error}` : ''}. Log: ${join(scenarioDir(project), result.log)}`);
  process.exitCode = 1;
}
