import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Both src/ (tests) and dist/ (the bundle) sit one level below the package root.
const packageRoot = fileURLToPath(new URL('..', import.meta.url));

export const version: string = JSON.parse(readFileSync(`${packageRoot}package.json`, 'utf8')).version;

/** Shipped inside the package; the build copies the repo's templates/ there. */
export const templatesDir = process.env.CREATE_ML_CI_CD_TEMPLATES ?? `${packageRoot}templates`;

const cleanups = new Set<(signal: NodeJS.Signals) => void>();

/** Run `cleanup` if the process is interrupted (Ctrl-C or SIGTERM) before `release()` is called. */
export function cleanupOnSignal(cleanup: (signal: NodeJS.Signals) => void): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.on(signal, () => {
    for (const cleanup of cleanups) {
      try {
        cleanup(signal);
      } catch (error) {
        // Still exit with the signal's code; say what was left behind.
        console.error(`create-ml-ci-cd: could not clean up after ${signal}: ${(error as Error).message}`);
      }
    }
    process.exit(code);
  });
}
