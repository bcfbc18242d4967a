#!/usr/bin/env bash
# The pull-request path of ml_pipeline.yml under act, against a fake GitHub:
#   1. a pull request that plants a real regression (one stump: n_estimators 1, max_depth 1) and
#      loosens its own gate (min_accuracy 0.5, max_drop 0.5) still fails: the gate reads the base
#      branch's settings; one comment says so, with the paired numbers, and flags the gate change;
#   2. a second push that only adds trees (n_estimators 150: seed-level noise) and restores the gate
#      passes, and the same comment is updated (still one comment);
#   3. appending valid rows to the data passes, and the report says the evaluation set changed;
#   4. the same pull request from a fork: no comment (read-only token), the report is still written;
#   5. (without DVC) a dependency bump as Dependabot's plus `python src/lock.py refresh`: the base is
#      trained in its own locked environment, so the report names the library that changed.
#
#   verify/checks/ml-pr-report.sh <generated-project-dir> [work-dir]
# shellcheck source=ml-lib.sh disable=SC2016  # jq filters use $base/$head, not the shell
source "$(dirname "$0")/ml-lib.sh"
ml_setup "$@"
ml_dvc_repro && ml_commit "dvc repro"

plant() { # plant SED_EXPR...: edit params.yaml and check every edit took
  local expr
  for expr in "$@"; do
    sed -i "$expr" "$PROJ/params.yaml"
  done
}
git -C "$PROJ" checkout -q -b feature
plant 's/^  n_estimators: 100$/  n_estimators: 1/' 's/^  max_depth: 5\b/  max_depth: 1/' \
  's/^  min_accuracy: 0.9$/  min_accuracy: 0.5/' 's/^  max_drop: 0.02$/  max_drop: 0.5/'
[[ "$(grep -cE '^  (n_estimators: 1|max_depth: 1|min_accuracy: 0.5|max_drop: 0.5)( |$)' "$PROJ/params.yaml")" == 4 ]] ||
  die "could not plant the regression and the loosened gate in params.yaml"
ml_dvc_repro
ml_commit "One stump, and a gate loose enough to let it through"

pr='.pull_request.base.sha = $base | .pull_request.head.sha = $head'
ml_run drop ml_pipeline.yml pull_request "$(ml_payload pull_request "$pr")"
expect_eq "drop: training (its own loosened minimum)" "$(job_result drop pipeline)" failure
expect_eq "drop: regression gate (the base's settings)" "$(step_result drop pipeline 'Regression gate against the base branch')" failure
if ! ml_has dvc; then # with DVC the base's committed outputs are read instead
  expect_eq "drop: base branch installed into its own environment" "$(step_result drop pipeline "Install the base branch's requirements")" success
  expect_eq "drop: base branch trained there" "$(step_result drop pipeline 'Train the base branch')" success
fi
expect_eq "drop: comment job" "$(job_result drop comment)" success
expect_eq "drop: comments on the pull request" "$(github '.comments | length')" 1
body="$(github '.comments[0].body')"
expect_contains "drop: comment" "$body" "<!-- create-ml-ci-cd:model-report -->"
expect_contains "drop: comment" "$body" "**Regression gate: failed.**"
expect_contains "drop: comment" "$body" "\`max_drop\` 0.02 and McNemar's exact test gives p < \`alpha\` 0.05 (settings from main's \`params.yaml\`)"
expect_contains "drop: comment" "$body" "❌ **Below the minimum:**"
expect_contains "drop: comment" "$body" "⚠️ **This change edits the gate settings** (\`quality_gate.min_accuracy\`, \`quality_gate.max_drop\`)"
expect_contains "drop: comment" "$body" "| model.max_depth | 5 | 1 |"
[[ "$body" != *"The evaluation set changed"* ]] || die "drop: the evaluation set did not change, but the report says so"
say "ok: drop: the evaluation set is the same"

