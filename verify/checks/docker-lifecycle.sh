#!/usr/bin/env bash
# The lifecycle, played against one generated project (--docker) under act, with the fake GitHub
# (releases, attestations, workflow dispatches: ml-fake-gh), a stand-in registry (the image steps'
# stand-ins, --image-stand-ins: no image is built, the digest is derived from the model record) and
# a recorded cluster (lifecycle-cluster/: kubectl validates every apply with kubeconform, offline,
# and records it; aws eks and go install are stand-ins too):
#   1. push: the first model is promoted (release model-A), its image delivered and attested, and
#      deployed by digest after the attestation was verified; the smoke test reads model-A at /version;
#   2. schedule, nothing changed: the same id, nothing promoted, nothing built, nothing deployed;
#   3. dispatch after a planted regression (one stump): the regression gate fails, nothing promoted,
#      nothing deployed;
#   4. schedule after the regression is reverted (a new commit, a model no worse than the champion):
#      model-B promoted, delivered and deployed;
#   5. python src/rollback.py: model-A is the champion again, model-B on hold, the Deploy workflow is
#      dispatched for model-A, and (played here, as GitHub would run it) deploys model-A's digest;
#   6. schedule on the same commit: model-B is retrained but on hold: nothing promoted or deployed.
# After each step: the champion, the digest the cluster runs, and the records. With MLflow, a real
# tracking server on loopback (mlflow server, SQLite, local artifacts) is the repository's
# MLFLOW_TRACKING_URI: retraining registers each model there, and after each step the alias
# `champion` names the version registered from the champion release's model.
#
#   verify/checks/docker-lifecycle.sh <generated-project-dir> <the project's venv python>
# shellcheck source=ml-lib.sh disable=SC2016  # jq filters use $base/$head, not the shell
source "$(dirname "$0")/ml-lib.sh"
VERIFY_PYTHON="${2:?usage: $0 <generated-project-dir> <venv-python>}"
[[ -x "$VERIFY_PYTHON" ]] || die "no Python at $VERIFY_PYTHON"
VERIFY_PYTHON="$(cd "$(dirname "$VERIFY_PYTHON")" && pwd)/$(basename "$VERIFY_PYTHON")" # a venv's: not resolved
ml_setup "$1"
ml_has docker || die "the project was not generated with --docker"
[[ -x "$ROOT/.tools/bin/kubeconform" ]] || die "no $ROOT/.tools/bin/kubeconform: run scripts/setup-tools.sh"
[[ -x "$ROOT/.tools/venv/bin/python" ]] || die "no $ROOT/.tools/venv: run scripts/setup-tools.sh"
command -v kubectl > /dev/null || die "kubectl is not installed: deploy/render.sh renders with kubectl kustomize"

K8S_VERSION=1.37.0
export ACT_STANDIN_K8S_SCHEMAS="$WORK/k8s-schemas"
"$ROOT/.tools/venv/bin/python" "$ROOT/verify/checks/_k8s_schemas.py" "$K8S_VERSION" "$ACT_STANDIN_K8S_SCHEMAS" ||
  die "could not build the Kubernetes $K8S_VERSION schemas"
export ACT_STANDIN_REGISTRY="$WORK/registry" ACT_STANDIN_CLUSTER="$WORK/cluster.json"
rm -rf "$ACT_STANDIN_REGISTRY" "$ACT_STANDIN_CLUSTER"
export PATH="$ROOT/verify/checks/lifecycle-cluster:$PATH"
# What configure-aws-credentials' stand-in exports in place of the role's temporary credentials.
export ACT_STANDIN_AWS_ACCESS_KEY_ID=testing ACT_STANDIN_AWS_SECRET_ACCESS_KEY=testing
cluster_vars=(--var EKS_CLUSTER=verify --var AWS_REGION=eu-west-1 --var AWS_DEPLOY_ROLE_ARN=arn:aws:iam::123456789012:role/deploy
  --var "K8S_VERSION=$K8S_VERSION" --image-stand-ins)
image="ghcr.io/$REPO_NAME"

