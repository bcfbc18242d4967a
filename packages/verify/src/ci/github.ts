import type { CiProvider } from './index.js';

const isWorkflow = (f: string) => /^\.github\/workflows\/[^/]+\.ya?ml$/.test(f);

/**
 * GitHub Actions: @actions/workflow-parser, actionlint, zizmor; act with the local stand-ins
 * (verify/run-workflow.mjs). Loaded when a target runs: the Nx plugin reads this module too, and
 * cannot load the workflow parser.
 */
export const github: CiProvider = {
  name: 'github',
  files: (files) => files.filter(isWorkflow),
  lint: async (ctx) => (await import('../tasks/lint.js')).lintWorkflows(ctx),
  run: async (ctx) => (await import('../tasks/workflow.js')).runWorkflows(ctx),
  runInputs: ['verify/run-workflow.mjs', 'verify/actions/**/*'],
};
