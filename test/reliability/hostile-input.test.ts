// Bad input gets one clear line, a documented exit code, and changes nothing on disk.
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { bin, cli, tempDir } from '../support/cli.js';
import { expectRefusal, snapshot } from './support.js';

const USAGE = 2; // README "Exit codes": bad name, flag, answers file or target directory

type Setup = (cwd: string) => void;
interface Case {
  args: string[];
  message: RegExp;
  setup?: Setup;
  /** How to run the CLI; the default is plainly, as the current user. */
  runner?: 'unprivileged' | 'read-only-mount';
}

const file =
  (path: string, text: string): Setup =>
  (cwd) =>
    writeFileSync(join(cwd, path), text);

/**
 * Run the CLI so that `writable` cannot be written. We run as root, which ignores permission bits,
 * so "unprivileged" drops to nobody (as a normal user, permission bits already apply), and
 * "read-only-mount" bind-mounts the directory read-only in a private mount namespace that ends
 * with the process: nothing to unmount, nothing leaks into the machine.
 */
async function run(cwd: string, c: Case) {
  const node = [process.execPath, bin, ...c.args];
  const env = { NO_COLOR: '1' };
  if (c.runner === 'unprivileged' && process.getuid?.() === 0)
    return execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', ...node], { cwd, env, reject: false, stdin: 'ignore' });
  if (c.runner === 'read-only-mount') {
    const userns = process.getuid?.() === 0 ? [] : ['--map-root-user'];
    const script = 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" "$1" && shift && exec "$@"';
    const result = await execa('unshare', [...userns, '--mount', 'sh', '-c', script, 'sh', join(cwd, 'ro'), ...node], { cwd, env, reject: false, stdin: 'ignore' });
    if (/^(unshare|mount|sh):/m.test(String(result.stderr)))
      throw new Error(`This machine cannot make a private read-only mount (needs root or user namespaces): ${result.stderr}`);
    return result;
  }
  return cli(c.args, { cwd });
}

function refuses(cases: Record<string, Case>) {
  it.each(Object.entries(cases))('%s', async (_label, c) => {
    const cwd = tempDir();
    chmodSync(cwd, 0o755); // mkdtemp's 0700 would keep the unprivileged runs out altogether
    c.setup?.(cwd);
    const before = snapshot(cwd);
    const result = await run(cwd, c);
    expectRefusal(result, USAGE, c.message);
    expect(snapshot(cwd), 'nothing created, removed or changed').toEqual(before);
  });
}

