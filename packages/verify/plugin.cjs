// The Nx plugin entry (nx.json "plugins"). Nx require()s plugins, and this one is TypeScript that
// imports the feature registry from packages/core's TS source, which Nx's own transpiler (ts-node
// or swc-node, transpiling to CommonJS) does not load. So every call bundles src/plugin.ts with
// esbuild (about 0.1 s) and evaluates it here: the registry is read fresh each time Nx rebuilds
// its project graph, also in the long-lived daemon, and no loader hook is left behind.
const Module = require('node:module');
const path = require('node:path');

const entry = path.join(__dirname, 'src/plugin.ts');

async function load() {
  const { build } = require('esbuild');
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'error',
    // The bundle has no import.meta; src/tasks/context.ts falls back to the cwd, which Nx sets to the workspace root.
    logOverride: { 'empty-import-meta': 'silent' },
    plugins: [
      {
        name: 'bundle-workspace-only',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@create-ml-ci-cd/') ? undefined : { path: args.path, external: true }));
        },
      },
    ],
  });
  const filename = path.join(__dirname, 'src/plugin.bundle.cjs');
  const m = new Module(filename, module);
  m.filename = filename;
  m.paths = Module._nodeModulePaths(__dirname);
  m._compile(result.outputFiles[0].text, filename);
  return m.exports;
}

exports.name = '@create-ml-ci-cd/verify';
exports.createNodesV2 = [
  'packages/verify/src/scenarios.ts',
  async (files, options, context) => (await load()).createNodes(files, options, context),
];
exports.postTasksExecution = async (options, context) => {
  // Most runs (npm test, builds) have no scenario task: skip the bundling.
  if (!Object.keys(context.taskResults).some((id) => id.startsWith('scenario-'))) return;
  return (await load()).postTasksExecution(options, context);
};