git -C "$PROJ" checkout -q main -- params.yaml
plant 's/^  n_estimators: 100$/  n_estimators: 150/'
grep -q '^  n_estimators: 150$' "$PROJ/params.yaml" || die "could not set n_estimators: 150"
ml_dvc_repro
ml_commit "More trees (noise only), the gate as on main"
ml_run noise ml_pipeline.yml pull_request "$(ml_payload pull_request "$pr")"
expect_eq "noise: pipeline job" "$(job_result noise pipeline)" success
expect_eq "noise: comments on the pull request" "$(github '.comments | length')" 1
body="$(github '.comments[0].body')"
expect_contains "noise: updated comment" "$body" "**Regression gate: passed.**"
expect_contains "noise: updated comment" "$body" "| model.n_estimators | 100 | 150 |"
[[ "$body" != *"edits the gate settings"* ]] || die "noise: the gate settings did not change, but the report says so"
say "ok: noise: no gate change flagged"

# 40 valid new rows (real ones nudged by 0.01 cm): some land in the evaluation set, none moves.
data="$(python3 -c 'import yaml, sys; print(yaml.safe_load(open(sys.argv[1]))["data"]["path"])' "$PROJ/params.yaml")"
tail -n +2 "$PROJ/$data" | head -n 120 | awk -F, 'NR % 3 == 0 { OFS = ","; $1 = sprintf("%.2f", $1 + 0.01); print }' >> "$PROJ/$data"
ml_dvc_repro
ml_commit "40 more rows"
ml_run rows ml_pipeline.yml pull_request "$(ml_payload pull_request "$pr")"
expect_eq "rows: pipeline job" "$(job_result rows pipeline)" success
body="$(github '.comments[0].body')"
expect_contains "rows: comment" "$body" "⚠️ **The evaluation set changed**"
expect_contains "rows: comment" "$body" "0 only in main's"

ml_run fork ml_pipeline.yml pull_request "$(ml_payload pull_request_fork "$pr")"
expect_eq "fork: pipeline job" "$(job_result fork pipeline)" success
expect_eq "fork: comment job" "$(job_result fork comment)" skipped
expect_eq "fork: comments on the pull request" "$(github '[.comments[] | select(.issue == "8")] | length')" 0
[[ -f "$WORK/runs/fork/artifacts/model-report/report.md" ]] || die "fork: no model-report artifact"
say "ok: fork: the report is in the job summary and the model-report artifact"

if ! ml_has dvc; then # with DVC the base's committed outputs are read, not retrained
  git -C "$PROJ" checkout -q main
  git -C "$PROJ" checkout -q -b bump
  old="$(sed -n 's/^joblib==//p' "$PROJ/requirements.txt")"
  [[ -n "$old" && "$old" != 1.5.3 ]] || die "bump: requirements.txt pins joblib ${old:-nowhere}, not something to move to 1.5.3"
  sed -i 's/^joblib==.*/joblib==1.5.3/' "$PROJ/requirements.txt"
  # refresh resolves with uv (as a user would); the run's PATH need not hold it, so use the repository's.
  [[ -x "$ROOT/.tools/bin/uv" ]] || die "no $ROOT/.tools/bin/uv: run scripts/setup-tools.sh"
  (cd "$PROJ" && PATH="$ROOT/.tools/bin:$PATH" python3 src/lock.py refresh) >&2 || die "bump: python src/lock.py refresh failed"
  grep -q '^joblib==1.5.3 ' "$PROJ/requirements.lock" || die "bump: the refreshed lock does not pin joblib 1.5.3"
  ml_commit "Bump joblib from $old to 1.5.3"
  unset PIP_NO_INDEX PIP_FIND_LINKS
  ml_wheelhouse # a pip project's wheelhouse gains the bumped wheel
  ml_run bump ml_pipeline.yml pull_request "$(ml_payload pull_request "$pr")"
  expect_eq "bump: pipeline job" "$(job_result bump pipeline)" success
  expect_eq "bump: base branch trained in its own environment" "$(step_result bump pipeline 'Train the base branch')" success
  body="$(github '.comments[0].body')"
  expect_contains "bump: comment" "$body" "📦 **Libraries changed**"
  expect_contains "bump: comment" "$body" "\`joblib\` $old → 1.5.3"
fi
say "passed"
