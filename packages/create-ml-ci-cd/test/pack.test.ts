// The published package, as npm ships it: `npm pack`, unpack outside the repo where no
// node_modules exists anywhere up the tree, and run its bin. Each run must match the repo build
// and must not reach a stubbed dependency (STUBS in build.mjs), which would print
// "stubbed dependency" on stderr. Needs the build (Nx's test target depends on it).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT, features, normalizeAnswers, renderProject } from '@create-ml-ci-cd/core';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const repoBin = join(packageDir, 'index.js');
const temp = (prefix = 'cmlcicd-pack-') => mkdtempSync(join(tmpdir(), prefix));

/** The environment of a new user: no template override, no module path, git able to commit. */
const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@example.com' };
delete env.CREATE_ML_CI_CD_TEMPLATES;
delete env.NODE_PATH;
delete env.NODE_OPTIONS;

function run(bin: string, args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  expect(result.stderr).not.toContain('stubbed dependency');
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Every file below `dir` except .git, with its contents. */
function tree(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => relative(dir, join(d.parentPath, d.name)))
      .filter((path) => !path.split('/').includes('.git'))
      .sort()
      .map((path) => [path, readFileSync(join(dir, path), 'utf8')]),
  );
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)));
}

let packed: { filename: string; size: number; unpackedSize: number; files: { path: string }[] };
let packedBin: string;

