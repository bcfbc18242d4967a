// --docker, with MLflow and without: only a promotion delivers and deploys, by digest, after the checks.
// Read from the generated workflows (the image and deploy jobs need Docker and a cluster, which this
// machine does not have; verify/checks/ml-retrain.sh runs the promotion itself under act).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cli, tempDir } from './support/cli.js';

type Step = { name?: string; uses?: string; run?: string; if?: string };
type Job = { needs?: string | string[]; if?: string; uses?: string; with?: Record<string, string>; steps?: Step[]; outputs?: Record<string, string> };
type Workflow = { on: Record<string, unknown>; jobs: Record<string, Job> };

describe.each([[], ['--mlflow']])('create-ml-ci-cd --docker %s: promotion drives delivery', (...extra: string[]) => {
  let dir: string;
  const workflow = (name: string) => parse(readFileSync(join(dir, `.github/workflows/${name}.yml`), 'utf8')) as Workflow;
  const index = (job: Job, match: (s: Step) => boolean) => (job.steps ?? []).findIndex(match);

  beforeAll(async () => {
    const cwd = tempDir('cmlcicd-deliver-');
    const result = await cli(['demo', '--yes', '--no-git', '--docker', ...extra], { cwd });
    expect(result.exitCode, result.stderr).toBe(0);
    dir = join(cwd, 'demo');
  });

  it('pushes and deploys nothing from the pipeline of a push', () => {
    const pipeline = workflow('ml_pipeline');
    const all = JSON.stringify(pipeline.jobs);
    expect(all).not.toContain('docker/build-push-action');
    expect(Object.values(pipeline.jobs).map((job) => job.uses).filter(Boolean)).toEqual([]);
    expect(Object.keys(pipeline.on.push as object)).toEqual(['branches']);
    // The manifests are still checked on every run, before the image is built.
    const image = pipeline.jobs.image;
    expect(index(image, (s) => /deploy\/render\.sh/.test(s.run ?? ''))).toBeLessThan(index(image, (s) => /docker build/.test(s.run ?? '')));
  });

  it('builds the image from the promoted release, then deploys that release', () => {
    const { jobs } = workflow('retrain');
    expect(jobs.deliver.needs).toBe('promote');
    expect(jobs.deliver.if).toBe("needs.promote.outputs.promoted == 'true'");
    const download = jobs.deliver.steps!.find((s) => s.name === 'Download the released model')!;
    expect(download.run).toContain('gh release download "$TAG" --pattern model.joblib --pattern model.record.json');
    expect(download.run).toContain('model_sha256');
    expect(index(jobs.deliver, (s) => s.uses?.startsWith('actions/attest@') ?? false)).toBeGreaterThan(
      index(jobs.deliver, (s) => s.uses?.startsWith('docker/build-push-action@') ?? false),
    );
    expect(jobs.deliver.steps!.at(-1)!.run).toContain('gh release upload "$TAG" "$RUNNER_TEMP/image.json" --clobber');
    expect(jobs.deploy).toMatchObject({ needs: ['promote', 'deliver'], uses: './.github/workflows/deploy.yml', with: { model: '${{ needs.promote.outputs.tag }}' } });
    // The release tag comes from the model record, not the run number.
    expect(JSON.stringify(jobs.promote)).not.toContain('run_number');
    expect(jobs.promote.steps!.find((s) => s.name === 'Publish it as the champion release')!.run).toContain('tag="model-$id"');
  });

  it('deploys by digest, only after the attestation and kubeconform passed, and undoes a failed rollout', () => {
    const { on, jobs } = workflow('deploy');
    expect(Object.keys(on)).toEqual(['workflow_call', 'workflow_dispatch']);
    const deploy = jobs.deploy;
    const at = (text: string) => index(deploy, (s) => (s.run ?? '').includes(text));
    const apply = index(deploy, (s) => /^kubectl apply --filename/m.test(s.run ?? ''));
    expect(at('gh attestation verify "oci://$IMAGE"')).toBeGreaterThan(at('jq -r .digest'));
    expect(at('bash deploy/render.sh "$IMAGE"')).toBeGreaterThan(at('gh attestation verify'));
    expect(at('go install "github.com/yannh/kubeconform/cmd/kubeconform@$VERSION"')).toBeLessThan(at('bash deploy/render.sh'));
    expect(apply).toBeGreaterThan(at('bash deploy/render.sh'));
    expect(at('/version')).toBeGreaterThan(apply);
    const undo = deploy.steps!.at(-1)!;
    expect(undo.run).toContain('kubectl rollout undo deployment/model-server');
    expect(undo.if).toContain("steps.smoke.outcome == 'failure'");
    // No image tag anywhere in what is deployed: the digest from the release's image.json.
    expect(JSON.stringify(deploy)).not.toMatch(/newTag|:\$\{?TAG/);
  });
});
