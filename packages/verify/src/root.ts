import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directory holding nx.json, found from this file (or, inside the plugin's bundle, from the cwd Nx gives it). */
function findWorkspaceRoot(): string {
  let dir = import.meta.url ? dirname(fileURLToPath(import.meta.url)) : process.cwd();
  while (!existsSync(join(dir, 'nx.json'))) {
    if (dirname(dir) === dir) throw new Error('Cannot find the workspace root (no nx.json above this file or the current directory).');
    dir = dirname(dir);
  }
  return dir;
}

export const workspaceRoot = findWorkspaceRoot();
export const checksDir = join(workspaceRoot, 'verify/checks');