beforeAll(() => {
  if (!existsSync(join(packageDir, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npm run build` first (Nx runs it before test).');
  const root = temp();
  for (let dir = root; dir !== dirname(dir); dir = dirname(dir))
    if (existsSync(join(dir, 'node_modules'))) throw new Error(`${join(dir, 'node_modules')} exists: the unpacked package could resolve modules from it. Set TMPDIR elsewhere.`);
  const pack = spawnSync('npm', ['pack', '--json', '--pack-destination', root], { cwd: packageDir, encoding: 'utf8' });
  expect(pack.status, pack.stderr).toBe(0);
  packed = JSON.parse(pack.stdout)[0];
  const untar = spawnSync('tar', ['xzf', join(root, packed.filename), '-C', root], { encoding: 'utf8' });
  expect(untar.status, untar.stderr).toBe(0);
  packedBin = join(root, 'package', 'index.js');
}, 120_000);

describe('the packed create-ml-ci-cd', { timeout: 120_000 }, () => {
  it('has no runtime dependencies and ships its bundle and every template', () => {
    const manifest = JSON.parse(readFileSync(join(dirname(packedBin), 'package.json'), 'utf8'));
    for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies', 'bundleDependencies', 'bundledDependencies'])
      expect(manifest[field], field).toBeUndefined();
    expect(manifest.files).toContain('templates');
    const shipped = packed.files.map((f) => f.path);
    // What the build copied into the package; the pack must not drop any of it (npm-pack note).
    const templates = listFiles(join(packageDir, 'templates')).map((path) => `templates/${path}`);
    expect(templates.length).toBeGreaterThan(5);
    expect(shipped).toEqual(expect.arrayContaining(['index.js', 'dist/cli.js', ...templates]));
    expect(shipped.filter((path) => path.startsWith('templates/')).sort()).toEqual(templates.sort());
  });

  it('is ready to publish: README, LICENSE and the metadata npm shows', () => {
    const shipped = packed.files.map((f) => f.path);
    expect(shipped).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json']));
    const readme = readFileSync(join(dirname(packedBin), 'README.md'), 'utf8');
    expect(readme).toMatch(/^# create-ml-ci-cd\n/);
    // The user part of the repository's README: the options table, and not the developers' part.
    expect(readme).toContain('--package-manager');
    expect(readme).not.toContain('## Developing');
    const manifest = JSON.parse(readFileSync(join(dirname(packedBin), 'package.json'), 'utf8'));
    expect(manifest.repository).toMatchObject({ type: 'git', url: expect.stringMatching(/^git\+https:\/\/github\.com\/.+\.git$/), directory: 'packages/create-ml-ci-cd' });
    expect(manifest.homepage).toMatch(/^https:\/\//);
    expect(manifest.bugs.url).toMatch(/^https:\/\/.+\/issues$/);
    expect(manifest.keywords).toEqual(expect.arrayContaining(['mlops', 'create']));
    expect(manifest.engines.node).toBe('^20.19.0 || >=22.12.0');
    expect(manifest.license).toBe('MIT');
  });

  it('prints the same --version and --help as the repo build', () => {
    const cwd = temp();
    const version = run(packedBin, ['--version'], cwd);
    expect(version).toEqual({ status: 0, stdout: `${JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).version}\n`, stderr: '' });
    for (const args of [['--help'], ['upgrade', '--help']]) {
      const help = run(packedBin, args, cwd);
      expect(help.status).toBe(0);
      expect(help).toEqual(run(repoBin, args, cwd));
    }
  });

  const cases: [string, string[]][] = [
    ['the default project', []],
    ['every feature', features.map((f) => `--${f.name}`)],
  ];
  for (const [label, flags] of cases) {
    it(`creates ${label} exactly as the repo build does`, () => {
      const args = ['demo', '--yes', '--no-git', ...flags];
      const ours = temp();
      const repo = temp();
      const result = run(packedBin, args, ours);
      expect(result.status, result.stderr).toBe(0);
      expect(result).toEqual(run(repoBin, args, repo));
      expect(Object.keys(tree(join(ours, 'demo'))).length).toBeGreaterThan(5);
      expect(tree(join(ours, 'demo'))).toEqual(tree(join(repo, 'demo')));
    });
  }

  // The bundle's tricks (stubs, patches, one copy of ejs and minimatch, lazy chunks) and Yeoman's
  // file system must not change a byte: the tree on disk is what the templates render in-process,
  // from the sources, with neither the bundle nor Yeoman in the way.
  for (const [label, flags] of cases) {
    it(`writes ${label} byte for byte as the templates render it`, () => {
      const cwd = temp();
      const result = run(packedBin, ['demo', '--yes', '--no-git', ...flags], cwd);
      expect(result.status, result.stderr).toBe(0);
      const version = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).version;
      const answers = normalizeAnswers({ name: 'demo', ...Object.fromEntries(flags.map((f) => [f.slice(2), true])) });
      const rendered = renderProject(answers, join(packageDir, '../../templates'), version);
      const written = listFiles(join(cwd, 'demo')).sort();
      expect(written).toEqual([...rendered.keys()].sort());
      for (const path of written) expect(readFileSync(join(cwd, 'demo', path)).equals(rendered.get(path)!), path).toBe(true);
    });
  }

  // The conflicter's path (binary detection, diff) runs from the bundle, and no stub is reached.
  it('settles --force conflicts through Yeoman\'s conflicter, as the repo build does', () => {
    const cwd = temp();
    expect(run(packedBin, ['demo', '--yes', '--no-git'], cwd).status).toBe(0);
    writeFileSync(join(cwd, 'demo/README.md'), 'mine\n');
    const refused = run(packedBin, ['demo', '--yes', '--no-git', '--force'], cwd);
    expect(refused.status).toBe(EXIT.usage);
    expect(refused.stderr).toContain('1 existing file would be overwritten (README.md)');
    expect(readFileSync(join(cwd, 'demo/README.md'), 'utf8')).toBe('mine\n');
    const overwritten = run(packedBin, ['demo', '--yes', '--no-git', '--overwrite'], cwd);
    expect(overwritten.status, overwritten.stderr).toBe(0);
    expect(overwritten.stdout).toContain('Overwrote 1 existing file: README.md');
  });

  it('reports a user error the same way', () => {
    const args = ['demo', '--python', '2.7', '--yes'];
    const result = run(packedBin, args, temp());
    expect(result.status).toBe(EXIT.usage);
    expect(result).toEqual(run(repoBin, args, temp()));
  });

  it('runs upgrade in a project it created (git, then upgrade --check and --dry-run)', () => {
    // One project per build: upgrade may leave files behind (caches) that a second run would see.
    const [ours, repo] = [packedBin, repoBin].map((bin) => {
      const cwd = temp();
      const created = run(bin, ['demo', '--yes'], cwd);
      expect(created.status, created.stderr).toBe(0);
      expect(existsSync(join(cwd, 'demo/.git'))).toBe(true);
      return join(cwd, 'demo');
    });
    for (const args of [['upgrade', '--check'], ['upgrade', '--dry-run', '--yes']]) {
      const result = run(packedBin, args, ours);
      expect(result.status, `${args.join(' ')}: ${result.stderr}`).toBe(EXIT.ok);
      expect(result).toEqual(run(repoBin, args, repo));
    }
  });
});
