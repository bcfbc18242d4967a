// Build the published package: one esbuild bundle of the CLI with everything it imports (our
// workspaces, yeoman-generator, mem-fs, ejs, @inquirer/prompts), split so that prompts (and the
// upgrade path) load only when used; and a copy of the repo's templates/, shipped as files.
// The package has no runtime dependencies. Background: /work/shared/notes/bundling-yeoman.md.
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { analyzeMetafile, build } from 'esbuild';

const here = (path) => new URL(path, import.meta.url).pathname;

/**
 * Code create-ml-ci-cd never calls, replaced by modules whose every export throws (and says so on
 * stderr) when used: specifier -> its imported names. test/pack.test.ts runs every command from the
 * packed bundle and fails on that message. All are yeoman-generator features the CLI does itself
 * or does not need; together they are a third of the bundle's start-up time.
 */
const STUBS = {
  // `this.simpleGit`: the CLI runs git itself.
  'simple-git': ['simpleGit', 'CheckRepoActions', 'CleanOptions'],
  // `this.addDependencies()` looking versions up on npm: the project is Python.
  'latest-version': ['default'],
  // `this.spawnCommand*()`: the CLI runs git and pip itself.
  execa: ['execa', 'execaCommand', 'execaCommandSync', 'execaSync'],
  // The generator's package.json lookup: the environment passes `_meta.getPackageJson` instead.
  'read-package-up': ['readPackageUpSync'],
  // checkEnvironmentVersion compares only when the environment reports a version; ours does not.
  semver: ['lte'],
  // `this._`, all of lodash for generator authors (the patch below renames the import); the
  // generator does not use it. yeoman-generator's storage keeps its own lodash functions.
  'lodash-es?namespace': ['default'],
  // mem-fs-editor's copy, copyTpl, delete and dump (globs, binary detection, common paths): the
  // generator only writes (`this.fs.write`), and upgrade merges with its own code.
  // (@yeoman/conflicter's binary detection needs isbinaryfile and textextensions: not stubbed.)
  tinyglobby: ['glob', 'globSync', 'isDynamicPattern'],
  multimatch: ['default'],
  minimatch: ['minimatch', 'Minimatch'],
  'normalize-path': ['default'],
  commondir: ['default'],
  binaryextensions: ['default'],
  // mem-fs-editor's extendJSON and yeoman-generator's --help table.
  'deep-extend': ['default'],
  'text-table': ['default'],
};

/** Must not reach the bundle: generators/app/environment.ts replaces yeoman-environment. */
const FORBIDDEN = ['yeoman-environment', 'fly-import', '@npmcli/arborist', '@yeoman/adapter', 'ora'];

/**
 * Source edits, each checked to apply: module-relative reads that would find the wrong file (or
 * none) from dist/, and the lodash namespace import.
 */
const PATCHES = [
  {
    file: /[\\/]node_modules[\\/]yeoman-generator[\\/]dist[\\/]generator\.js$/,
    replace: [
      // Reads its own ../package.json at load: from dist/ that is create-ml-ci-cd's.
      [
        "JSON.parse(readFileSync(pathJoin(_dirname, '../package.json'), 'utf8'))",
        (path) => {
          const { name, version } = JSON.parse(readFileSync(join(dirname(path), '../package.json'), 'utf8'));
          return JSON.stringify({ name, version });
        },
      ],
      ["import * as _ from 'lodash-es';", () => "import _ from 'lodash-es?namespace';"],
    ],
  },
  {
    // Probes for picomatch relative to the bundle at load and silently goes without it.
    file: /[\\/]node_modules[\\/]fdir[\\/]dist[\\/]index\.mjs$/,
    replace: [
      ['import { createRequire } from "module";', () => 'import { createRequire } from "module";\nimport __picomatch from "picomatch";'],
      ['try {\n\t__require.resolve("picomatch");\n\tpm = __require("picomatch");\n} catch {}', () => 'pm = __picomatch;'],
    ],
  },
];

const stubPlugin = {
  name: 'stubs',
  setup(b) {
    const filter = new RegExp(`^(${Object.keys(STUBS).map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`);
    b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, (args) => ({
      loader: 'js',
      contents: [
        `const fail = (what) => { const message = \`create-ml-ci-cd: stubbed dependency \${what} was called (see STUBS in build.mjs).\`; process.stderr.write(message + '\\n'); throw new Error(message); };`,
        `const stub = (what) => new Proxy(function () {}, { get: () => fail(what), apply: () => fail(what), construct: () => fail(what) });`,
        ...STUBS[args.path].map((name) =>
          name === 'default' ? `export default stub(${JSON.stringify(args.path)});` : `export const ${name} = stub(${JSON.stringify(`${args.path}.${name}`)});`,
        ),
      ].join('\n'),
    }));
  },
};

/**
 * `import { input } from '@inquirer/prompts'` would bundle every prompt, the editor prompt with its
 * character-set tables (iconv-lite, chardet: 600 kB) included, because @inquirer's packages do not
 * declare `sideEffects: false`. They have none at import time; saying so lets esbuild drop the
 * prompts that are never imported.
 */
const pureImportsPlugin = {
  name: 'pure-imports',
  setup(b) {
    b.onResolve({ filter: /^@inquirer\// }, async (args) => {
      if (args.pluginData?.pure) return undefined;
      const resolved = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: { pure: true } });
      return resolved.errors.length > 0 ? undefined : { ...resolved, sideEffects: false };
    });
  },
};

/**
 * Packages the dependency tree holds twice at the same major (ejs 6 for core and mem-fs-editor),
 * each copy bundled in full. Every import of these names resolves to the copy mem-fs-editor uses:
 * one copy in the bundle, checked to share the major.
 */
