import type { Feature } from './index.js';

export const mlflow: Feature<'mlflow'> = {
  name: 'mlflow',
  label: 'MLflow tracking and model registry (alias "champion" moves only to a better model)',
  requirements: ['mlflow'],
  interactsWith: ['docker', 'kubeflow'],
  // The default local store: runs in SQLite, artifacts beside it.
  gitignore: ['/mlflow.db', '/mlartifacts/', '/mlruns/'],
};
