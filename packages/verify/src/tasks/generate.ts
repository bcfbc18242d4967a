import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { cliBin, type TaskContext } from './context.js';
import { hostPython } from './python.js';

/** Every file of a generated project (relative paths), skipping .git. */
export function projectFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name).slice(dir.length + 1))
    .filter((p) => !p.split('/').includes('.git'))
    .sort();
}

// Compiles Python without writing __pycache__, or parses TOML: one interpreter start for all files.
const PY_SYNTAX = `
import sys
bad = 0
for path in sys.argv[1:]:
    try:
        data = open(path, 'rb').read()
        if path.endswith('.toml'):
            import tomllib
            tomllib.loads(data.decode('utf-8'))
        else:
            compile(data, path, 'exec', dont_inherit=True)
    except Exception as error:
        bad += 1
        print(f'{path}: {type(error).__name__}: {error}')
sys.exit(1 if bad else 0)
`;

/**
 * Run the built CLI the way a user does (non-interactive, --no-git), check every generated file at
 * least parses, then commit it: act runs what is committed, like GitHub.
 */
export async function generate(ctx: TaskContext): Promise<void> {
  if (!existsSync(cliBin)) throw new Error(`${cliBin} is missing: build it with \`npx nx build create-ml-ci-cd\`.`);
  ctx.freshDir('project');
  await ctx.run('create-ml-ci-cd', process.execPath, [cliBin, 'project', '--yes', '--no-git', ...ctx.scenario.args], { cwd: ctx.dir });

  const files = projectFiles(ctx.project);
  ctx.details.files = files;
  ctx.details.args = ctx.scenario.args;

  const started = Date.now();
  const problems: string[] = [];
  for (const file of files) {
    const text = () => readFileSync(join(ctx.project, file), 'utf8');
    try {
      if (file.endsWith('.json')) JSON.parse(text());
      if (/\.ya?ml$/.test(file)) {
        for (const doc of parseAllDocuments(text())) for (const e of doc.errors) problems.push(`${file}: ${e.message.split('\n')[0]}`);
      }
    } catch (error) {
      problems.push(`${file}: ${(error as Error).message}`);
    }
  }
  ctx.record('JSON and YAML files parse', problems.length === 0, (Date.now() - started) / 1000, problems.join('\n'));
  // Python with the project's own version when the host has it (newer syntax must not slip into an
  // older project); TOML with the host's python3 (tomllib is 3.11+).
  const py = files.filter((f) => f.endsWith('.py'));
  const toml = files.filter((f) => f.endsWith('.toml'));
  const opts = { cwd: ctx.project, allowFailure: true };
  if (py.length) await ctx.run('Python files compile', hostPython(ctx.scenario.python).path, ['-c', PY_SYNTAX, ...py], opts);
  if (toml.length) await ctx.run('TOML files parse', 'python3', ['-c', PY_SYNTAX, ...toml], opts);
  if (ctx.steps.some((s) => !s.ok)) return;

  const git = (name: string, ...args: string[]) =>
    ctx.run(name, 'git', ['-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], {
      cwd: ctx.project,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'verify',
        GIT_AUTHOR_EMAIL: 'verify@localhost',
        GIT_COMMITTER_NAME: 'verify',
        GIT_COMMITTER_EMAIL: 'verify@localhost',
        GIT_AUTHOR_DATE: '2025-01-01T00:00:00Z',
        GIT_COMMITTER_DATE: '2025-01-01T00:00:00Z',
      },
    });
  await git('git init', 'init', '-q', '-b', 'main');
  await git('git add', 'add', '-A');
  await git('git commit', 'commit', '-q', '-m', 'Initial commit from create-ml-ci-cd');
}
