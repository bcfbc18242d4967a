import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { readJson, repoRoot, tempDir } from './support/cli.js';

// The whole story through a real npm registry (verdaccio on 127.0.0.1, no uplinks): publish A,
// `npm create ml-ci-cd@A`, edit like a user, publish B with a template change, upgrade with B.
// The upgrade fetches A through npm itself to get the merge base: nothing is faked.

const A = '1.0.0';
const B = '1.1.0';
let registry: string;
let server: ChildProcess;
let work: string;
let npmEnv: Record<string, string>;
/** A copy of the built package taken once, so a concurrent rebuild cannot change A or B under us. */
let snapshot: string;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function startVerdaccio(dir: string): Promise<string> {
  writeFileSync(
    join(dir, 'config.yaml'),
    [
      `storage: ${join(dir, 'storage')}`,
      'auth:',
      '  htpasswd:',
      `    file: ${join(dir, 'htpasswd')}`,
      'uplinks: {}',
      'packages:',
      "  '**':",
      '    access: $all',
      '    publish: $authenticated',
      'log: { type: stdout, format: pretty, level: warn }',
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  server = spawn(process.execPath, [join(repoRoot, 'node_modules/verdaccio/bin/verdaccio'), '--config', join(dir, 'config.yaml'), '--listen', `127.0.0.1:${port}`], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}-/ping`)).ok) return url;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('verdaccio did not start');
}

/** Register a user through the npm login API and return its token. */
async function token(url: string): Promise<string> {
  const response = await fetch(`${url}-/user/org.couchdb.user:tester`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'tester', password: 'tester-password', email: 't@example.com' }),
  });
  return ((await response.json()) as { token: string }).token;
}

/** Publish the built package under another version, after `change` edits its templates. */
async function publish(version: string, change: (templates: string) => void = () => {}) {
  const dir = join(work, `pkg-${version}`);
  cpSync(snapshot, dir, { recursive: true });
  const manifest = readJson(join(dir, 'package.json'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...manifest, version, scripts: {}, devDependencies: {} }, null, 2));
  change(join(dir, 'templates'));
  await execa('npm', ['publish', '--ignore-scripts'], { cwd: dir, env: npmEnv, extendEnv: false });
}

beforeAll(async () => {
  work = tempDir('cmlcicd-registry-');
  snapshot = join(work, 'built');
  const pkg = join(repoRoot, 'packages/create-ml-ci-cd');
  for (const entry of ['index.js', 'dist', 'templates', 'package.json']) cpSync(join(pkg, entry), join(snapshot, entry), { recursive: true });
  registry = await startVerdaccio(work);
  const userconfig = join(work, 'npmrc');
  writeFileSync(userconfig, `registry=${registry}\n//${registry.replace(/^http:\/\//, '')}:_authToken=${await token(registry)}\n`);
  npmEnv = {
    PATH: process.env.PATH!,
    HOME: work,
    npm_config_userconfig: userconfig,
    npm_config_registry: registry,
    npm_config_cache: join(work, 'cache'),
    npm_config_yes: 'true',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@example.com',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@example.com',
    NO_COLOR: '1',
  };
  await publish(A);
}, 300_000);

afterAll(() => {
  server?.kill();
});

describe('upgrade through a real npm registry', () => {
  it('keeps the user edit and brings B template change', { timeout: 300_000 }, async () => {
    const created = await execa('npm', ['create', `ml-ci-cd@${A}`, '--', 'proj', '--yes'], { cwd: work, env: npmEnv, extendEnv: false, reject: false });
    expect(created.exitCode, created.stderr).toBe(0);
    const project = join(work, 'proj');
    expect(readJson(join(project, '.create-ml-ci-cd.json')).version).toBe(A);

    // The user edits the README's first paragraph.
    const readme = readFileSync(join(project, 'README.md'), 'utf8');
    const [title, ...rest] = readme.split('\n');
    writeFileSync(join(project, 'README.md'), [title, '', 'Our team owns this model.', ...rest].join('\n'));
    await execa('git', ['commit', '-qam', 'Describe the team'], { cwd: project, env: npmEnv, extendEnv: false });

    // B changes the end of the README template and the workflow.
    const workflowDir = '.github/workflows';
    let workflow = '';
    await publish(B, (templates) => {
      const base = join(templates, 'base');
      writeFileSync(join(base, 'README.md.ejs'), `${readFileSync(join(base, 'README.md.ejs'), 'utf8')}\nNew in ${B}.\n`);
      workflow = readdirSync(join(base, workflowDir)).sort()[0];
      writeFileSync(join(base, workflowDir, workflow), `${readFileSync(join(base, workflowDir, workflow), 'utf8')}# added in ${B}\n`);
    });

    const upgraded = await execa('npm', ['exec', `--package=create-ml-ci-cd@${B}`, '--', 'create-ml-ci-cd', 'upgrade', '--yes'], {
      cwd: project,
      env: npmEnv,
      extendEnv: false,
      reject: false,
    });
    expect(upgraded.exitCode, upgraded.stdout + upgraded.stderr).toBe(0);
    expect(upgraded.stdout).toContain(`Fetching create-ml-ci-cd@${A}`);
    const after = readFileSync(join(project, 'README.md'), 'utf8');
    expect(after).toContain('Our team owns this model.');
    expect(after).toContain(`New in ${B}.`);
    expect(readFileSync(join(project, workflowDir, workflow.replace(/\.ejs$/, '')), 'utf8')).toContain(`# added in ${B}`);
    expect(readJson(join(project, '.create-ml-ci-cd.json')).version).toBe(B);
  });

  /** Every file below `dir` but .git, with its bytes. */
  function contents(dir: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      const path = join(entry.parentPath, entry.name).slice(dir.length + 1);
      if (path === '.git' || path.startsWith('.git/') || !lstatSync(join(dir, path)).isFile()) continue;
      out[path] = readFileSync(join(dir, path)).toString('hex');
    }
    return out;
  }

  it.each([
    ['SIGINT to the process group (Ctrl-C)', 'SIGINT', true, 130],
    ['SIGTERM to upgrade alone', 'SIGTERM', false, 143],
  ] as const)('%s while fetching the recorded version stops the upgrade (%s, whole group: %s, exit %i), nothing changed', { timeout: 300_000 }, async (_, signal, group, code) => {
    const name = `sig-${signal.toLowerCase()}`;
    const created = await execa('npm', ['create', `ml-ci-cd@${A}`, '--', name, '--yes'], { cwd: work, env: npmEnv, extendEnv: false, reject: false });
    expect(created.exitCode, created.stderr).toBe(0);
    const project = join(work, name);
    writeFileSync(join(project, 'README.md'), `${readFileSync(join(project, 'README.md'), 'utf8')}\nOur notes.\n`);
    await execa('git', ['commit', '-qam', 'notes'], { cwd: project, env: npmEnv, extendEnv: false });
    const before = contents(project);
    const head = (await execa('git', ['rev-parse', 'HEAD'], { cwd: project })).stdout;

    // B's CLI itself, with an empty npm cache so that fetching A must ask the registry, which is
    // frozen: the fetch hangs until the signal comes.
    if (!existsSync(join(work, `pkg-${B}`))) await publish(B);
    const cache = join(work, `cache-${name}`);
    mkdirSync(cache);
    server.kill('SIGSTOP');
    try {
      const child = execa('node', [join(work, `pkg-${B}`, 'index.js'), 'upgrade', '--yes'], {
        cwd: project,
        env: { ...npmEnv, npm_config_cache: cache },
        extendEnv: false,
        reject: false,
        detached: true,
      });
      let stdout = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (chunk: Buffer) => {
          stdout += chunk;
          if (stdout.includes(`Fetching create-ml-ci-cd@${A}`)) resolve();
        });
        child.then((r) => reject(new Error(`upgrade ended (${r.exitCode}) before fetching: ${r.stdout}${r.stderr}`)), reject);
      });
      // Let npm start and block on the frozen registry.
      await new Promise((r) => setTimeout(r, 1500));
      process.kill(group ? -child.pid! : child.pid!, signal);
      const result = await child;
      expect(result.exitCode, `${result.stdout}${result.stderr}`).toBe(code);
      expect(result.stderr).toMatch(new RegExp(`Interrupted \\(${signal}\\) (while fetching create-ml-ci-cd@${A.replace(/\./g, '\\.')}; nothing was changed|before anything was written; the project is unchanged)`));
      expect(`${result.stdout}${result.stderr}`).not.toMatch(/Could not run|conflict|Upgraded/);
    } finally {
      server.kill('SIGCONT');
    }
    expect(contents(project)).toEqual(before);
    expect((await execa('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: project })).stdout).toBe('');
    expect((await execa('git', ['rev-parse', 'HEAD'], { cwd: project })).stdout).toBe(head);
    expect(readJson(join(project, '.create-ml-ci-cd.json')).version).toBe(A);
  });
});
