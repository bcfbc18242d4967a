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
  // The dependency cache the jobs keep in the project directory (GitLab caches only paths inside
  // it), and gitlab-ci-local's state when the pipeline is run locally.
  gitignore: ['/.cache/', '/.gitlab-ci-local/'],
  images: (python: string) => [`python:${python}-slim`],
} as const satisfies CiProviderDef;
