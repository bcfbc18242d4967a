/**
 * Which package manager started this run (`npm create`, `pnpm dlx`, `yarn create`, `bunx`, ...),
 * read from the `npm_config_user_agent` every one of them sets ("pnpm/10.3.0 npm/? node/v20..."),
 * so that the commands we print are ones the user can paste.
 */
export type Launcher = 'npm' | 'pnpm' | 'yarn' | 'yarn-classic' | 'bun';

export function detectLauncher(userAgent: string | undefined): Launcher {
  const [name, version = ''] = (userAgent ?? '').split(' ')[0].split('/');
  if (name === 'pnpm' || name === 'bun') return name;
  // Yarn 1 has no `dlx`; Berry (2 and later) does.
  if (name === 'yarn') return version.startsWith('1.') ? 'yarn-classic' : 'yarn';
  return 'npm';
}

/** How this launcher runs a package's bin once without installing it: `npx pkg args`, `pnpm dlx pkg args`, ... */
export function runPackage(launcher: Launcher, spec: string, args: string): string {
  const prefix = { npm: 'npx', 'yarn-classic': 'npx', pnpm: 'pnpm dlx', yarn: 'yarn dlx', bun: 'bunx' }[launcher];
  return `${prefix} ${spec} ${args}`;
}

/** The command that runs `create-ml-ci-cd@<version> upgrade` through the launcher of this run. */
export function upgradeCommand(version = 'latest'): string {
  return runPackage(detectLauncher(process.env.npm_config_user_agent), `create-ml-ci-cd@${version}`, 'upgrade');
}
