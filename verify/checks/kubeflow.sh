#!/usr/bin/env bash
# The Kubeflow feature, run for real without a cluster: the pipeline compiles to a spec that the KFP
# SDK loads back, then runs end to end with KFP's local subprocess runner, once with the project's
# params (the gate passes: the register step runs and keeps a candidate model) and once with a
# planted bad model (one depth-1 tree: the gate fails, the pipeline still succeeds, register is
# skipped and the command exits 1). With MLflow, the evaluate step logs both runs to the store.
#   verify/checks/kubeflow.sh <generated-project-dir> <python>
source "$(dirname "$0")/feature-lib.sh"
feature_setup "$@"
cd "$PROJ"

"$PY" src/kfp_pipeline.py compile --output "$WORK/pipeline.yaml" > "$WORK/compile.log" 2>&1 ||
  { cat "$WORK/compile.log"; die "the pipeline did not compile"; }
"$PY" - "$WORK/pipeline.yaml" <<'PY' || die "the compiled spec does not load back or lacks the gated register step"
import sys
import yaml
from kfp import components

spec = sys.argv[1]
components.load_component_from_file(spec)
document = yaml.safe_load(open(spec, encoding="utf-8"))
tasks = document["root"]["dag"]["tasks"]
assert {"prepare", "fit", "evaluate"} <= set(tasks), sorted(tasks)
(condition,) = [t for name, t in tasks.items() if name.startswith("condition")]
inner = document["components"][condition["componentRef"]["name"]]["dag"]["tasks"]
assert set(inner) == {"register"}, sorted(inner)
PY
say "compiled; the spec loads back through the KFP SDK, register sits under the gate's condition"

run_local() { # run_local LABEL [PARAMS]: the pipeline's exit status; the log in $WORK/LABEL.log
  local status=0
  "$PY" src/kfp_pipeline.py run-local --outputs "$WORK/$1-outputs" ${2:+--params "$2"} > "$WORK/$1.log" 2>&1 || status=$?
  echo "$status"
}

status="$(run_local good)"
[[ "$status" == 0 ]] || { tail -n 40 "$WORK/good.log"; die "the pipeline failed or skipped register on the project's own params (exit $status)"; }
grep -q "Pipeline .*finished with status .*SUCCESS" "$WORK/good.log" || die "the local run did not finish: $(tail -n 5 "$WORK/good.log")"
candidate="$(find "$WORK/good-outputs" -path '*/register/candidate' -type f)"
[[ -n "$candidate" ]] || die "the gate passed but register kept no candidate model"
"$PY" -c 'import joblib, sys; joblib.load(sys.argv[1]).predict' "$candidate" || die "the candidate is not a model: $candidate"
say "good model: the gate passed, register kept $(basename "$(dirname "$(dirname "$candidate")")")/register/candidate"

"$PY" - params.yaml "$WORK/bad-params.yaml" <<'PY'
import sys
import yaml

params = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
params["model"] = {"n_estimators": 1, "max_depth": 1}  # one stump: far below the gate's minimum
yaml.safe_dump(params, open(sys.argv[2], "w", encoding="utf-8"))
PY
status="$(run_local bad "$WORK/bad-params.yaml")"
[[ "$status" == 1 ]] || { tail -n 40 "$WORK/bad.log"; die "the planted bad model should exit 1 (gate failed, nothing registered), got $status"; }
grep -q "Quality gate failed" "$WORK/bad.log" || die "the evaluate step did not report the failed gate"
grep -q "Pipeline .*finished with status .*SUCCESS" "$WORK/bad.log" || die "a failed gate must skip register, not fail the pipeline"
[[ -z "$(find "$WORK/bad-outputs" -path '*/register/*' -print -quit)" ]] || die "register ran although the gate failed"
say "planted bad model: the gate failed, the pipeline succeeded, register was skipped"

if has_feature mlflow; then
  runs="$("$PY" - <<'PY'
import mlflow

mlflow.set_tracking_uri("sqlite:///mlflow.db")
print(len(mlflow.search_runs(search_all_experiments=True)))
PY
)" || die "cannot read the MLflow store the evaluate step logged to"
  [[ "$runs" -ge 2 ]] || die "the evaluate step logged $runs MLflow runs, expected one per pipeline run (2)"
  say "MLflow: the evaluate step logged $runs runs to mlflow.db"
fi