if ml_has mlflow; then
  mlflow_dir="$WORK/mlflow-server"
  rm -rf "$mlflow_dir" && mkdir -p "$mlflow_dir"
  port="$("$VERIFY_PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  export MLFLOW_TRACKING_URI="http://127.0.0.1:$port"
  "$VERIFY_PYTHON" -m mlflow server --host 127.0.0.1 --port "$port" --workers 1 \
    --backend-store-uri "sqlite:///$mlflow_dir/mlflow.db" --artifacts-destination "$mlflow_dir/artifacts" \
    > "$mlflow_dir/server.log" 2>&1 &
  mlflow_pid=$!
  trap 'kill "$mlflow_pid" 2> /dev/null || true' EXIT
  for _ in $(seq 120); do
    curl --silent --fail --output /dev/null "$MLFLOW_TRACKING_URI/health" && break
    kill -0 "$mlflow_pid" 2> /dev/null || { cat "$mlflow_dir/server.log" >&2; die "mlflow server exited"; }
    sleep 1
  done
  curl --silent --fail --output /dev/null "$MLFLOW_TRACKING_URI/health" || die "mlflow server does not answer on $MLFLOW_TRACKING_URI"
  say "mlflow server on $MLFLOW_TRACKING_URI (pid $mlflow_pid)"
  cluster_vars+=(--var "MLFLOW_TRACKING_URI=$MLFLOW_TRACKING_URI")
fi
# expect_alias STEP TAG: with MLflow, the alias champion names the version registered from TAG's model.
expect_alias() {
  ml_has mlflow || return 0
  expect_eq "$1: MLflow alias champion's model" \
    "$("$VERIFY_PYTHON" "$ROOT/verify/checks/mlflow-state.py" "$PROJ" | jq -r '.champion.tags.model_id // "none"')" "${2#model-}"
}

cluster() { jq -r "$1" "$ACT_STANDIN_CLUSTER"; }
champion() { github '[.releases[] | select(.isPrerelease | not) | .tagName] | last'; }
served() { cluster '.deployments["default/model-server"].revisions | last'; }
applied() { cluster '[.applies[] | select(.dryRun == null)] | length'; }
# The Deploy workflow's job, called by Retrain (reported as Deploy/Deploy/...) or run by itself.
deploy_result() { jq -r '[.jobs[] | select(.job | endswith("Deploy to production")) | .result] | last // ""' "$WORK/runs/$1.json"; }
digest_of() { jq -r .digest "$WORK/releases/$1/image.json"; }
lifecycle() { # lifecycle NAME EVENT [run-workflow options]: retrain.yml under act
  local name="$1" event="$2"
  shift 2
  ml_run "$name" retrain.yml "$event" "$(ml_payload "$event" '.before = $base | .after = $head')" "${cluster_vars[@]}" "$@"
}
expect_deployed() { # expect_deployed STEP TAG: the cluster runs TAG's image by digest, attested, serving TAG
  local digest
  digest="$(digest_of "$2")"
  [[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]] || die "$1: $2 has no delivered digest ($digest)"
  expect_eq "$1: the cluster runs" "$(served)" "$image@$digest"
  expect_eq "$1: the image's model" "$(jq -r .record.id "$ACT_STANDIN_REGISTRY/${digest/:/-}.json")" "${2#model-}"
  expect_eq "$1: attested by retrain.yml" \
    "$(jq -r --arg s "$image@$digest" '[.attestations // [] | .[] | select(.subject == $s) | .signer_workflow] | first' "$FAKE_GH_STATE")" \
    "$REPO_NAME/.github/workflows/retrain.yml"
  expect_alias "$1" "$2"
}

# 1. The first model.
lifecycle first push
for job in train promote deliver; do
  expect_eq "first: job $job" "$(job_result first "$job")" success
done
expect_eq "first: deploy" "$(deploy_result first)" success
first="model-$(jq -r .id "$WORK/runs/first/artifacts/model/model.record.json")"
expect_eq "first: champion" "$(champion)" "$first"
expect_eq "first: release assets" "$(github '.releases[0].assets | join(",")')" image.json,metrics.json,model.joblib,model.record.json
expect_deployed first "$first"
expect_eq "first: the model in the image is the release's" \
  "$(jq -r .record.model_sha256 "$ACT_STANDIN_REGISTRY/$(digest_of "$first" | tr : -).json")" \
  "$(sha256sum "$WORK/releases/$first/model.joblib" | cut -d' ' -f1)"
expect_eq "first: smoke test" "$(step_result first deploy 'Smoke-test the new pods')" success
expect_eq "first: applies" "$(applied)" 1
expect_eq "first: server-side dry run before the apply" "$(cluster '.applies[0].dryRun')" server

