import type { CiProviderDef } from './index.js';

/**
 * Jenkins: one Declarative `Jenkinsfile` from `templates/jenkins`, for a multibranch pipeline. Its
 * stages run in the official Python image pinned by digest (Docker Pipeline's `agent { docker }`),
 * as GitLab's jobs and the Dockerfiles do.
 */
export const jenkins = {
  name: 'jenkins',
  label: 'Jenkins',
  owns: (path: string) => path === 'Jenkinsfile',
  layer: 'jenkins',
  // The dependency cache the stages keep in the workspace (cleanWs() removes it after each build).
  gitignore: ['/.cache/'],
  images: (python: string) => [`python:${python}-slim`],
} as const satisfies CiProviderDef;
