#!/usr/bin/env node
// Re-checks every pinned action against its upstream tag: for each action in
// packages/core/src/versions.json and in versions.evidence.json (which also holds this
// repository's own workflow actions), `git ls-remote` the tag and compare the commit it points at
// (peeled, for annotated tags) with the pinned SHA. Prints one line per pin and exits 1 when any
// tag is missing or points elsewhere (a moved or deleted tag, or a wrong pin).
//
//   node scripts/check-action-pins.mjs [--remote-base URL] [--versions FILE] [--evidence FILE]
//
// --remote-base defaults to https://github.com; <base>/<owner>/<repo>.git is queried.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const options = {
    remoteBase: 'https://github.com',
    versions: join(root, 'packages/core/src/versions.json'),
    evidence: join(root, 'packages/core/src/versions.evidence.json'),
  };
  const flags = { '--remote-base': 'remoteBase', '--versions': 'versions', '--evidence': 'evidence' };
  for (let i = 0; i < argv.length; i++) {
    const key = flags[argv[i]];
    if (!key || argv[i + 1] === undefined) throw new Error(`Unknown or incomplete argument ${JSON.stringify(argv[i])}: use --remote-base URL, --versions FILE, --evidence FILE.`);
    options[key] = argv[++i];
  }
  return options;
}

/** Every distinct (action, tag, sha) the two files pin; a name pinned two ways is checked both ways. */
export function pinsFrom(versions, evidence) {
  const pins = new Map();
  for (const [source, table] of [['versions.json', versions.actions ?? {}], ['versions.evidence.json', evidence.actions ?? {}]])
    for (const [name, { sha, version }] of Object.entries(table)) {
      const key = `${name}@${version}@${sha}`;
      if (pins.has(key)) pins.get(key).sources.push(source);
      else pins.set(key, { name, version, sha, sources: [source] });
    }
  return [...pins.values()];
}

/** The commit a tag names upstream, or undefined when there is no such tag. */
export function tagCommit(remoteBase, name, tag) {
  const url = `${remoteBase.replace(/\/+$/, '')}/${name}.git`;
  const out = execFileSync('git', ['ls-remote', '--tags', url, `refs/tags/${tag}`, `refs/tags/${tag}^{}`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
  });
  const refs = new Map(out.trim().split('\n').filter(Boolean).map((line) => line.split('\t').reverse()));
  return refs.get(`refs/tags/${tag}^{}`) ?? refs.get(`refs/tags/${tag}`);
}

export function checkPins({ remoteBase, versions, evidence }) {
  const problems = [];
  const lines = [];
  for (const pin of pinsFrom(versions, evidence)) {
    let upstream;
    try {
      upstream = tagCommit(remoteBase, pin.name, pin.version);
    } catch (err) {
      problems.push(`UNREACHABLE ${pin.name} ${pin.version}: git ls-remote failed: ${String(err.stderr ?? err.message).trim().split('\n')[0]}`);
      continue;
    }
    if (upstream === undefined) problems.push(`MISSING ${pin.name} ${pin.version}: no such tag upstream (pinned ${pin.sha} in ${pin.sources.join(', ')})`);
    else if (upstream !== pin.sha) problems.push(`MISMATCH ${pin.name} ${pin.version}: pinned ${pin.sha} in ${pin.sources.join(', ')}, but the tag points at ${upstream}`);
    else lines.push(`ok ${pin.name} ${pin.version} ${pin.sha}`);
  }
  return { lines, problems };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`check-action-pins: ${err.message}`);
    process.exit(2);
  }
  const read = (file) => JSON.parse(readFileSync(file, 'utf8'));
  const { lines, problems } = checkPins({ remoteBase: options.remoteBase, versions: read(options.versions), evidence: read(options.evidence) });
  for (const line of lines) console.log(line);
  for (const problem of problems) console.error(problem);
  if (problems.length) {
    console.error(`check-action-pins: ${problems.length} pinned action(s) do not match their upstream tag. Fix the pin in packages/core/src/versions.json and its evidence, or find out why the tag moved.`);
    process.exit(1);
  }
  console.log(`check-action-pins: all ${lines.length} pins match their upstream tags.`);
}
