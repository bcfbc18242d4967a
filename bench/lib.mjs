// Shared by the benchmarks: loading repo TypeScript, timing commands, medians.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * Import a TypeScript module of the repo from plain Node: esbuild bundles it (npm packages stay
 * external) into node_modules/.cache, from where those packages still resolve.
 */
export async function importTs(path) {
  const outdir = join(repoRoot, 'node_modules/.cache/create-ml-ci-cd-bench');
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, `${path.replace(/[^a-z0-9]+/gi, '-')}.mjs`);
  await build({ entryPoints: [join(repoRoot, path)], outfile, bundle: true, packages: 'external', format: 'esm', platform: 'node', target: 'node20.19', logLevel: 'error' });
  return import(`${outfile}?${Date.now()}`);
}

/**
 * Run a command to completion; wall time measured here, CPU time (user + system, the whole process
 * tree) and peak RSS (`%M`, kB: the largest process of the tree) by GNU time. CPU time suffers
 * less than wall time from other load on the machine. Throws on a non-zero exit.
 */
export function measure(command, args, { cwd, env }) {
  const timeFile = join(cwd, '.time');
  const start = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', '%M %U %S', '-o', timeFile, command, ...args], { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}) in ${cwd}:\n${result.stdout}\n${result.stderr}`);
  const [rssKb, user, system] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  rmSync(timeFile);
  return { seconds, cpuSeconds: user + system, rssKb };
}

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

export function requireGnuTime() {
  if (spawnSync('/usr/bin/time', ['-f', '%M', 'true']).status !== 0)
    throw new Error('GNU time is missing: install it (Debian/Ubuntu: apt-get install time).');
}

/** Versions of what was measured with, for the results file. */
export function machine() {
  const npmVersion = spawnSync('npm', ['--version'], { encoding: 'utf8' }).stdout.trim();
  return { node: process.version, npm: npmVersion, platform: `${process.platform}-${process.arch}`, cpus: cpus().length, loadavg: loadavg().map((l) => +l.toFixed(2)) };
}
