#!/usr/bin/env node
// Resolves every PyPI pin of packages/core/src/versions.json, with all their transitive
// dependencies, into packages/core/src/versions.lock.json: one universal resolution (markers, so
// Python 3.11+ on Linux, macOS and Windows) with the sha256 of every file. The generator cuts each
// project's requirements*.lock from it (packages/core/src/lock.ts), so train, dev and serve share
// one version of every package they have in common.
//
//   node scripts/lock-versions.mjs          rewrite the lock after editing versions.json
//
// Needs uv (versions.json other.uv; scripts/setup-tools.sh puts it in .tools/bin) and PyPI.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const versionsFile = join(root, 'packages/core/src/versions.json');
const lockFile = join(root, 'packages/core/src/versions.lock.json');
const versions = JSON.parse(readFileSync(versionsFile, 'utf8'));
// The oldest supported Python: a universal resolution covers it and every newer one.
const pythonVersion = versions.python.supported[0];
const args = ['pip', 'compile', '--universal', '--python-version', pythonVersion, '--generate-hashes', '--no-header'];

const normalize = (name) => name.toLowerCase().replace(/[-_.]+/g, '-');

/** uv's compiled output -> { name: { via, versions: [{ version, marker?, hashes }] } }. */
export function parseCompiled(text) {
  const packages = {};
  let current;
  let inVia = false;
  for (const line of text.split('\n')) {
    const req = /^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+?)(?: ; (.*?))?(?: \\)?$/.exec(line);
    if (req) {
      const [, name, version, marker] = req;
      const entry = (packages[normalize(name)] ??= { via: [], versions: [] });
      current = { version, ...(marker ? { marker } : {}), hashes: [] };
      entry.versions.push(current);
      current.entry = entry;
      inVia = false;
      continue;
    }
    const hash = /^\s+--hash=(\S+?)(?: \\)?$/.exec(line);
    if (hash && current) {
      current.hashes.push(hash[1]);
      continue;
    }
    const via = /^\s+# via(?: (.*))?$/.exec(line);
    if (via && current) {
      inVia = via[1] === undefined;
      if (via[1] !== undefined) current.entry.via.push(via[1]);
      continue;
    }
    const more = /^\s+#\s{3}(.*)$/.exec(line);
    if (more && current && inVia) current.entry.via.push(more[1]);
  }
  for (const entry of Object.values(packages)) {
    for (const v of entry.versions) delete v.entry;
    // `-r <input>` marks a direct pin; the graph only needs package parents.
    entry.via = [...new Set(entry.via.filter((v) => !v.startsWith('-r ')).map(normalize))].sort();
  }
  return Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function uv() {
  const local = join(root, '.tools/bin/uv');
  return existsSync(local) ? local : 'uv';
}

function main() {
  const dir = mkdtempSync(join(tmpdir(), 'lock-versions-'));
  try {
    const input = join(dir, 'versions.in');
    writeFileSync(input, Object.entries(versions.pypi).map(([name, version]) => `${name}==${version}\n`).join(''));
    const out = execFileSync(uv(), [...args, input], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, UV_NO_CONFIG: '1' } });
    const lock = {
      $comment: 'Written by scripts/lock-versions.mjs from versions.json: do not edit. Every package the pins install, universal (markers), with hashes.',
      command: `uv ${args.join(' ')}`,
      pins: Object.fromEntries(Object.entries(versions.pypi).map(([name, version]) => [normalize(name), version]).sort(([a], [b]) => (a < b ? -1 : 1))),
      packages: parseCompiled(out),
    };
    writeFileSync(lockFile, `${JSON.stringify(lock, null, 1)}\n`);
    console.log(`wrote ${lockFile} (${Object.keys(lock.packages).length} packages)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
