#!/usr/bin/env bash
# The MLflow feature, run for real against the project's default store (mlflow.db): a training run
# is logged with its metrics, its model is registered and becomes `champion`; a worse run that
# passes the gate and a run that fails the gate leave `champion` where it was. With DVC too,
# `dvc repro` is what logs the run.
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
grep -q "is now champion" "$WORK/train.log" || { cat "$WORK/train.log"; die "$how did not report a new champion"; }
s="$(state)"
[[ "$(field "$s" 'len(s["runs"])')" == 1 ]] || die "expected one run after $how: $s"
"$PY" - "$s" metrics.json <<'PY' || die "the run's metrics differ from metrics.json: $s"
import json, sys
run = json.loads(sys.argv[1])["runs"][0]
written = json.load(open(sys.argv[2]))
assert run["metrics"] == written, (run["metrics"], written)
assert run["tags"]["quality_gate"] == "passed"
PY
[[ "$(field "$s" 's["champion"]["run_id"] == s["runs"][0]["run_id"]')" == True ]] || die "champion is not the run's model version: $s"
champion="$(field "$s" 's["champion"]["version"]')"
say "$how logged a run with metrics.json's metrics; its model is version $champion, alias champion"

# Worse but above the gate: registered, not promoted.
params_with "$WORK/worse.yaml" 'p["model"].update(n_estimators=1, max_depth=1); p["quality_gate"]["min_accuracy"] = 0.0'
"$PY" src/train.py --params "$WORK/worse.yaml" --out-dir "$WORK/worse" > "$WORK/worse.log" 2>&1 || { cat "$WORK/worse.log"; die "the worse run failed"; }
s="$(state)"
[[ "$(field "$s" 'len(s["runs"])')" == 2 ]] || die "the worse run was not logged: $s"
[[ "$(field "$s" 's["runs"][0]["metrics"]["accuracy"] < s["runs"][1]["metrics"]["accuracy"]')" == True ]] || die "the 'worse' run is not worse: $s"
[[ "$(field "$s" 's["champion"]["version"]')" == "$champion" ]] || die "a worse model moved champion: $s"
grep -q "is not champion" "$WORK/worse.log" || die "the worse run did not say it stays out: $(cat "$WORK/worse.log")"
say "a worse run (accuracy $(field "$s" 'round(s["runs"][0]["metrics"]["accuracy"], 4)')) left champion at version $champion"

# Failing the quality gate: exit 1, not promoted.
params_with "$WORK/strict.yaml" 'p["quality_gate"]["min_accuracy"] = 1.01'
if "$PY" src/train.py --params "$WORK/strict.yaml" --out-dir "$WORK/strict" > "$WORK/strict.log" 2>&1; then
  die "a run below the quality gate exited 0"
fi
s="$(state)"
[[ "$(field "$s" 'len(s["runs"])')" == 3 && "$(field "$s" 's["runs"][0]["tags"]["quality_gate"]')" == failed ]] || die "the failing run was not logged as failed: $s"
[[ "$(field "$s" 's["champion"]["version"]')" == "$champion" ]] || die "a model below the gate moved champion: $s"
say "a run below the quality gate exited 1 and left champion at version $champion"

if has_feature dvc; then
  # main's remote job: with the outputs up to date (as after `dvc pull`), its step still logs and registers.
  "$PY" -m dvc status -q || die "expected the pipeline to be up to date before the remote job's step"
  REGISTER_MODEL=true bash -euo pipefail -c "$(workflow_step 'Run the DVC pipeline, logging to the tracking server')" > "$WORK/remote.log" 2>&1 ||
    { cat "$WORK/remote.log"; die "the remote job's training step failed"; }
  s="$(state)"
  [[ "$(field "$s" 'len(s["runs"])')" == 4 && "$(field "$s" 's["runs"][0]["tags"]["quality_gate"]')" == passed ]] ||
    die "the remote job's step on an up-to-date pipeline logged no run: $s"
  "$PY" -m dvc status -q || die "the remote job's step left the pipeline out of date (dvc.lock changed)"
  say "the remote job's step logged a run on an up-to-date pipeline, and left dvc.lock as it was"
fi
say "ok"
