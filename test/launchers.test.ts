// Every way a user starts the tool, through a real local registry (verdaccio): each launcher must
// fetch the published package into an empty cache, write the same tree as the CLI run directly, and
// print the upgrade hint in its own syntax. Yarn Berry runs the package from its Plug'n'Play zip
// file system, where the render used to crash. pnpm, Yarn 1 and Bun are this workspace's
// devDependencies; Yarn Berry comes through corepack (bundled with Node 20 and 22).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, listTree, readJson, repoRoot, tempDir } from './support/cli.js';
import { startRegistry, type Registry } from './support/registry.js';

const packageDir = join(repoRoot, 'packages/create-ml-ci-cd');
const localBin = (name: string) => join(repoRoot, 'node_modules/.bin', name);
/** Yarn Berry, fetched by corepack: the version a user gets from `corepack yarn@stable` today. */
const YARN_BERRY = '4.18.1';

let registry: Registry;
let version: string;
let reference: string;
let corepackHome: string;

beforeAll(async () => {
  registry = await startRegistry({ local: ['create-ml-ci-cd'] });
  ({ version } = await registry.publish(packageDir));
  expect(version).toBe(readJson(join(packageDir, 'package.json')).version);
  corepackHome = tempDir();
  reference = tempDir();
  const direct = await cli(['demo', '--yes', '--no-git'], { cwd: reference });
  expect(direct.exitCode, direct.stderr).toBe(0);
}, 300_000);

afterAll(async () => {
  await registry?.stop();
});

/** Settings that point each launcher at the local registry and keep its caches and globals under `home`. */
const settings = {
  npm: () => ({}),
  // pnpm reads npm's config; its store goes under the fresh HOME.
  pnpm: (home: string) => ({ npm_config_store_dir: join(home, 'pnpm-store') }),
  // `yarn create` installs globally: keep its folder and bin links out of /usr/local.
  yarn1: (home: string) => ({ YARN_REGISTRY: registry.url, YARN_CACHE_FOLDER: join(home, 'yarn-cache'), YARN_GLOBAL_FOLDER: join(home, 'yarn-global'), YARN_PREFIX: join(home, 'yarn-prefix') }),
  // corepack fetches Yarn itself from npm's configured registry (no trailing slash), into a home
  // outside this repository: its package.json says "type": "module", which makes Node load yarn.js as ESM.
  berry: (home: string) => ({
    COREPACK_NPM_REGISTRY: registry.upstream,
    COREPACK_HOME: corepackHome,
    COREPACK_ENABLE_DOWNLOAD_PROMPT: '0',
    COREPACK_ENABLE_STRICT: '0',
    YARN_NPM_REGISTRY_SERVER: registry.url.replace(/\/$/, ''),
    YARN_UNSAFE_HTTP_WHITELIST: new URL(registry.url).hostname,
    YARN_ENABLE_TELEMETRY: '0',
    // Yarn 4.10+ quarantines versions published less than a day ago (npmMinimalAgeGate); this one is seconds old.
    YARN_NPM_MINIMAL_AGE_GATE: '0',
    YARN_ENABLE_GLOBAL_CACHE: '0',
    YARN_GLOBAL_FOLDER: join(home, 'yarn-global'),
  }),
  bun: (home: string) => ({ BUN_CONFIG_REGISTRY: registry.url, BUN_INSTALL_CACHE_DIR: join(home, 'bun-cache') }),
};

const spec = () => `create-ml-ci-cd@${version}`;
const init = () => `ml-ci-cd@${version}`;
const args = ['demo', '--yes', '--no-git'];

