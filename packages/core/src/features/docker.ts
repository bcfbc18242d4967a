import type { Feature } from './index.js';

export const docker: Feature<'docker'> = {
  name: 'docker',
  label: 'Docker image serving the model with FastAPI, smoke-tested in CI and pushed to GHCR',
  requirements: ['fastapi', 'uvicorn'],
  interactsWith: ['kubeflow'],
  baseImages: (python) => [`python:${python}-slim`],
};
