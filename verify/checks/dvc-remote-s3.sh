#!/usr/bin/env bash
# DVC data in CI, run for real against an S3-compatible server on loopback (moto's server mode,
# from .tools/venv; see scripts/tools-requirements.txt). The project is generated again from the
# scenario's answers with `--dvc-remote s3://…`, so it has the `remote` job and retrain.yml's pull.
# As a team would: train, move data/iris.csv into DVC (the README's steps, with the committed
# sample), `dvc push`; then, from a fresh clone, ml_pipeline.yml's `remote` job (main) runs under
# act: it logs in (the configure-aws-credentials stand-in exports the test keys that stand in for
# what OIDC yields), pulls the data from the server and trains on it. The model record must carry
# the pulled data's hashes, which no file in git has. A pull request's pipeline job, which gets no
# credentials, trains on the committed sample and its report says so.
#   verify/checks/dvc-remote-s3.sh <generated-project-dir> <python>
source "$(dirname "$0")/feature-lib.sh"
feature_setup "$@"
PY="$(cd "$(dirname "$PY")" && pwd)/$(basename "$PY")" # used after cd

moto="$ROOT/.tools/venv/bin/moto_server"
[[ -x "$moto" ]] || die "moto_server is missing from .tools/venv: run scripts/setup-tools.sh (moto[server] in scripts/tools-requirements.txt)"
uv="$ROOT/.tools/bin/uv"
[[ -x "$uv" ]] || die "uv is missing from .tools/bin: run scripts/setup-tools.sh"

# --- the server, on a free loopback port, stopped whatever happens
port="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
endpoint="http://127.0.0.1:$port"
"$moto" -H 127.0.0.1 -p "$port" > "$WORK/moto.log" 2>&1 &
moto_pid=$!
trap 'kill "$moto_pid" 2> /dev/null || true' EXIT
# Test keys: moto accepts any; in CI they come from the OIDC login.
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
export AWS_ENDPOINT_URL_S3="$endpoint"
for _ in $(seq 100); do
  curl --silent --output /dev/null "$endpoint/" && break
  kill -0 "$moto_pid" 2> /dev/null || { cat "$WORK/moto.log"; die "moto_server exited"; }
  sleep 0.2
done
curl --silent --output /dev/null "$endpoint/" || { cat "$WORK/moto.log"; die "moto_server does not answer on $endpoint"; }
s3() { "$ROOT/.tools/venv/bin/python" - "$endpoint" "$@"; }
s3 create verify-dvc <<'PY' || die "could not create the bucket"
import sys, boto3
boto3.client("s3", endpoint_url=sys.argv[1]).create_bucket(Bucket=sys.argv[3])
PY
say "moto_server on $endpoint (pid $moto_pid), bucket verify-dvc"

# --- the project, generated with the S3 remote, and a venv with its requirements (dvc-s3)
jq '.answers + {dvcRemote: "s3://verify-dvc/iris"}' "$PROJ/.create-ml-ci-cd.json" > "$WORK/answers.json"
S3PROJ="$WORK/s3-project"
(cd "$WORK" && node "$ROOT/packages/create-ml-ci-cd/index.js" s3-project --yes --no-git --answers "$WORK/answers.json") > "$WORK/generate.log" 2>&1 ||
  { cat "$WORK/generate.log"; die "could not generate the project with --dvc-remote s3://verify-dvc/iris"; }
grep -q 'url = s3://verify-dvc/iris' "$S3PROJ/.dvc/config" || die "the generated .dvc/config has no S3 remote"
PROJ="$S3PROJ"
git -C "$PROJ" init -q -b main
feature_commit "Generated project with an S3 DVC remote"
venv="$WORK/venv"
export UV_CACHE_DIR="${UV_CACHE_DIR:-$ROOT/.verify/.uv-cache}"
"$uv" venv --quiet --python "$PY" "$venv" || die "could not create a venv with $PY"
"$uv" pip install --quiet --python "$venv/bin/python" -r "$PROJ/requirements-dev.txt" ||
  die "could not install the project's requirements (with dvc-s3)"
PATH="$venv/bin:$PATH"
cd "$PROJ" || die "no $PROJ"

