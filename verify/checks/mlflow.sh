#!/usr/bin/env bash
# The MLflow feature, run for real against the project's default store (mlflow.db): a training run
# is logged with its metrics and its model registered, tagged with the model record's id, and the
# alias `champion` does not move (promotion moves it); a run that fails the gate is logged, not
# registered; `src/tracking.py champion model-<id>` points the alias at that model's version. With
# DVC too, `dvc repro` is what logs the run.
#   verify/checks/mlflow.sh <generated-project-dir> <python>
source "$(dirname "$0")/feature-lib.sh"
feature_setup "$@"
cd "$PROJ"
state() { "$PY" "$ROOT/verify/checks/mlflow-state.py" "$PROJ"; }
# field JSON EXPR: evaluate a Python expression over the parsed JSON `s`.
field() { "$PY" -c 'import json, sys; s = json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"; }

# params FILE EDITS: a copy of params.yaml with some values changed (Python statements on `p`).
params_with() {
  "$PY" - "$PROJ/params.yaml" "$1" "$2" <<'PY'
import sys, yaml
p = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
exec(sys.argv[3])
yaml.safe_dump(p, open(sys.argv[2], "w", encoding="utf-8"))
PY
}

if has_feature dvc; then
  "$PY" -m dvc repro -q > "$WORK/train.log" 2>&1 || { cat "$WORK/train.log"; die "dvc repro failed"; }
  how="dvc repro"
else
  "$PY" src/train.py > "$WORK/train.log" 2>&1 || { cat "$WORK/train.log"; die "python src/train.py failed"; }
  how="python src/train.py"
fi
grep -q "registered .* version 1" "$WORK/train.log" || { cat "$WORK/train.log"; die "$how did not register version 1"; }
s="$(state)"
[[ "$(field "$s" 'len(s["runs"])')" == 1 ]] || die "expected one run after $how: $s"
"$PY" - "$s" metrics.json models/model.record.json <<'PY' || die "the run differs from metrics.json or the model record: $s"
import json, sys
state = json.loads(sys.argv[1])
run = state["runs"][0]
written = json.load(open(sys.argv[2]))
record = json.load(open(sys.argv[3]))
assert run["metrics"] == written, (run["metrics"], written)
assert run["tags"]["quality_gate"] == "passed"
assert run["tags"]["model_id"] == record["id"], (run["tags"], record["id"])
assert state["champion"] is None, state["champion"]
PY
first="model-$(jq -r .id models/model.record.json)"
say "$how logged a run with metrics.json's metrics and registered version 1 ($first); no alias yet"

# Other settings (a worse model above its own gate): another id, version 2.
params_with "$WORK/worse.yaml" 'p["model"].update(n_estimators=1, max_depth=1); p["quality_gate"]["min_accuracy"] = 0.0'
"$PY" src/train.py --params "$WORK/worse.yaml" --out-dir "$WORK/worse" > "$WORK/worse.log" 2>&1 || { cat "$WORK/worse.log"; die "the worse run failed"; }
grep -q "registered .* version 2" "$WORK/worse.log" || die "the second run did not register version 2: $(cat "$WORK/worse.log")"
s="$(state)"
[[ "$(field "$s" 'len(s["runs"])')" == 2 && "$(field "$s" 's["champion"]')" == None ]] || die "the second run was not logged, or moved the alias: $s"
second="model-$(field "$s" 's["runs"][0]["tags"]["model_id"]')"
[[ "$second" != "$first" ]] || die "other settings gave the same model id $first"

# Failing the quality gate: exit 1, logged, not registered.
params_with "$WORK/strict.yaml" 'p["quality_gate"]["min_accuracy"] = 1.01'
if "$PY" src/train.py --params "$WORK/strict.yaml" --out-dir "$WORK/strict" > "$WORK/strict.log" 2>&1; then
  die "a run below the quality gate exited 0"
fi
s="$(state)"
[[ "$(field "$s" 'len(s["runs"])')" == 3 && "$(field "$s" 's["runs"][0]["tags"]["quality_gate"]')" == failed ]] || die "the failing run was not logged as failed: $s"
grep -q "registered nothing" "$WORK/strict.log" || die "a run below the gate registered a version: $(cat "$WORK/strict.log")"
say "a run below the quality gate exited 1, was logged and registered nothing"

# Promotion's and rollback's mirror: the alias follows the release tag to its version.
export MLFLOW_TRACKING_URI="sqlite:///$PROJ/mlflow.db"
for tag in "$second:2" "$first:1"; do
  "$PY" src/tracking.py champion "${tag%:*}" > "$WORK/champion.log" 2>&1 || { cat "$WORK/champion.log"; die "tracking.py champion ${tag%:*} failed"; }
  [[ "$(field "$(state)" 's["champion"]["version"]')" == "${tag#*:}" ]] || die "tracking.py champion ${tag%:*} left the alias at $(state)"
done
if "$PY" src/tracking.py champion model-000000000000 > "$WORK/champion.log" 2>&1; then die "tracking.py champion accepted a tag no version carries"; fi
grep -q "was registered from model-000000000000" "$WORK/champion.log" || die "unclear refusal: $(cat "$WORK/champion.log")"
unset MLFLOW_TRACKING_URI
say "tracking.py champion points the alias at the release's version, and refuses an unknown tag"

if has_feature dvc; then
  # main's remote job: with the outputs up to date (as after `dvc pull`), its step still logs.
  "$PY" -m dvc status -q || die "expected the pipeline to be up to date before the remote job's step"
  REGISTER_MODEL=false bash -euo pipefail -c "$(workflow_step 'Run the DVC pipeline, logging to the tracking server')" > "$WORK/remote.log" 2>&1 ||
    { cat "$WORK/remote.log"; die "the remote job's training step failed"; }
  s="$(state)"
  [[ "$(field "$s" 'len(s["runs"])')" == 4 && "$(field "$s" 's["runs"][0]["tags"]["quality_gate"]')" == passed ]] ||
    die "the remote job's step on an up-to-date pipeline logged no run: $s"
  "$PY" -m dvc status -q || die "the remote job's step left the pipeline out of date (dvc.lock changed)"
  say "the remote job's step logged a run on an up-to-date pipeline, and left dvc.lock as it was"
fi
say "ok"
