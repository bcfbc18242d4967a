import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
/** The built bin, as `npm create ml-ci-cd` runs it (run `npm run build` first; Nx does). */
export const bin = join(repoRoot, 'packages/create-ml-ci-cd/index.js');

export function tempDir(prefix = 'cmlcicd-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Spawn the real CLI non-interactively (stdin is not a TTY); never throws on a non-zero exit. */
export function cli(args: string[], options: { cwd?: string; env?: Record<string, string>; timeout?: number } = {}) {
  return execa('node', [bin, ...args], { reject: false, stdin: 'ignore', ...options, env: { NO_COLOR: '1', ...options.env } });
}

/** Every file below `dir` (relative paths, sorted), skipping .git. */
export function listTree(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((p) => !p.split('/').includes('.git') && statSync(join(dir, p)).isFile())
    .map((p) => relative(dir, join(dir, p)))
    .sort();
}

export function readJson(path: string): any {
  return JSON.parse(readFileSync(path, 'utf8'));
}