# --- what the team does: train, then move the data into DVC with a committed sample, and push
dvc repro --quiet || die "dvc repro failed"
feature_commit "dvc repro"
data="data/iris.csv"
sha256="$(sha256sum "$data" | cut -d' ' -f1)" md5="$(md5sum "$data" | cut -d' ' -f1)"
git rm -q --cached "$data"
dvc add --quiet "$data" || die "dvc add $data failed"
mkdir -p data/sample
# Large enough for the project's tests, which run on it too; every tenth row left out, so it is
# not the data itself.
(head -n 1 "$data"; tail -n +2 "$data" | awk 'NR % 10 != 0') > data/sample/iris.csv
dvc repro --quiet || die "dvc repro after dvc add failed"
feature_commit "Move the data into DVC, keep a sample in git"
[[ -z "$(git ls-files "$data")" && -n "$(git ls-files "$data.dvc")" ]] || die "$data should be in DVC, not git"
moved="$(git rev-parse HEAD)"
dvc push --quiet || die "dvc push to $endpoint failed"
s3 has verify-dvc "iris/files/md5/${md5:0:2}/${md5:2}" <<'PY' || die "the server has no object for $data (md5 $md5) after dvc push"
import sys, boto3
boto3.client("s3", endpoint_url=sys.argv[1]).head_object(Bucket=sys.argv[3], Key=sys.argv[4])
PY
say "dvc push stored $data (md5 $md5) in s3://verify-dvc/iris"

# --- new data arrives: a data engineer corrects 15 measurements, `dvc add`, pushes the data and
# commits only the .dvc file. Nothing in git or in the remote was trained on it: CI must pull it
# and train. (Corrected in place, not appended: the project's drift tests sample rows by position,
# and appending 15 rows made test_reads_the_window_of_the_prediction_log miss its planted shift.)
"$PY" - "$data" <<'PY' || die "could not change $data"
import sys
import pandas as pd
data = pd.read_csv(sys.argv[1])
fix = data.index[data.sepal_length < 7][:15]
data.loc[fix, "sepal_length"] = (data.loc[fix, "sepal_length"] + 0.1).round(1)
data.to_csv(sys.argv[1], index=False)
PY
rows="$(($(wc -l < "$data") - 1))"
sha256="$(sha256sum "$data" | cut -d' ' -f1)" md5="$(md5sum "$data" | cut -d' ' -f1)"
dvc add --quiet "$data" || die "dvc add of the new data failed"
dvc push --quiet "$data.dvc" || die "dvc push of the new data failed"
git add "$data.dvc"
git -c user.name=check -c user.email=check@localhost -c commit.gpgsign=false commit -q -m "New data: $rows rows"
say "new data: $rows rows, 15 changed (md5 $md5), pushed; only $data.dvc committed"

# --- main, from a fresh clone under act: the remote job of ml_pipeline.yml, and retrain.yml (a push
# that changes a .dvc file starts it)
clone="$WORK/clone"
git clone -q "$PROJ" "$clone"
[[ ! -e "$clone/$data" ]] || die "a fresh clone already has $data: it should come from the remote"
payload="$WORK/push.json"
jq --arg repo local/verify-dvc 'walk(if . == "@REPO@" then $repo else . end)' "$ROOT/verify/events/push.json" > "$payload"
mkdir -p "$WORK/runs"
export FAKE_GH_STATE="$WORK/github.json"
run() { # run NAME WORKFLOW JOB [EVENT PAYLOAD SOURCE BRANCH]: default a push to main of the fresh clone;
  # the act log is $WORK/runs/NAME/act.jsonl
  local name="$1" workflow="$2" job="$3" event="${4:-push}" event_payload="${5:-$payload}" source="${6:-$clone}" branch="${7:-main}"
  PATH="$ROOT/verify/checks/ml-fake-gh:$PATH" node "$ROOT/verify/run-workflow.mjs" "$source" ".github/workflows/$workflow" "$event" "$event_payload" \
    --job "$job" --repo local/verify-dvc --branch "$branch" --work-dir "$WORK/runs/$name" --report "$WORK/runs/$name.json" \
    --keep --quiet --secret GITHUB_TOKEN=fake-token \
    --var AWS_DVC_ROLE_ARN=arn:aws:iam::123456789012:role/verify-dvc --var AWS_REGION=us-east-1 \
    --act-arg --env --act-arg "AWS_ENDPOINT_URL_S3=$endpoint" \
    --act-arg --env --act-arg ACT_STANDIN_AWS_ACCESS_KEY_ID=testing \
    --act-arg --env --act-arg ACT_STANDIN_AWS_SECRET_ACCESS_KEY=testing > "$WORK/runs/$name.log" 2>&1 ||
    { cat "$WORK/runs/$name.log" >&2; die "$workflow: job $job failed on main (log: $WORK/runs/$name)"; }
}
step() { # step NAME JOB STEP: its result (STEP, or STEP followed by ", …", as with MLflow)
  jq -r --arg j "$2" --arg s "$3" '[.jobs[] | select(.jobID == $j) | .steps[] | select(.stage == "Main" and (.name == $s or (.name | startswith($s + ", ")))) | .result][0] // ""' "$WORK/runs/$1.json"
}
logged() { grep -q -- "$2" "$WORK/runs/$1/act.jsonl"; }
login="Log in to AWS (S3) (OIDC, no stored keys)"
pulled="Pulled $data: md5 $md5"
trained="Wrote [0-9]* training and [0-9]* test rows"

