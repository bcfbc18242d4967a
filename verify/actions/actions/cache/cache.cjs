// actions/cache stand-in shared by main.cjs, post.cjs, restore/ and save/.
// Entries are tarballs in $ACT_STANDIN_CACHE_DIR, keyed like the real action
// by (key, version) where version is derived from the cached paths. Without
// that variable every call is an announced no-op that reports a miss.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const TAG = '[cache stand-in]';

function input(name, fallback = '') {
  const v = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`];
  return v === undefined || v === '' ? fallback : v.trim();
}

function lines(value) {
  return value.split('\n').map((s) => s.trim()).filter(Boolean);
}

function appendKV(file, name, value) {
  if (!file) return;
  const delim = `ghadelimiter_${crypto.randomUUID()}`;
  fs.appendFileSync(file, `${name}<<${delim}\n${value}\n${delim}\n`);
}
const setOutput = (n, v) => appendKV(process.env.GITHUB_OUTPUT, n, v);
const saveState = (n, v) => appendKV(process.env.GITHUB_STATE, n, v);
const getState = (n) => process.env[`STATE_${n}`] || '';

function cacheDir() {
  const dir = process.env.ACT_STANDIN_CACHE_DIR;
  if (!dir) {
    console.log(`${TAG} ACT_STANDIN_CACHE_DIR is not set: caching is a no-op here (always a miss, nothing saved).`);
    return null;
  }
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

function version(paths) {
  return crypto.createHash('sha256').update(paths.join('\n')).digest('hex');
}

function entryBase(dir, key, ver) {
  const id = crypto.createHash('sha256').update(`${key}\n${ver}`).digest('hex').slice(0, 32);
  return path.join(dir, id);
}

function listEntries(dir, ver) {
  return fs.readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')))
    .filter((e) => e.version === ver && fs.existsSync(e.archive))
    .sort((a, b) => b.created - a.created);
}

// Expands the `path` input to existing absolute paths: `~` and globs (bash
// globstar), relative to the workspace. Exclusions (!pattern) are not supported.
function resolvePaths(patterns) {
  const cwd = process.env.GITHUB_WORKSPACE || process.cwd();
  const out = [];
  for (let p of patterns) {
    if (p.startsWith('!')) {
      console.log(`::warning title=cache stand-in::exclusion '${p}' is not supported and was ignored`);
      continue;
    }
    if (p === '~' || p.startsWith('~/')) p = path.join(os.homedir(), p.slice(1));
    // IFS=newline: the pattern is globbed but never split on spaces.
    const script = 'shopt -s globstar nullglob dotglob; IFS=$\'\\n\'; for f in $1; do printf "%s\\0" "$f"; done';
    const found = execFileSync('bash', ['-c', script, 'expand', p], { cwd, encoding: 'utf8' })
      .split('\0').filter(Boolean);
    for (const f of found) {
      const abs = path.resolve(cwd, f);
      if (fs.existsSync(abs) && !out.includes(abs)) out.push(abs);
    }
  }
  return out;
}

function restore({ stateForPost }) {
  const key = input('key');
  if (!key) throw new Error('Input required and not supplied: key');
  const patterns = lines(input('path'));
  if (patterns.length === 0) throw new Error('Input required and not supplied: path');
  const restoreKeys = lines(input('restore-keys'));
  const lookupOnly = input('lookup-only', 'false') === 'true';
  const failOnMiss = input('fail-on-cache-miss', 'false') === 'true';

  if (stateForPost) saveState('CACHE_KEY', key);
  setOutput('cache-primary-key', key);
  const dir = cacheDir();
  let hit = null;
  if (dir) {
    const entries = listEntries(dir, version(patterns));
    hit = entries.find((e) => e.key === key)
      || restoreKeys.map((rk) => entries.find((e) => e.key.startsWith(rk))).find(Boolean)
      || null;
  }
  if (!hit) {
    if (failOnMiss) throw new Error(`Failed to restore cache entry. Exiting as fail-on-cache-miss is set. Input key: ${key}`);
    console.log(`${TAG} Cache not found for input keys: ${[key, ...restoreKeys].join(', ')}`);
    setOutput('cache-hit', 'false');
    return;
  }
  if (lookupOnly) {
    console.log(`${TAG} Cache found and can be restored from key: ${hit.key} (lookup-only, not restored)`);
  } else {
    execFileSync('tar', ['-xzf', hit.archive, '-P'], { stdio: 'inherit' });
    console.log(`${TAG} Cache restored from key: ${hit.key} (${hit.archive})`);
  }
  if (stateForPost) saveState('CACHE_RESULT', hit.key);
  setOutput('cache-hit', String(hit.key === key));
  setOutput('cache-matched-key', hit.key);
}

function save({ key, patterns, matchedKey }) {
  if (!key) throw new Error('Input required and not supplied: key');
  if (matchedKey && matchedKey === key) {
    console.log(`${TAG} Cache hit occurred on the primary key ${key}, not saving cache.`);
    return;
  }
  const dir = cacheDir();
  if (!dir) return;
  const ver = version(patterns);
  const base = entryBase(dir, key, ver);
  if (fs.existsSync(`${base}.json`)) {
    console.log(`::warning title=cache stand-in::Failed to save: Unable to reserve cache with key ${key}, another job may be creating this cache.`);
    return;
  }
  const found = resolvePaths(patterns);
  if (found.length === 0) {
    console.log('::warning title=cache stand-in::Path Validation Error: Path(s) specified in the action for caching do(es) not exist, hence no cache is being saved.');
    return;
  }
  const archive = `${base}.tgz`;
  execFileSync('tar', ['-czf', `${archive}.tmp`, '-P', ...found], { stdio: 'inherit' });
  fs.renameSync(`${archive}.tmp`, archive);
  fs.writeFileSync(`${base}.json`, JSON.stringify({ key, version: ver, paths: found, archive, created: Date.now() }));
  const size = (fs.statSync(archive).size / 1048576).toFixed(1);
  console.log(`${TAG} Cache saved with key: ${key} (${size} MB, ${archive})`);
}

function run(fn) {
  try {
    fn();
  } catch (err) {
    console.log(`::error title=cache stand-in::${err.message}`);
    process.exitCode = 1;
  }
}

module.exports = { input, lines, getState, restore, save, run };