/** Launcher -> [its settings, command, argv, the upgrade hint it must print back]. */
const launchers: Record<string, () => [keyof typeof settings, string, string[], string]> = {
  'npm create': () => ['npm', 'npm', ['create', init(), '--', ...args], 'npx create-ml-ci-cd@latest upgrade'],
  'npm init': () => ['npm', 'npm', ['init', init(), '--', ...args], 'npx create-ml-ci-cd@latest upgrade'],
  npx: () => ['npm', 'npx', ['--yes', spec(), ...args], 'npx create-ml-ci-cd@latest upgrade'],
  'pnpm create': () => ['pnpm', localBin('pnpm'), ['create', init(), ...args], 'pnpm dlx create-ml-ci-cd@latest upgrade'],
  'pnpm dlx': () => ['pnpm', localBin('pnpm'), ['dlx', spec(), ...args], 'pnpm dlx create-ml-ci-cd@latest upgrade'],
  // Yarn 1's `create` takes no version: it installs the registry's latest, which is the one published above.
  'yarn create (1.x)': () => ['yarn1', localBin('yarn'), ['create', 'ml-ci-cd', ...args], 'npx create-ml-ci-cd@latest upgrade'],
  'yarn create (Berry, PnP)': () => ['berry', 'corepack', [`yarn@${YARN_BERRY}`, 'create', init(), ...args], 'yarn dlx create-ml-ci-cd@latest upgrade'],
  'yarn dlx (Berry, PnP)': () => ['berry', 'corepack', [`yarn@${YARN_BERRY}`, 'dlx', spec(), ...args], 'yarn dlx create-ml-ci-cd@latest upgrade'],
  'bun create': () => ['bun', localBin('bun'), ['create', init(), ...args], 'bunx create-ml-ci-cd@latest upgrade'],
  bunx: () => ['bun', localBin('bunx'), [spec(), ...args], 'bunx create-ml-ci-cd@latest upgrade'],
};

describe('every launcher, through a registry, from an empty cache', () => {
  it.each(Object.keys(launchers))('%s writes the same tree as the CLI and hints in its own syntax', async (name) => {
    const [family, command, argv, hint] = launchers[name]();
    const home = tempDir();
    const cwd = join(home, 'work');
    mkdirSync(cwd);
    // Yarn Berry walks up looking for a project; an empty package.json-less work dir with its own
    // .yarnrc.yml keeps it from finding this repository.
    writeFileSync(join(cwd, '.yarnrc.yml'), 'nodeLinker: pnp\n');
    const run = await execa(command, argv, { cwd, env: registry.env({ cache: registry.freshCache(), extra: { NO_COLOR: '1', HOME: home, XDG_CACHE_HOME: join(home, '.cache'), ...settings[family](home) } }), extendEnv: false, reject: false, stdin: 'ignore', timeout: 240_000 });
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain('Created demo in demo');
    expect(run.stdout).toContain(`\`${hint}\``);

    const tree = listTree(join(cwd, 'demo'));
    expect(tree).toEqual(listTree(join(reference, 'demo')));
    for (const file of tree) expect(readFileSync(join(cwd, 'demo', file)).equals(readFileSync(join(reference, 'demo', file))), file).toBe(true);
  }, 300_000);
});

describe('upgrade fetches the recorded version through the launcher that runs it', () => {
  const next = '0.999.0';
  beforeAll(async () => {
    await registry.publish(packageDir, { version: next });
  }, 300_000);

  const upgraders: Record<string, [keyof typeof settings, string, (spec: string) => string[]]> = {
    npx: ['npm', 'npx', (spec) => ['--yes', spec, 'upgrade', '--yes']],
    'pnpm dlx': ['pnpm', localBin('pnpm'), (spec) => ['dlx', spec, 'upgrade', '--yes']],
    'yarn dlx (Berry, PnP)': ['berry', 'corepack', (spec) => [`yarn@${YARN_BERRY}`, 'dlx', spec, 'upgrade', '--yes']],
    bunx: ['bun', localBin('bunx'), (spec) => [spec, 'upgrade', '--yes']],
  };
  it.each(Object.keys(upgraders))('%s', async (name) => {
    const [family, command, argv] = upgraders[name];
    const home = tempDir();
    const cwd = join(home, 'work');
    mkdirSync(cwd);
    writeFileSync(join(cwd, '.yarnrc.yml'), 'nodeLinker: pnp\n');
    const identity = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
    const created = await cli(['demo', '--yes'], { cwd, env: identity });
    expect(created.exitCode, created.stderr).toBe(0);
    const run = await execa(command, argv(`create-ml-ci-cd@${next}`), {
      cwd: join(cwd, 'demo'),
      // The launcher on PATH, as for a user who has it installed.
      env: registry.env({
        cache: registry.freshCache(),
        extra: { NO_COLOR: '1', HOME: home, XDG_CACHE_HOME: join(home, '.cache'), PATH: `${dirname(localBin('pnpm'))}${delimiter}${process.env.PATH}`, ...identity, ...settings[family](home) },
      }),
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
      timeout: 240_000,
    });
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain(`Fetching create-ml-ci-cd@${version} through ${family === 'berry' ? 'yarn' : family} to re-render`);
    expect(readJson(join(cwd, 'demo/.create-ml-ci-cd.json')).version).toBe(next);
  }, 300_000);
});