describe('names', () => {
  refuses({
    'empty --name': { args: ['--name', '', '--yes'], message: /project name is empty/ },
    'empty directory argument': { args: ['', '--yes'], message: /directory argument is empty/ },
    'spaces': { args: ['--name', 'my model'], message: /"my model": start with a letter/ },
    'spaces, from the directory name': { args: ['my model'], message: /"my model".*taken from the directory name.*--name/ },
    'accents': { args: ['--name', 'café'], message: /"café"/ },
    'Cyrillic': { args: ['--name', 'модель'], message: /"модель"/ },
    'emoji': { args: ['--name', 'rocket-🚀'], message: /"rocket-🚀"/ },
    'a newline': { args: ['--name', 'a\nb'], message: /"a\\nb"/ },
    '..': { args: ['--name', '..'], message: /"\.\."/ },
    '.. as the directory (the parent, not empty)': { args: ['..'], message: /\.\. is not empty\. Use --force/ },
    'a slash': { args: ['--name', 'a/b'], message: /"a\/b"/ },
    'a backslash': { args: ['--name', 'a\\b'], message: /"a\\\\b"/ },
    'a leading digit': { args: ['--name', '1model'], message: /"1model": start with a letter/ },
    'a leading dot': { args: ['.hidden'], message: /"\.hidden".*taken from the directory name/ },
    'a leading dash': { args: ['--name=-model'], message: /"-model": start with a letter/ },
    'uppercase': { args: ['--name', 'MyModel'], message: /"MyModel": use lowercase.*"mymodel"/ },
    'a Python keyword': { args: ['--name', 'class'], message: /"class": it is a Python keyword.*"class-model"/ },
    'a soft keyword made lowercase': { args: ['--name', 'None'], message: /"None": use lowercase/ },
    'a standard-library module': { args: ['--name', 'json'], message: /"json".*standard-library module "json"/ },
    'a standard-library module, with a dash': { args: ['--name', 'py-compile'], message: /"py-compile".*standard-library module "py_compile"/ },
    'a Windows device name': { args: ['--name', 'con'], message: /"con": it is a reserved device name/ },
    'another device name': { args: ['nul'], message: /"nul": it is a reserved device name.*taken from the directory name/ },
    'over 100 characters': { args: ['--name', 'a'.repeat(101)], message: /"a{20,}\.\.\. is 101 characters long; use at most 100/ },
  });
});

describe('directories', () => {
  const nonEmpty: Setup = (cwd) => {
    mkdirSync(join(cwd, 'demo'));
    writeFileSync(join(cwd, 'demo/notes.txt'), 'mine');
  };
  const readOnly =
    (entries: string[] = []): Setup =>
    (cwd) => {
      mkdirSync(join(cwd, 'ro'));
      for (const entry of entries) writeFileSync(join(cwd, 'ro', entry), 'mine');
      chmodSync(join(cwd, 'ro'), 0o555);
    };
  refuses({
    'non-empty, without --force': { args: ['demo', '--yes'], setup: nonEmpty, message: /demo is not empty\. Use --force/ },
    'non-empty, with spaces in the path': {
      args: ['my dir', '--name', 'demo'],
      setup: (cwd) => {
        mkdirSync(join(cwd, 'my dir'));
        writeFileSync(join(cwd, 'my dir/notes.txt'), 'mine');
      },
      message: /"my dir" is not empty/,
    },
    'a file': { args: ['demo'], setup: file('demo', 'x'), message: /demo exists and is not a directory/ },
    'below a file': { args: ['demo/sub'], setup: file('demo', 'x'), message: /demo is a file, so demo\/sub cannot be created/ },
    'no write permission (new directory inside)': { args: ['ro/demo', '--no-git'], setup: readOnly(), runner: 'unprivileged', message: /Cannot write in ro \(EACCES\)/ },
    'no write permission (nested, parents missing)': { args: ['ro/a/b/demo'], setup: readOnly(), runner: 'unprivileged', message: /Cannot write in ro \(EACCES\)/ },
    'no write permission (an empty target)': { args: ['ro', '--name', 'demo'], setup: readOnly(), runner: 'unprivileged', message: /Cannot write in ro \(EACCES\)/ },
    'no write permission (--force into it)': {
      args: ['ro', '--name', 'demo', '--force'],
      setup: readOnly(['keep.txt']),
      runner: 'unprivileged',
      message: /Cannot write in ro \(EACCES\)/,
    },
    'a read-only file system, even for root': { args: ['ro/demo'], setup: readOnly(), runner: 'read-only-mount', message: /Cannot write in ro \(EROFS\)/ },
    'a read-only file system, --force': {
      args: ['ro', '--name', 'demo', '--force'],
      setup: readOnly(['keep.txt']),
      runner: 'read-only-mount',
      message: /Cannot write in ro \(EROFS\)/,
    },
  });

  it('an empty directory (here: .) is filled in place, not replaced', async () => {
    const cwd = join(tempDir(), 'demo');
    mkdirSync(cwd);
    const inode = statSync(cwd).ino;
    const result = await cli(['.', '--no-git'], { cwd });
    expect(result.exitCode, result.stderr).toBe(0);
    // A replaced directory would leave the user's shell in a deleted one.
    expect(statSync(cwd).ino).toBe(inode);
    expect(existsSync(join(cwd, 'src/train.py'))).toBe(true);
    expect(readdirSync(join(cwd, '..'))).toEqual(['demo']);
  });

  it('a path with spaces works', async () => {
    const cwd = tempDir('cmlcicd with spaces-');
    const result = await cli(['my project', '--name', 'demo', '--no-git'], { cwd });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(existsSync(join(cwd, 'my project/src/train.py'))).toBe(true);
    expect(result.stdout).toContain('cd "my project"');
  });
});

describe('flags', () => {
  refuses({
    'unknown': { args: ['demo', '--bogus'], message: /Unknown option --bogus\. Run `create-ml-ci-cd --help`/ },
    'unknown short': { args: ['demo', '-x'], message: /Unknown option -x/ },
    'negating a flag that has no negation': { args: ['demo', '--no-yes'], message: /Unknown option --no-yes/ },
    'negating a string option': { args: ['demo', '--no-name'], message: /Unknown option --no-name/ },
    'a string option without its value': { args: ['demo', '--python'], message: /--python <value> argument missing/ },
    'a string option followed by another option': { args: ['demo', '--python', '--yes'], message: /--python is missing its value.*--python=<value>/ },
    'a boolean given a value': { args: ['demo', '--yes=1'], message: /--yes does not take an argument/ },
    'a flag and its negation': { args: ['demo', '--git', '--no-git'], message: /Conflicting options --git and --no-git/ },
    'two different values': { args: ['demo', '--name', 'a', '--name', 'b'], message: /Conflicting values for --name: "a" and "b"/ },
    'too many directories': { args: ['a', 'b'], message: /Too many arguments: "a" "b"/ },
    '--python 2.7': { args: ['demo', '--python', '2.7'], message: /unsupported Python version "2\.7" \(--python\): use one of 3\.11/ },
    '--python 3.9 (too old)': { args: ['demo', '--python', '3.9'], message: /"3\.9"/ },
    '--python 3.10 (end of life)': { args: ['demo', '--python', '3.10'], message: /unsupported Python version "3\.10" \(--python\): use one of 3\.11/ },
    '--python with a patch level': { args: ['demo', '--python', '3.12.1'], message: /"3\.12\.1"/ },
    '--python empty': { args: ['demo', '--python='], message: /unsupported Python version ""/ },
    '--python latest': { args: ['demo', '--python', 'latest'], message: /"latest"/ },
    '--package-manager npm': { args: ['demo', '--package-manager', 'npm'], message: /^create-ml-ci-cd: unsupported package manager "npm" \(--package-manager\): use uv or pip\.$/m },
    '--description on two lines': { args: ['demo', '--description', 'line one\nline two'], message: /the description \(--description\) must be one line/ },
    '--description with a line separator': { args: ['demo', '--description', 'one\u2028two'], message: /the description \(--description\) must be one line/ },
    '--package-manager empty': { args: ['demo', '--package-manager='], message: /unsupported package manager ""/ },
    'a description with a control character': { args: ['demo', '--description', 'bell\u0007'], message: /description contains the character U\+0007/ },
  });
});

describe('answers file', () => {
  refuses({
    'missing': { args: ['demo', '--answers', 'missing.json'], message: /Answers file missing\.json does not exist/ },
    'a directory': { args: ['demo', '--answers', '.'], message: /Cannot read answers file \. \(EISDIR\)\. Pass a readable JSON file/ },
    'empty': { args: ['demo', '--answers', 'a.json'], setup: file('a.json', ''), message: /a\.json is not valid JSON \(Unexpected end of JSON input\)/ },
    'malformed over several lines': {
      args: ['demo', '--answers', 'a.json'],
      setup: file('a.json', '{\n  "name": oops\n}\n'),
      message: /a\.json is not valid JSON \(Unexpected token.*\)\. Fix it/,
    },
    'a trailing comma': { args: ['demo', '--answers', 'a.json'], setup: file('a.json', '{\n  "name": "x",\n}'), message: /at line 3, column 1/ },
    'an array': { args: ['demo', '--answers', 'a.json'], setup: file('a.json', '["demo"]'), message: /must hold a JSON object/ },
    'null': { args: ['demo', '--answers', 'a.json'], setup: file('a.json', 'null'), message: /must hold a JSON object/ },
    'a string': { args: ['demo', '--answers', 'a.json'], setup: file('a.json', '"demo"'), message: /must hold a JSON object/ },
    'an unknown key': { args: ['demo', '--answers', 'a.json'], setup: file('a.json', '{"colour": "red"}'), message: /a\.json: unknown key "colour"\. Known keys: name/ },
    'an unknown key with a newline': { args: ['demo', '--answers', 'a.json'], setup: file('a.json', '{"a\\nb": 1}'), message: /unknown key "a\\nb"/ },
    '__proto__': { args: ['demo', '--answers', 'a.json'], setup: file('a.json', '{"__proto__": {"name": "x"}}'), message: /unknown key "__proto__"/ },
    'a number for a string': { args: ['demo', '--answers', 'a.json'], setup: file('a.json', '{"python": 3.12}'), message: /"python" must be a string, got 3\.12/ },
    'null for a string': { args: ['demo', '--answers', 'a.json'], setup: file('a.json', '{"description": null}'), message: /"description" must be a string, got null/ },
    'a number for the name': { args: ['x', '--answers', 'a.json'], setup: file('a.json', '{"name": 7}'), message: /"name" must be a string, got 7/ },
    'a string for the feature list': { args: ['demo', '--answers', 'a.json'], setup: file('a.json', '{"features": "dvc"}'), message: /"features" must be a list/ },
    'an unknown feature': { args: ['demo', '--answers', 'a.json'], setup: file('a.json', '{"features": ["gpu"]}'), message: /unknown feature "gpu"/ },
    'an invalid name': { args: ['demo', '--answers', 'a.json'], setup: file('a.json', '{"name": "Bad Name"}'), message: /"Bad Name"/ },
    'a lone surrogate in the description': {
      args: ['demo', '--answers', 'a.json'],
      setup: file('a.json', '{"description": "x\\ud800"}'),
      message: /description contains the character U\+D800/,
    },
    'DEL in the description': { args: ['demo', '--answers', 'a.json'], setup: file('a.json', '{"description": "x\\u007f"}'), message: /U\+007F/ },
    'a record without answers': {
      args: ['demo', '--answers', 'a.json'],
      setup: file('a.json', '{"generator": "create-ml-ci-cd", "version": "0.1.0", "answers": []}'),
      message: /a create-ml-ci-cd record without an "answers" object/,
    },
  });
});

// upgrade refuses to run where it has nothing to work on; --allow-dirty keeps git out of it (git
// may refresh its index, which would count as a change here).
describe('upgrade', () => {
  const record = (answers: string) => file('.create-ml-ci-cd.json', `{"generator": "create-ml-ci-cd", "version": "0.1.0", "answers": ${answers}}`);
  refuses({
    'outside a generated project': { args: ['upgrade'], message: /No \.create-ml-ci-cd\.json: upgrade runs in a project generated by create-ml-ci-cd/ },
    'outside a generated project, --dir': { args: ['upgrade', '--dir', 'nowhere'], message: /\.create-ml-ci-cd\.json/ },
    'an unknown flag': { args: ['upgrade', '--bogus'], message: /Unknown option --bogus\. Run `create-ml-ci-cd upgrade --help`/ },
    'a corrupt record (not JSON)': {
      args: ['upgrade', '--allow-dirty'],
      setup: file('.create-ml-ci-cd.json', '{\n  "answers": oops\n}\n'),
      message: /\.create-ml-ci-cd\.json is not valid JSON.*git checkout -- \.create-ml-ci-cd\.json/,
    },
    'a record whose answers are not an object': { args: ['upgrade', '--allow-dirty'], setup: record('"x"'), message: /"answers" is not an object/ },
    'a record with an invalid name': { args: ['upgrade', '--allow-dirty'], setup: record('{"name": "Bad Name"}'), message: /"Bad Name"/ },
    'a record with a wrong type': { args: ['upgrade', '--allow-dirty'], setup: record('{"name": "demo", "python": 3}'), message: /"python" must be a string/ },
  });
});
