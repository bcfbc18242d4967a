import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { UserError, findPython, type Answers, type FoundPython } from '@create-ml-ci-cd/core';
import { cleanupOnSignal } from './runtime.js';

/** What `--install` installs: requirements-dev.txt's lock, transitive packages and hashes included. */
const DEV_LOCK = 'requirements-dev.lock';
const UV_INSTALL_URL = 'https://docs.astral.sh/uv/getting-started/installation/';

/** What the platform calls things: the venv's own interpreter and how a shell names a Python version. */
export interface Platform {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
}
const here: Platform = { platform: process.platform, env: process.env };

const venvPython = ({ platform }: Platform) => (platform === 'win32' ? '.venv\\Scripts\\python.exe' : '.venv/bin/python');
const venvBin = ({ platform }: Platform, name: string) => (platform === 'win32' ? `.venv\\Scripts\\${name}.exe` : `.venv/bin/${name}`);

/** Whether an executable is on PATH (looked up, not spawned: this runs on every create); `uv.exe` on Windows. */
function onPath(name: string, { platform, env }: Platform): boolean {
  const names = platform === 'win32' ? (env.PATHEXT ?? '.EXE').split(';').map((ext) => `${name}${ext.toLowerCase()}`) : [name];
  return (env.PATH ?? '').split(delimiter).some((dir) =>
    names.some((file) => {
      try {
        accessSync(join(dir || '.', file), platform === 'win32' ? constants.F_OK : constants.X_OK);
        return true;
      } catch {
        return false;
      }
    }),
  );
}

const quote = (arg: string) => (/^[\w./\\:@=+-]+$/.test(arg) ? arg : JSON.stringify(arg));
export const commandLine = (argv: string[]) => argv.map(quote).join(' ');

export interface InstallPlan {
  /** Each command as argv. */
  steps: string[][];
  /** One line to print before them (which tool stands in for which). */
  note?: string;
}

/**
 * The commands that make .venv with the project's own Python and install the dev lock (every
 * package, pinned with hashes): uv when the project uses it and it is installed, pip otherwise
 * (the same lock). `python` is the
 * interpreter to use; without one, the steps name the version the way the user's shell would.
 */
export function installPlan(answers: Answers, python: FoundPython | undefined, platform: Platform = here): InstallPlan {
  const py = answers.python;
  if (answers.packageManager === 'uv' && onPath('uv', platform))
    return {
      steps: [
        ['uv', 'venv', '--python', python?.path ?? py, '.venv'],
        ['uv', 'pip', 'sync', '--require-hashes', DEV_LOCK],
      ],
    };
  const interpreter = python ? [python.path] : platform.platform === 'win32' ? ['py', `-${py}`] : [`python${py}`];
  return {
    steps: [
      [...interpreter, '-m', 'venv', '.venv'],
      [venvPython(platform), '-m', 'pip', 'install', '--require-hashes', '--no-deps', '-r', DEV_LOCK],
    ],
    note: answers.packageManager === 'uv' ? `uv was not found on PATH, so pip installs locally (CI uses uv either way). Get uv: ${UV_INSTALL_URL}` : undefined,
  };
}

/**
 * The interpreter `--install` will use, looked up before anything is written: with uv, uv may
 * still find or fetch one itself; with pip, a missing Python is a clear refusal, never a venv of
 * another version.
 */
export function pythonForInstall(answers: Answers, platform: Platform = here): FoundPython | undefined {
  const found = findPython(answers.python, platform);
  if (found || (answers.packageManager === 'uv' && onPath('uv', platform))) return found;
  const looked = [`pyenv's versions`, `python${answers.python} on PATH`, ...(platform.platform === 'win32' ? [`py -${answers.python}`] : [])].join(', ');
  throw new UserError(
    `Python ${answers.python} (the project's --python) is not installed here (looked at ${looked}). Install it (\`pyenv install ${answers.python}\`, \`uv python install ${answers.python}\` or python.org), choose one you have with --python, or drop --install.`,
  );
}

/** The commands after installing, for the next-steps list. */
export function runSteps(answers: Answers, platform: Platform = here): string[] {
  const train = answers.features.includes('dvc') ? [venvBin(platform, 'dvc'), 'repro'] : [venvPython(platform), 'src/train.py'];
  return [commandLine(train), commandLine([venvPython(platform), '-m', 'pytest'])];
}

/**
 * Run the install steps in `target` with their progress visible. Each runs in a process group of
 * its own, so Ctrl-C reaches only this process, which stops the step (no Python traceback), removes
 * the half-made .venv (unless it was there before) and exits 130/143 through runtime.ts's handler.
 */
export async function install(target: string, steps: string[][]): Promise<boolean> {
  const venv = join(target, '.venv');
  const hadVenv = existsSync(venv);
  for (const argv of steps) {
    console.log(`$ ${commandLine(argv)}`);
    const child = spawn(argv[0], argv.slice(1), { cwd: target, stdio: ['ignore', 'inherit', 'inherit'], detached: process.platform !== 'win32' });
    const release = cleanupOnSignal(() => {
      if (child.exitCode === null && child.pid !== undefined) {
        try {
          process.kill(process.platform === 'win32' ? child.pid : -child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      if (!hadVenv) rmSync(venv, { recursive: true, force: true, maxRetries: 3 });
      console.error(`Interrupted while installing${hadVenv ? '' : '; removed the half-made .venv'}. The project itself is complete.`);
    });
    const code = await new Promise<number | string>((resolve) => {
      child.once('error', (error) => resolve((error as NodeJS.ErrnoException).code ?? 'error'));
      child.once('exit', (status, signal) => resolve(status ?? signal ?? 'signal'));
    }).finally(release);
    if (code === 'ENOENT') console.error(`${argv[0]} could not be run (ENOENT); is ${argv[0] === 'uv' ? 'uv' : 'Python'} installed and on PATH?`);
    if (code !== 0) return false;
  }
  return true;
}
