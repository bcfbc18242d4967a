#!/usr/bin/env bash
# The DVC feature, run for real: `dvc repro` builds the pipeline, `dvc metrics show` reports the
# accuracy, `dvc push` fills the default local remote, a second `dvc repro` does nothing, and the
# workflow's own dvc.lock check passes on a fresh clone and fails once params change.
#   verify/checks/dvc.sh <generated-project-dir> <python>
source "$(dirname "$0")/feature-lib.sh"
feature_setup "$@"
cd "$PROJ"
dvc() { "$PY" -m dvc "$@"; }

out="$(dvc repro 2>&1)" || { echo "$out"; die "dvc repro failed"; }
for stage in prepare train evaluate; do
  grep -q "Running stage '$stage'" <<< "$out" || { echo "$out"; die "dvc repro did not run stage $stage"; }
done
[[ -f dvc.lock && -f models/model.joblib && -f eval/predictions.csv ]] || die "dvc repro did not write dvc.lock, the model and the predictions"
say "dvc repro ran prepare, train and evaluate"

metrics="$(dvc metrics show --json)"
"$PY" - "$metrics" <<'PY' || die "dvc metrics show has no accuracy: $metrics"
import json, sys
shown = json.loads(sys.argv[1])
values = [m["data"]["metrics.json"]["data"] for m in shown.values()]
assert values and 0.9 <= values[0]["accuracy"] <= 1, values
PY
say "dvc metrics show: $(dvc metrics show | tail -n 1 | tr -s ' ')"

# From the config, not `dvc remote list`, whose table wraps when the terminal is narrow. A relative
# URL is relative to .dvc/.
name="$(dvc remote default)" || die "no default DVC remote"
remote="$(dvc config "remote.$name.url")"
[[ -n "$remote" && "$remote" != *://* ]] || die "the default remote is not a local directory: $name = $remote"
[[ "$remote" == /* ]] || remote="$PROJ/.dvc/$remote"
dvc push -q || die "dvc push failed"
objects="$(find "$remote" -type f | wc -l)"
[[ "$objects" -gt 0 ]] || die "dvc push left the remote $remote empty"
say "dvc push stored $objects files in $remote"

again="$(dvc repro 2>&1)"
grep -q "Data and pipelines are up to date" <<< "$again" || { echo "$again"; die "a second dvc repro was not a no-op"; }
say "second dvc repro: Data and pipelines are up to date"

# What the user commits after `dvc repro`; git must see nothing else (outputs are ignored).
feature_commit "dvc repro"
[[ -z "$(git status --porcelain)" ]] || die "dvc repro left untracked or changed files: $(git status --porcelain)"
tracked="$(git ls-files dvc.lock metrics.json eval/predictions.csv | wc -l)"
[[ "$tracked" -eq 3 ]] || die "dvc.lock, metrics.json and eval/predictions.csv should be committed"

# The workflow's lock check, on a fresh clone (outputs absent, as in CI).
check="$(workflow_step "Check that dvc.lock is up to date")"
# Before the first dvc.lock is committed (a new project): a warning, not a failure.
unlocked="$WORK/unlocked"
git clone -q "$PROJ" "$unlocked"
git -C "$unlocked" rm -q dvc.lock
(cd "$unlocked" && bash -euo pipefail -c "$check") > "$WORK/lock-check.log" 2>&1 ||
  { cat "$WORK/lock-check.log"; die "the workflow's dvc.lock check failed on a project with no dvc.lock yet"; }
grep -q "::warning.*No dvc.lock committed yet" "$WORK/lock-check.log" || die "no warning about the missing dvc.lock: $(cat "$WORK/lock-check.log")"
clone="$WORK/clone"
git clone -q "$PROJ" "$clone"
(cd "$clone" && bash -euo pipefail -c "$check") > "$WORK/lock-check.log" 2>&1 ||
  { cat "$WORK/lock-check.log"; die "the workflow's dvc.lock check failed on a fresh clone of a committed project"; }
sed -i 's/^seed: .*/seed: 7/' "$clone/params.yaml"
if (cd "$clone" && bash -euo pipefail -c "$check") > "$WORK/lock-check.log" 2>&1; then
  die "the workflow's dvc.lock check passed although params.yaml changed without dvc repro"
fi
grep -q "Run \`dvc repro\` and commit dvc.lock" "$WORK/lock-check.log" || die "the failing lock check does not say what to do"
say "workflow's dvc.lock check: warns without a dvc.lock, passes on a fresh clone, fails with advice after a params change"
say "ok"
