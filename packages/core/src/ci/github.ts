import type { CiProviderDef } from './index.js';

/** GitHub Actions: the workflows, Dependabot and CODEOWNERS under `.github/`, in whichever layer holds them. */
export const github = {
  name: 'github',
  label: 'GitHub Actions',
  owns: (path: string) => path.startsWith('.github/'),
  pipeline: (path: string) => path.startsWith('.github/workflows/'),
} as const satisfies CiProviderDef;
