#!/usr/bin/env bash
# retrain.yml under act (push, schedule and dispatch), then src/rollback.py, against a fake GitHub:
#   1. push to main: the first model passes every gate and is promoted as release model-<id> (the id
#      from the model record: commit, data, params);
#   2. schedule, same commit, data and params: the same id, so nothing is promoted twice (the job
#      summary says why), and a re-run of the promotion does not fail on "exists";
#   3. a new commit (a new id, no worse than the champion) is promoted as a second release;
#   4. `python src/rollback.py --download` makes the first release the champion again, restores its
#      model and record, and puts the second on hold: the next cron run retrains the same commit and
#      does not promote it again;
#   5. dispatch after a planted regression on main (one stump, with min_accuracy lowered so training
#      itself passes): the regression gate against the champion, re-scored on the same evaluation
#      rows, fails and nothing is promoted.
# With MLflow it is the same chain (the champion is the release); no tracking server is configured
# here, so the mlflow-champion job says so and leaves the release alone (the alias on a real server:
# docker-lifecycle.sh).
#
#   verify/checks/ml-retrain.sh <generated-project-dir> [work-dir]
# shellcheck source=ml-lib.sh disable=SC2016  # jq filters use $base/$head, not the shell
source "$(dirname "$0")/ml-lib.sh"
ml_setup "$@"
run_number() { printf -- '--act-arg\n--env\n--act-arg\nGITHUB_RUN_NUMBER=%s\n' "$1"; }
mapfile -t run1 < <(run_number 1)
mapfile -t run2 < <(run_number 2)
mapfile -t run3 < <(run_number 3)
# With Docker, promotion delivers: the image steps' stand-ins push to a directory (no image is built).
standins=()
if ml_has docker; then
  export ACT_STANDIN_REGISTRY="$WORK/registry"
  standins=(--image-stand-ins)
fi

ml_run push retrain.yml push "$(ml_payload push '.before = $base | .after = $head')" "${run1[@]}" "${standins[@]}"
expect_eq "push: train job" "$(job_result push train)" success
expect_eq "push: promote job" "$(job_result push promote)" success
first="$(jq -r .id "$WORK/runs/push/artifacts/model/model.record.json")"
[[ "$first" =~ ^[0-9a-f]{12}$ ]] || die "push: the model record has no id ($first)"
expect_eq "push: releases" "$(github '[.releases[].tagName] | join(",")')" "model-$first"
assets=metrics.json,model.joblib,model.record.json
ml_has docker && assets="image.json,$assets" # the delivered image's digest
expect_eq "push: release assets" "$(github '.releases[0].assets | join(",")')" "$assets"
expect_contains "push: release notes" "$(github '.releases[0].notes')" "### Model report"
if ml_has mlflow; then
  expect_eq "push: mlflow-champion job" "$(job_result push mlflow-champion)" success
  expect_contains "push: mlflow-champion without a server" "$(cat "$WORK/runs/push/act.jsonl")" "no alias to move: the promoted model-$first is the champion"
fi

# The weekly cron on an unchanged main: same commit, data and params, so the same id.
ml_run schedule retrain.yml schedule "$(ml_payload schedule)" "${run2[@]}" "${standins[@]}"
expect_eq "schedule: regression gate" "$(step_result schedule train 'Regression gate against the champion')" success
expect_eq "schedule: promote job" "$(job_result schedule promote)" success
expect_eq "schedule: same model id" "$(jq -r .id "$WORK/runs/schedule/artifacts/model/model.record.json")" "$first"
expect_eq "schedule: releases (nothing promoted twice)" "$(github '[.releases[].tagName] | join(",")')" "model-$first"
expect_eq "schedule: release create calls" "$(github '[.calls[] | select(.[0] == "release" and .[1] == "create")] | length')" 1
expect_contains "schedule: why not promoted" "$(cat "$WORK/runs/schedule/act.jsonl")" "Not promoted: model-$first (same commit, data and params) is already released"