run main ml_pipeline.yml remote
for s in "$login" "Pull DVC-tracked data from the remote" "Run the DVC pipeline" "Push the pipeline's outputs to the DVC remote"; do
  [[ "$(step main remote "$s")" == success ]] || die "ml_pipeline.yml remote job: step '$s' did not succeed (log: $WORK/runs/main)"
done
logged main "configure-aws-credentials stand-in\] no OIDC token" || die "the login step was not the stand-in's"
logged main "$pulled" || die "the remote job did not pull $data (md5 $md5)"
# The pipeline job (no credentials) trained on the sample and said so; the remote job on all rows.
logged main "Training data: the committed sample" || die "the pipeline job did not say it trained on the committed sample"
# The sample has fewer rows than the data: a prepare stage that split all of them ran on the pull.
counts="$(grep -o "$trained" "$WORK/runs/main/act.jsonl" | sort -u)"
"$PY" - "$rows" "$counts" <<'PY' || die "the remote job did not train on the $rows pulled rows (prepare wrote: $counts)"
import re, sys
totals = {int(a) + int(b) for a, b in re.findall(r"Wrote (\d+) training and (\d+) test rows", sys.argv[2])}
assert int(sys.argv[1]) in totals, totals
PY
logged main "Running stage 'train'" || die "the remote job did not train (no \"Running stage 'train'\")"
say "main: the remote job logged in, pulled $data (md5 $md5, $rows rows) from the server and trained on it; the pipeline job used the sample"

run retrain retrain.yml train
for s in "$login" "Pull DVC-tracked data from the remote" "Test" "Train and check the quality gate"; do
  [[ "$(step retrain train "$s")" == success ]] || die "retrain.yml train job: step '$s' did not succeed (log: $WORK/runs/retrain)"
done
logged retrain "$pulled" || die "retrain did not pull $data (md5 $md5)"
record="$(find "$WORK/runs/retrain/artifacts/model" -name model.record.json | head -n 1)"
[[ -n "$record" ]] || die "retrain uploaded no model record"
[[ "$(jq -r .data.sha256 "$record")" == "$sha256" && "$(jq -r .data.dvc_md5 "$record")" == "$md5" ]] ||
  die "retrain's model was not trained on the pulled $data: its record has $(jq -c .data "$record"), expected sha256 $sha256, md5 $md5"
say "retrain: pulled the new $data and trained on it; the model record keeps its sha256 and DVC md5"

# --- a pull request (from the commit that moved the data, whose dvc.lock is current): no
# credentials, so the pipeline job trains on the committed sample, and its report says so
git checkout -q -b feature "$moved"
echo "A pull request." >> README.md
feature_commit "A pull request"
pr_payload="$WORK/pull_request.json"
jq --arg repo local/verify-dvc --arg base "$moved" --arg head "$(git rev-parse HEAD)" \
  'walk(if . == "@REPO@" then $repo elif . == "@BASE_SHA@" then $base elif . == "@HEAD_SHA@" then $head else . end)' \
  "$ROOT/verify/events/pull_request.json" > "$pr_payload"
run pr ml_pipeline.yml pipeline pull_request "$pr_payload" "$PROJ" feature
[[ "$(step pr pipeline "$login")" == "" ]] || die "the pull request's pipeline job has a login step"
report="$WORK/runs/pr/artifacts/model-report/report.md"
[[ -f "$report" ]] || die "the pull request got no model report"
grep -q "^\*\*Training data\*\*: the committed sample \`data/sample/iris.csv\`" "$report" ||
  die "the pull request's report does not say it trained on the committed sample: $(tail -n 3 "$report")"
say "pull request: no login, trained on the committed sample, and the report says so"
say "ok"
