// Valid but unusual values: every generated file still parses, the text arrives unchanged, and it
// never reaches a workflow, a shell or the template engine as code.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, listTree, readJson, tempDir } from '../support/cli.js';
import { checkSyntax, yamlProblems, type SyntaxReport } from './support.js';

const cwd = tempDir();
const canary = join(cwd, 'pwned');

const descriptions: Record<string, string> = {
  quotes: `He said "hi" and 'bye', then \`ran\``,
  colons: 'key: value: another',
  hash: '#1 model # not a comment',
  'GitHub expressions': '${{ secrets.GITHUB_TOKEN }} ${{ github.event.issue.title }} ${{ toJSON(github) }}',
  'EJS tags': `<% throw new Error('ejs ran') %> <%- process.exit(3) %> <%= 1 + 1 %> %>`,
  backslashes: 'C:\\models\\new and \\n is not a newline \\u0041 \\',
  'a tab': 'first\tsecond',
  // Line breaks (\n, U+2028) are refused: the description is one line (hostile-input.test.ts).
  unicode: 'Ünïcödé — 模型 🚀 ‮right-to-left‬ \u00a0 no-break space \ufeff',
  shell: `$(touch ${canary}) \`touch ${canary}\` ; touch ${canary} && echo $HOME | tee x`,
  'Python and TOML quoting': `""" ''' \\" \\' [table] key = "v" ${'{'}{ jinja }}`,
  YAML: '--- - !!python/object/apply:os.system ["true"] ... *alias &anchor { a: [b] } | > @ `',
  empty: '',
  long: 'x'.repeat(5000),
};

/** Directory name -> the description it was generated with. */
const projects = Object.fromEntries(Object.entries(descriptions).map(([label, text], i) => [`p${i}`, { label, text }]));
let syntax: SyntaxReport;
const plainWorkflows = new Map<string, Buffer>();

function workflows(project: string): string[] {
  const dir = join(cwd, project, '.github/workflows');
  return readdirSync(dir).map((f) => `.github/workflows/${f}`);
}

beforeAll(async () => {
  const plain = await cli(['plain', '--no-git'], { cwd });
  expect(plain.exitCode, plain.stderr).toBe(0);
  for (const file of workflows('plain')) plainWorkflows.set(file, readFileSync(join(cwd, 'plain', file)));
  for (const [dir, { text }] of Object.entries(projects)) {
    // The first project also goes through git init and commit, the others skip it to save time.
    const result = await cli([dir, `--description=${text}`, ...(dir === 'p0' ? [] : ['--no-git'])], { cwd });
    expect(result.exitCode, `${dir}: ${result.stderr}`).toBe(0);
  }
  syntax = await checkSyntax(Object.keys(projects).map((dir) => join(cwd, dir)));
});

describe.each(Object.entries(projects))('%s', (dir, { label, text }) => {
  const project = join(cwd, dir);

  it(`${label}: recorded unchanged, and in pyproject.toml and README.md verbatim`, () => {
    expect(readJson(join(project, '.create-ml-ci-cd.json')).answers.description).toBe(text);
    expect(syntax.toml[join(project, 'pyproject.toml')]?.project?.description).toBe(text);
    expect(readFileSync(join(project, 'README.md'), 'utf8')).toContain(text);
  });

  it(`${label}: every YAML, TOML and Python file parses`, () => {
    expect(syntax.errors.filter(([path]) => path.startsWith(`${project}/`))).toEqual([]);
    const yamlFiles = listTree(project).filter((f) => /\.ya?ml$/.test(f));
    expect(yamlFiles.length).toBeGreaterThan(0);
    for (const file of yamlFiles) expect(yamlProblems(readFileSync(join(project, file), 'utf8')), file).toEqual([]);
  });

  it(`${label}: the workflows hold no user text (byte-identical to a plain project's)`, () => {
    expect(workflows(dir).sort()).toEqual([...plainWorkflows.keys()].sort());
    for (const file of workflows(dir)) expect(readFileSync(join(project, file)).equals(plainWorkflows.get(file)!), file).toBe(true);
  });
});

it('checked TOML and Python files in every project', () => {
  expect(syntax.checked).toBeGreaterThanOrEqual(Object.keys(projects).length * 2);
});

it('no shell ran the text: the canary file was never created', () => {
  expect(existsSync(canary)).toBe(false);
});

it('accepts an answers file with a byte-order mark and CRLF line endings', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'answers.json'), `\ufeff{\r\n  "name": "bom-demo",\r\n  "description": "from Notepad"\r\n}\r\n`);
  const result = await cli(['--answers', 'answers.json', '--no-git'], { cwd: dir });
  expect(result.exitCode, result.stderr).toBe(0);
  expect(readJson(join(dir, 'bom-demo/.create-ml-ci-cd.json')).answers).toMatchObject({ name: 'bom-demo', description: 'from Notepad' });
});

it.each(['a', 'x'.repeat(100), 'my_model_2', 'model-v2-final'])('accepts the name %j', async (name) => {
  const dir = tempDir();
  const result = await cli(['--name', name, '--no-git'], { cwd: dir });
  expect(result.exitCode, result.stderr).toBe(0);
  expect(readJson(join(dir, name, '.create-ml-ci-cd.json')).answers.name).toBe(name);
});
