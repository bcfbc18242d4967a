import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface FoundPython {
  /** The interpreter's own `sys.executable`. */
  path: string;
  /** e.g. 3.12.1 */
  version: string;
}

const PROBE = 'import sys, platform, venv; print(sys.executable); print(platform.python_version())';

/** Run one candidate interpreter; what it says it is, or undefined when it does not run (a pyenv shim of an inactive version fails). */
export function probePython(command: string, args: string[] = []): FoundPython | undefined {
  const probe = spawnSync(command, [...args, '-c', PROBE], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  if (probe.status !== 0) return undefined;
  const [path, version] = probe.stdout.trim().split(/\r?\n/);
  return path && version ? { path, version } : undefined;
}

/**
 * An installed Python `wanted` (e.g. "3.12"), without downloading anything: pyenv's
 * `versions/3.12.*` (its shims on PATH fail for versions that are not active), then `python3.12`
 * on PATH, then Windows' `py -3.12`, then `python3` / `python` if they happen to be that version.
 */
export function findPython(wanted: string, { env = process.env, platform = process.platform } = {}): FoundPython | undefined {
  const matches = (found: FoundPython | undefined) => (found && (found.version === wanted || found.version.startsWith(`${wanted}.`)) ? found : undefined);
  const pyenv = env.PYENV_ROOT ?? join(homedir(), '.pyenv');
  const pyenvVersions = existsSync(join(pyenv, 'versions'))
    ? readdirSync(join(pyenv, 'versions'))
        .filter((v) => v === wanted || v.startsWith(`${wanted}.`))
        .sort((a, b) => b.localeCompare(a, undefined, { numeric: true }))
        .map((v) => join(pyenv, 'versions', v, 'bin', `python${wanted}`))
    : [];
  const candidates: [string, string[]][] = [
    ...pyenvVersions.map((path): [string, string[]] => [path, []]),
    [`python${wanted}`, []],
    ...(platform === 'win32' ? [['py', [`-${wanted}`]] as [string, string[]]] : []),
    ['python3', []],
    ['python', []],
  ];
  for (const [command, args] of candidates) {
    const found = matches(probePython(command, args));
    if (found) return found;
  }
  return undefined;
}