# 2. Nothing changed.
lifecycle unchanged schedule
expect_eq "unchanged: promote job" "$(job_result unchanged promote)" success
expect_contains "unchanged: why not promoted" "$(cat "$WORK/runs/unchanged/act.jsonl")" "Not promoted: $first (same commit, data and params) is already released"
expect_eq "unchanged: deliver job" "$(job_result unchanged deliver)" skipped
expect_eq "unchanged: deploy" "$(deploy_result unchanged)" ""
expect_eq "unchanged: releases" "$(github '[.releases[].tagName] | join(",")')" "$first"
expect_eq "unchanged: champion" "$(champion)" "$first"
expect_eq "unchanged: images in the registry" "$(find "$ACT_STANDIN_REGISTRY" -name '*.json' | wc -l)" 1
expect_eq "unchanged: applies" "$(applied)" 1
expect_deployed unchanged "$first"

# 3. A worse model: one stump, with min_accuracy lowered so training itself passes.
cp "$PROJ/params.yaml" "$WORK/params.good.yaml"
sed -i -e 's/^  n_estimators: 100$/  n_estimators: 1/' -e 's/^  max_depth: 5\b/  max_depth: 1/' \
  -e 's/^  min_accuracy: 0.9$/  min_accuracy: 0.5/' "$PROJ/params.yaml"
[[ "$(grep -cE '^  (n_estimators: 1|max_depth: 1|min_accuracy: 0.5)( |$)' "$PROJ/params.yaml")" == 3 ]] ||
  die "could not plant the regression in params.yaml"
ml_dvc_repro
ml_commit "One stump (planted regression)"
lifecycle worse workflow_dispatch --input promote=true --input reason=verify
expect_eq "worse: regression gate" "$(step_result worse train 'Regression gate against the champion')" failure
expect_eq "worse: promote job" "$(job_result worse promote)" skipped
expect_eq "worse: deliver job" "$(job_result worse deliver)" skipped
expect_eq "worse: releases" "$(github '[.releases[].tagName] | join(",")')" "$first"
expect_eq "worse: applies" "$(applied)" 1
expect_deployed worse "$first"

# 4. The regression reverted: a new commit, a model no worse than the champion.
cp "$WORK/params.good.yaml" "$PROJ/params.yaml"
ml_dvc_repro
ml_commit "Revert the stump"
lifecycle better schedule
for job in promote deliver; do
  expect_eq "better: job $job" "$(job_result better "$job")" success
done
expect_eq "better: deploy" "$(deploy_result better)" success
second="model-$(jq -r .id "$WORK/runs/better/artifacts/model/model.record.json")"
[[ "$second" != "$first" ]] || die "better: the model id stayed $first"
expect_eq "better: champion" "$(champion)" "$second"
expect_eq "better: applies" "$(applied)" 2
[[ "$(digest_of "$second")" != "$(digest_of "$first")" ]] || die "better: $second's image has $first's digest"
expect_deployed better "$second"

# 5. Rollback, as a person runs it in a clone; then the Deploy run it dispatched, as GitHub runs it.
out="$(cd "$PROJ" && GH_REPO="$REPO_NAME" GH_TOKEN=fake-token PATH="$ROOT/verify/checks/ml-fake-gh:$PATH" \
  "$VERIFY_PYTHON" src/rollback.py 2>&1)" || die "rollback failed: $out"
say "$out"
expect_contains "rollback" "$out" "Champion: $second. Rolling back to $first."
expect_eq "rollback: champion" "$(champion)" "$first"
expect_eq "rollback: on hold" "$(jq -r --arg t "$second" '.releases[] | select(.tagName == $t) | .isPrerelease' "$FAKE_GH_STATE")" true
expect_eq "rollback: dispatched" "$(github '.workflow_runs | map("\(.workflow) model=\(.inputs.model)") | join(",")')" "deploy.yml model=$first"
ml_run redeploy deploy.yml workflow_dispatch "$(ml_payload workflow_dispatch ".inputs.model = \"$first\"")" \
  --input "model=$first" "${cluster_vars[@]}"
expect_eq "redeploy: deploy" "$(deploy_result redeploy)" success
expect_eq "redeploy: applies" "$(applied)" 3
expect_deployed redeploy "$first"
expect_eq "redeploy: rollout history" "$(cluster '.deployments["default/model-server"].revisions | length')" 3

# 6. The next retrain on the same commit retrains model-B, which is on hold.
lifecycle held schedule
expect_contains "after rollback: why not promoted" "$(cat "$WORK/runs/held/act.jsonl")" "Not promoted: $second was rolled back and is on hold"
expect_eq "after rollback: deliver job" "$(job_result held deliver)" skipped
expect_eq "after rollback: champion" "$(champion)" "$first"
expect_eq "after rollback: applies" "$(applied)" 3
expect_deployed "after rollback" "$first"
say "passed"
