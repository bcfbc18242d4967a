import lockData from './versions.lock.json' with { type: 'json' };

/** One resolved version of a package, under the markers where it applies (universal resolution). */
interface Locked {
  version: string;
  marker?: string;
  hashes: string[];
}
interface LockEntry {
  /** The packages that require it. */
  via: string[];
  versions: Locked[];
}
export interface VersionsLock {
  pins: Record<string, string>;
  packages: Record<string, LockEntry>;
}

const data = lockData as VersionsLock;

/** PEP 503 name: what pip, uv and the lock compare. */
export const normalizeName = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

/** The `name==version` pins of a requirements file, following `-r other.txt` through `files`. */
export function requirementPins(file: string, files: ReadonlyMap<string, string>, seen = new Set<string>()): Map<string, string> {
  const text = files.get(file);
  if (text === undefined) throw new Error(`${file} is included but not generated`);
  seen.add(file);
  const pins = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) continue;
    const include = /^-r\s+(\S+)$/.exec(line);
    if (include) {
      if (!seen.has(include[1])) for (const [name, version] of requirementPins(include[1], files, seen)) pins.set(name, version);
      continue;
    }
    const pin = /^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)$/.exec(line);
    if (!pin) throw new Error(`${file}: "${line}" is not a name==version pin; the lock is cut only from exact pins`);
    pins.set(normalizeName(pin[1]), pin[2]);
  }
  return pins;
}

/** The lock file name of a requirements file: requirements-dev.txt -> requirements-dev.lock. */
export const lockPath = (requirements: string) => requirements.replace(/\.txt$/, '.lock');

/**
 * The lock of one requirements file: its pins and every package they pull in (the closure over the
 * lock's `via` graph), each with its markers and hashes, in the format pip and uv install with
 * `--require-hashes`. The header lists the pins it was cut from; the project's `src/lock.py check`
 * compares them with the requirements files.
 */
export function renderLock(file: string, files: ReadonlyMap<string, string>, lock: VersionsLock = data): string {
  const pins = requirementPins(file, files);
  for (const [name, version] of pins) {
    const entry = lock.packages[name];
    if (!entry) throw new Error(`${name} (${file}) is not in versions.lock.json; run \`node scripts/lock-versions.mjs\`.`);
    if (!entry.versions.some((v) => v.version === version))
      throw new Error(`${name}==${version} (${file}) does not match versions.lock.json (${entry.versions.map((v) => v.version).join(', ')}); run \`node scripts/lock-versions.mjs\`.`);
  }
  const included = new Set(pins.keys());
  for (let grown = true; grown; ) {
    grown = false;
    for (const [name, entry] of Object.entries(lock.packages))
      if (!included.has(name) && entry.via.some((parent) => included.has(parent))) grown = included.add(name) && true;
  }
  const lines = [
    `# ${lockPath(file)}: every package ${file} installs, pinned with hashes. Written by create-ml-ci-cd;`,
    `# after editing ${file}, \`python src/lock.py refresh\` rewrites it (\`python src/lock.py check\` says when).`,
    `# Install: uv pip sync --require-hashes ${lockPath(file)}`,
    `#      or: python -m pip install --require-hashes --no-deps -r ${lockPath(file)}`,
    `# Locked from ${file}:`,
    ...[...pins].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, version]) => `#   ${name}==${version}`),
  ];
  for (const name of [...included].sort()) {
    for (const v of lock.packages[name].versions) {
      // A pinned package has exactly its pinned version, whatever forks the shared resolution made.
      if (pins.has(name) && v.version !== pins.get(name)) continue;
      const marker = pins.has(name) ? '' : v.marker ? ` ; ${v.marker}` : '';
      lines.push(`${name}==${v.version}${marker} \\`, ...v.hashes.map((h, i) => `    --hash=${h}${i < v.hashes.length - 1 ? ' \\' : ''}`));
    }
  }
  return `${lines.join('\n')}\n`;
}