# The next cron run after a new commit (the model the same, the commit not): a new id, no worse
# than the champion, promoted.
ml_commit "A new commit on main"
ml_run more retrain.yml schedule "$(ml_payload schedule)" "${run2[@]}" "${standins[@]}"
expect_eq "new commit: promote job" "$(job_result more promote)" success
second="$(jq -r .id "$WORK/runs/more/artifacts/model/model.record.json")"
[[ "$second" != "$first" ]] || die "new commit: the model id stayed $first"
expect_eq "new commit: releases" "$(github '[.releases[].tagName] | join(",")')" "model-$first,model-$second"
expect_contains "new commit: release notes" "$(github '.releases[1].notes')" "champion model-$first"

# Rollback, as a person would run it in a clone: gh (here the fake) talks to the same GitHub.
# It needs only PyYAML, so any Python 3.10+ does: the host's.
UV_PYTHON_DOWNLOADS=never "$ROOT/.tools/bin/uv" venv --quiet -p python3 "$WORK/venv" >&2
VIRTUAL_ENV="$WORK/venv" "$ROOT/.tools/bin/uv" pip install --quiet "$(grep -i '^pyyaml==' "$PROJ/requirements.txt")" >&2
rm -rf "$PROJ/models"
out="$(cd "$PROJ" && GH_REPO="$REPO_NAME" GH_TOKEN=fake-token PATH="$ROOT/verify/checks/ml-fake-gh:$PATH" \
  "$WORK/venv/bin/python" src/rollback.py --download 2>&1)" || die "rollback failed: $out"
say "$out"
expect_contains "rollback" "$out" "Champion: model-$second. Rolling back to model-$first."
expect_eq "rollback: champion" "$(github '[.releases[] | select(.isPrerelease | not) | .tagName] | last')" "model-$first"
expect_eq "rollback: rolled-back release" "$(github '.releases[1].title')" "model-$second (rolled back)"
[[ -f "$PROJ/models/model.joblib" ]] || die "rollback --download did not restore models/model.joblib"
expect_eq "rollback: restored record" "$(jq -r .id "$PROJ/models/model.record.json")" "$first"
say "ok: rollback restored models/model.joblib and its record from model-$first"

# The next cron run on the same main retrains the rolled-back model (same id): it stays on hold.
ml_run held retrain.yml schedule "$(ml_payload schedule)" "${run3[@]}" "${standins[@]}"
expect_eq "after rollback: promote job" "$(job_result held promote)" success
expect_eq "after rollback: releases" "$(github '[.releases[].tagName] | join(",")')" "model-$first,model-$second"
expect_eq "after rollback: champion" "$(github '[.releases[] | select(.isPrerelease | not) | .tagName] | last')" "model-$first"
expect_contains "after rollback: why not promoted" "$(cat "$WORK/runs/held/act.jsonl")" "Not promoted: model-$second was rolled back and is on hold"

sed -i -e 's/^  n_estimators: 100$/  n_estimators: 1/' -e 's/^  max_depth: 5\b/  max_depth: 1/' \
  -e 's/^  min_accuracy: 0.9$/  min_accuracy: 0.5/' "$PROJ/params.yaml"
[[ "$(grep -cE '^  (n_estimators: 1|max_depth: 1|min_accuracy: 0.5)( |$)' "$PROJ/params.yaml")" == 3 ]] ||
  die "could not plant the regression in params.yaml"
ml_commit "One stump (planted regression)"
ml_run dispatch retrain.yml workflow_dispatch "$(ml_payload workflow_dispatch)" "${run3[@]}" "${standins[@]}" --input promote=true --input "reason=verify"
expect_eq "dispatch: training passed its own minimum" "$(step_result dispatch train 'Train and check the quality gate')" success
expect_eq "dispatch: regression gate" "$(step_result dispatch train 'Regression gate against the champion')" failure
expect_contains "dispatch: report against the champion" "$(cat "$WORK/runs/dispatch/artifacts/model/notes.md")" "**Regression gate: failed.**"
expect_eq "dispatch: promote job" "$(job_result dispatch promote)" skipped
expect_eq "dispatch: releases" "$(github '[.releases[].tagName] | join(",")')" "model-$first,model-$second"
[[ -f "$WORK/runs/dispatch/artifacts/model/model.joblib" ]] || die "dispatch: the rejected model was not kept as an artifact"

say "passed"
