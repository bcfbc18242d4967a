import type { Feature } from './index.js';

export const kubeflow: Feature<'kubeflow'> = {
  name: 'kubeflow',
  // The compile and submit jobs exist as a GitHub workflow only; GitLab CI has no Kubeflow jobs yet.
  providers: ['github'],
  label: 'Kubeflow Pipelines: the training pipeline compiled for a cluster, run locally in tests',
  requirements: ['kfp'],
  // The compiled pipeline is a build output: CI compiles it and uploads it as an artifact.
  gitignore: ['/kubeflow/pipeline.yaml', '/kubeflow/local-outputs/'],
  // The training image the cluster runs the components in (kubeflow/Dockerfile).
  baseImages: (python) => [`python:${python}-slim`],
};
