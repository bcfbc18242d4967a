import type { CiProviderDef } from './index.js';

/**
 * GitLab CI: `.gitlab-ci.yml` (and the files it includes under `.gitlab/`) from `templates/gitlab`.
 * Its jobs run in the official Python image pinned by digest, as the Dockerfiles are.
 */
export const gitlab = {
  name: 'gitlab',
  label: 'GitLab CI',
  owns: (path: string) => path === '.gitlab-ci.yml' || path.startsWith('.gitlab/'),
  layer: 'gitlab',
  images: (python: string) => [`python:${python}-slim`],
} as const satisfies CiProviderDef;