const ONE_COPY = ['ejs'];
const oneCopyPlugin = {
  name: 'one-copy',
  setup(b) {
    const anchor = dirname(createRequire(import.meta.url).resolve('mem-fs-editor'));
    const major = (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version.split('.')[0];
    const packageDir = (file, name) => file.slice(0, file.lastIndexOf(`node_modules/${name}/`) + `node_modules/${name}`.length);
    b.onResolve({ filter: new RegExp(`^(${ONE_COPY.join('|')})$`) }, async (args) => {
      if (args.pluginData?.oneCopy) return undefined;
      const [mine, theirs] = await Promise.all(
        [args.resolveDir, anchor].map((resolveDir) => b.resolve(args.path, { kind: args.kind, resolveDir, importer: args.importer, pluginData: { oneCopy: true } })),
      );
      if (mine.errors.length > 0 || theirs.errors.length > 0) return undefined;
      if (major(packageDir(mine.path, args.path)) !== major(packageDir(theirs.path, args.path)))
        throw new Error(`build.mjs: ${args.importer} needs another major of ${args.path} than mem-fs-editor; take it out of ONE_COPY.`);
      return theirs;
    });
  },
};

const patchPlugin = {
  name: 'patches',
  setup(b) {
    for (const patch of PATCHES) {
      b.onLoad({ filter: patch.file }, (args) => {
        let source = readFileSync(args.path, 'utf8');
        for (const [from, to] of patch.replace) {
          if (!source.includes(from)) throw new Error(`build.mjs: ${args.path} changed; update its patch (expected ${JSON.stringify(from)}).`);
          source = source.replace(from, to(args.path));
        }
        return { loader: 'js', contents: source };
      });
    }
  },
};

/** Licenses of the bundled packages, which MIT and friends ask to ship with copies of the code. */
function writeLicenses(metafile) {
  const packages = new Map();
  const inputs = Object.values(metafile.outputs).flatMap((output) => Object.entries(output.inputs));
  for (const [input] of inputs.filter(([, { bytesInOutput }]) => bytesInOutput > 0)) {
    const match = /^(.*node_modules\/)((?:@[^/]+\/)?[^/]+)\//.exec(input);
    // Paths are relative to absWorkingDir (this directory).
    if (match) packages.set(match[2], join(here('.'), match[1], match[2]));
  }
  const sections = [...packages].sort(([a], [b]) => a.localeCompare(b)).map(([name, dir]) => {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)/i.test(f));
    const text = file ? readFileSync(join(dir, file), 'utf8').trim() : `${pkg.license ?? 'UNKNOWN'} (no license file in the package)`;
    return `## ${name}@${pkg.version} (${pkg.license ?? 'UNKNOWN'})\n\n\`\`\`\n${text}\n\`\`\``;
  });
  writeFileSync(join(stage, 'dist/THIRD-PARTY-LICENSES.md'), `# Licenses of the packages bundled into dist/\n\n${sections.join('\n\n')}\n`);
  return [...packages.keys()];
}

// Built aside and swapped in at the end: tests and verify tasks running the CLI meanwhile see the
// previous build or this one, never a half-written or missing dist/.
const stage = here(`.build-${process.pid}/`);
rmSync(stage, { recursive: true, force: true });
// Tool caches that running linters or tests inside templates/ leaves behind are not templates (npm
// would drop those with their own .gitignore from the tarball, and the repo build would render them).
const NOT_TEMPLATES = new Set(['.ruff_cache', '__pycache__', '.pytest_cache', '.mypy_cache', 'node_modules', '.DS_Store']);
cpSync(here('../../templates'), join(stage, 'templates'), { recursive: true, filter: (path) => !NOT_TEMPLATES.has(path.split('/').pop()) });

const result = await build({
  entryPoints: [here('src/cli.ts')],
  outdir: join(stage, 'dist'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  absWorkingDir: here('.'),
  target: 'node20.19',
  // CommonJS dependencies require() Node built-ins, which an ESM bundle can only do through
  // createRequire. The names are our own: a bundled module may declare its own __filename.
  banner: {
    js: [
      "import { createRequire as __cmlCreateRequire } from 'node:module';",
      "import { dirname as __cmlDirname } from 'node:path';",
      "import { fileURLToPath as __cmlFileURLToPath } from 'node:url';",
      'const require = __cmlCreateRequire(import.meta.url);',
      'const __cml_filename = __cmlFileURLToPath(import.meta.url);',
      'const __cml_dirname = __cmlDirname(__cml_filename);',
    ].join('\n'),
  },
  define: { __filename: '__cml_filename', __dirname: '__cml_dirname' },
  plugins: [stubPlugin, oneCopyPlugin, pureImportsPlugin, patchPlugin],
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});

const bundled = writeLicenses(result.metafile);
const forbidden = bundled.filter((name) => FORBIDDEN.includes(name));
if (forbidden.length > 0) throw new Error(`build.mjs: ${forbidden.join(', ')} reached the bundle; see FORBIDDEN.`);
for (const name of ['dist', 'templates']) {
  const old = here(`${name}.old-${process.pid}`);
  if (existsSync(here(name))) renameSync(here(name), old);
  renameSync(join(stage, name), here(name));
  rmSync(old, { recursive: true, force: true });
}
rmSync(stage, { recursive: true, force: true });
const outputs = Object.entries(result.metafile.outputs).map(([path, { bytes }]) => `${path.replace(/^\.build-\d+\//, '')} ${(bytes / 1024).toFixed(0)} kB`);
console.log(`Bundled ${bundled.length} packages: ${outputs.join(', ')}`);
// `ANALYZE=1 node build.mjs` lists what each output file is made of.
if (process.env.ANALYZE) console.log(await analyzeMetafile(result.metafile));
