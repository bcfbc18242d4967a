import { posix } from 'node:path';
import { UserError } from '../errors.js';
import type { Feature } from './index.js';

/**
 * Remote kinds the generated workflows can log in to, each through its cloud's OIDC login action (no
 * static keys), with the GitHub variables that login reads (README: "Secrets in CI").
 */
export const dvcRemoteKinds = {
  s3: { label: 'AWS (S3)', plugin: 'dvc-s3', login: 'aws-actions/configure-aws-credentials', variables: ['AWS_DVC_ROLE_ARN', 'AWS_REGION'] },
  gs: {
    label: 'Google Cloud (GCS)',
    plugin: 'dvc-gs',
    login: 'google-github-actions/auth',
    variables: ['GCP_WORKLOAD_IDENTITY_PROVIDER', 'GCP_SERVICE_ACCOUNT'],
  },
  azure: {
    label: 'Azure (Blob Storage)',
    plugin: 'dvc-azure',
    login: 'azure/login',
    variables: ['AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_SUBSCRIPTION_ID', 'AZURE_STORAGE_ACCOUNT'],
  },
} as const;

export type DvcRemoteKind = keyof typeof dvcRemoteKinds;

/** A validated remote URL's kind, its DVC plugin package and its login; undefined for a local directory. */
export function dvcLogin(url: string | undefined) {
  const scheme = /^([a-z0-9]+):\/\//.exec(url ?? '')?.[1];
  if (scheme === undefined || !Object.hasOwn(dvcRemoteKinds, scheme)) return undefined;
  const kind = scheme as DvcRemoteKind;
  return { kind, ...dvcRemoteKinds[kind] };
}

/**
 * Check `--dvc-remote`: `s3://bucket[/path]`, `gs://bucket[/path]`, `azure://container[/path]`, or a
 * local directory (relative paths are relative to the project). The value is written unquoted into
 * `.dvc/config` (an INI file), so characters that would end or comment the value are refused.
 */
export function validateDvcRemote(value: string): string {
  const shown = JSON.stringify(value);
  const url = value.trim();
  const supported = 'Use s3://bucket/path, gs://bucket/path, azure://container/path or a local directory.';
  if (url === '') throw new UserError(`The DVC remote is empty. ${supported}`);
  if (/[\u0000-\u001f\u007f#;"'`\\]/.test(url))
    throw new UserError(`DVC remote ${shown} contains a character .dvc/config cannot hold (#, ;, a quote, a backslash or a control character). ${supported}`);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url)?.[1];
  if (scheme === undefined) {
    if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(url) && !/^[A-Za-z]:\//.test(url))
      throw new UserError(`DVC remote ${shown} looks like a URL without "//". ${supported}`);
    return posix.normalize(url);
  }
  if (!Object.hasOwn(dvcRemoteKinds, scheme))
    throw new UserError(`DVC remote ${shown}: ${scheme}:// is not supported by this generator. ${supported} (Add other remotes later with \`dvc remote add\`.)`);
  const [bucket, ...path] = url.slice(scheme.length + 3).split('/');
  if (!/^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/.test(bucket))
    throw new UserError(
      `DVC remote ${shown}: "${bucket}" is not a valid ${scheme === 'azure' ? 'container' : 'bucket'} name (lowercase letters, digits, ".", "-" and "_", at least 3 characters).`,
    );
  const rest = path.filter((p) => p !== '').join('/');
  return `${scheme}://${bucket}${rest ? `/${rest}` : ''}`;
}

export const dvc: Feature<'dvc'> = {
  name: 'dvc',
  label: 'DVC pipeline (prepare, train, evaluate) with cached outputs and a data remote',
  options: [
    {
      key: 'dvcRemote',
      type: 'string',
      help: 'DVC remote: s3://…, gs://…, azure://… or a local directory',
      prompt: 'DVC remote (s3://…, gs://…, azure://… or a directory):',
      valueName: '<url>',
      // Beside the project, so a first `dvc push` works with no cloud account.
      default: (answers) => `../${answers.name}-dvc-storage`,
      defaultHelp: '../<name>-dvc-storage',
      validate: validateDvcRemote,
    },
  ],
  context: (answers, enabled) => ({ dvcLogin: enabled ? dvcLogin(answers.dvcRemote as string) : undefined }),
  interactsWith: ['mlflow', 'kubeflow'],
  // Pipeline intermediates: DVC caches them (and pushes them to the remote), git never sees them.
  gitignore: ['/data/prepared/'],
};
