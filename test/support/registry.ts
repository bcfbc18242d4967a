// A throwaway npm registry for end-to-end tests and the benchmark: verdaccio on 127.0.0.1 with
// its storage in a temp directory. Packages named in `local` are served only from what is
// published to it; every other package is proxied to the upstream registry.
//
//   const registry = await startRegistry();
//   const { version } = await registry.publish('packages/create-ml-ci-cd', { version: '0.2.0' });
//   execa('npm', ['create', `ml-ci-cd@${version}`, '--', 'demo'], { env: registry.env() });
//   await registry.stop();
//
// Only Node built-ins are imported here: bench/run.mjs loads this file too (compiled by esbuild).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

export interface RegistryOptions {
  /** Packages that never reach the upstream registry: only published versions exist. */
  local?: string[];
  /** Where everything else comes from; default: the npm registry npm is configured with. */
  upstream?: string;
}

export interface Registry {
  /** e.g. http://127.0.0.1:38211/ */
  url: string;
  /** The registry everything not local is proxied to, without a trailing slash. */
  upstream: string;
  /** The temp directory holding storage, config, npm caches and user config; removed by stop(). */
  dir: string;
  /** An npm user config file pointing at this registry with an auth token for it. */
  userconfig: string;
  /**
   * Environment for npm child processes: this process's environment without inherited npm_*
   * variables, plus the registry, user config and `cache` (default: this registry's shared
   * cache; pass `freshCache()` for a first-time user).
   */
  env(options?: { cache?: string; extra?: NodeJS.ProcessEnv }): NodeJS.ProcessEnv;
  /** A new, empty npm cache directory. */
  freshCache(): string;
  /**
   * Publish a package directory (packed first, so its `files` rule applies) or a .tgz, optionally
   * under another version and dist-tag. Resolves to the published name and version.
   */
  publish(source: string, options?: { version?: string; tag?: string }): Promise<{ name: string; version: string }>;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/** The environment minus what a parent `npm run` / npx put there, which would steer child npm runs. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== 'NODE_OPTIONS' && key !== 'INIT_CWD'));
}

function npm(args: string[], cwd: string, env: NodeJS.ProcessEnv): string {
  const result = spawnSync('npm', args, { cwd, env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${result.status}):\n${result.stderr}`);
  return result.stdout;
}

async function waitUntilUp(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited with ${child.exitCode}:\n${log()}`);
    try {
      if ((await fetch(`${url}-/ping`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`verdaccio did not answer on ${url} within 60 s:\n${log()}`);
}

export async function startRegistry(options: RegistryOptions = {}): Promise<Registry> {
  const local = options.local ?? ['create-ml-ci-cd'];
  const upstream = options.upstream ?? (spawnSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8', env: cleanEnv() }).stdout.trim() || 'https://registry.npmjs.org/');
  const dir = mkdtempSync(join(tmpdir(), 'cmlcicd-registry-'));
  const config = join(dir, 'config.yaml');
  const everyone = { access: '$all', publish: '$authenticated', unpublish: '$authenticated' };
  // JSON is YAML: verdaccio reads this as its config.yaml.
  writeFileSync(
    config,
    JSON.stringify(
      {
        storage: join(dir, 'storage'),
        auth: { htpasswd: { file: join(dir, 'htpasswd'), max_users: 100 } },
        uplinks: { upstream: { url: upstream, timeout: '60s', maxage: '30m' } },
        packages: {
          // Anyone may publish these, and they never come from upstream.
          ...Object.fromEntries(local.map((name) => [name, { access: '$all', publish: '$anonymous $authenticated', unpublish: '$anonymous $authenticated' }])),
          '@*/*': { ...everyone, proxy: 'upstream' },
          '**': { ...everyone, proxy: 'upstream' },
        },
        web: { enable: false },
        log: { type: 'stdout', format: 'pretty', level: 'warn' },
      },
      null,
      2,
    ),
  );

  let port = 0;
  let child: ChildProcess | undefined;
  let output = '';
  const bin = require.resolve('verdaccio/bin/verdaccio');
  for (let attempt = 0; attempt < 3 && !child; attempt++) {
    port = await freePort();
    const started = spawn(process.execPath, [bin, '--config', config, '--listen', `127.0.0.1:${port}`], { cwd: dir, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    started.stdout!.on('data', (chunk) => (output += chunk));
    started.stderr!.on('data', (chunk) => (output += chunk));
    try {
      await waitUntilUp(`http://127.0.0.1:${port}/`, started, () => output);
      child = started;
    } catch (error) {
      started.kill();
      // Another process took the port between freePort() and verdaccio's listen: try another.
      if (!/EADDRINUSE/.test(output) || attempt === 2) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
  const url = `http://127.0.0.1:${port}/`;

  // A user for the auth token npm insists on before it publishes.
  const response = await fetch(`${url}-/user/org.couchdb.user:ci`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'ci', password: 'ci-password', email: 'ci@example.com', type: 'user' }),
  });
  const { token } = (await response.json()) as { token?: string };
  if (!token) throw new Error(`verdaccio refused to create a user (${response.status}).`);
  const userconfig = join(dir, 'npmrc');
  writeFileSync(userconfig, `registry=${url}\n//127.0.0.1:${port}/:_authToken=${token}\nupdate-notifier=false\nfund=false\naudit=false\n`);

  let caches = 0;
  const freshCache = () => {
    const cache = join(dir, `npm-cache-${++caches}`);
    mkdirSync(cache);
    return cache;
  };
  const sharedCache = freshCache();
  const env: Registry['env'] = ({ cache = sharedCache, extra = {} } = {}) => ({
    ...cleanEnv(),
    npm_config_registry: url,
    npm_config_userconfig: userconfig,
    npm_config_cache: cache,
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    ...extra,
  });

  let publishes = 0;
  const publish: Registry['publish'] = async (source, { version, tag } = {}) => {
    const work = join(dir, `publish-${++publishes}`);
    mkdirSync(work);
    let tarball = resolve(source);
    if (!tarball.endsWith('.tgz')) {
      const [packed] = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work, tarball], work, env()));
      tarball = join(work, packed.filename);
    }
    spawnSync('tar', ['xzf', tarball, '-C', work]);
    const packageDir = join(work, 'package');
    if (!existsSync(join(packageDir, 'package.json'))) throw new Error(`${basename(tarball)} holds no package/package.json`);
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
    if (version) writeFileSync(join(packageDir, 'package.json'), `${JSON.stringify({ ...manifest, version }, null, 2)}\n`);
    npm(['publish', '--ignore-scripts', '--tag', tag ?? 'latest', packageDir], work, env());
    return { name: manifest.name as string, version: version ?? (manifest.version as string) };
  };

  const stop = async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };

  return { url, upstream: upstream.replace(/\/$/, ''), dir, userconfig, env, freshCache, publish, stop };
}

