import versions from './versions.json' with { type: 'json' };

export { versions };

export type PythonVersion = (typeof versions.python.supported)[number];

function lookup<T>(table: Record<string, T>, kind: string, name: string): T {
  const found = Object.hasOwn(table, name) ? table[name] : undefined;
  if (found === undefined) throw new Error(`No ${kind} named "${name}" in versions.json; add it there.`);
  return found;
}

/** `name==version`, the pin a requirements file uses. */
export function pin(name: string): string {
  return `${name}==${lookup(versions.pypi as Record<string, string>, 'PyPI package', name)}`;
}

/** `owner/repo@<sha> # vX.Y.Z`, the pinned form of a `uses:` value. */
export function action(name: string): string {
  const { sha, version } = lookup(versions.actions as Record<string, { sha: string; version: string }>, 'action', name);
  return `${name}@${sha} # ${version}`;
}

/** Any other value (base image digests, tool versions): `versions.other[name]`. */
export function other(name: string): string {
  return lookup((versions as { other?: Record<string, string> }).other ?? {}, 'value', name);
}
