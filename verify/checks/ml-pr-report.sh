#!/usr/bin/env bash
# The pull-request path of ml_pipeline.yml under act, against a fake GitHub:
#   1. a pull request that plants a drop (max_depth 5 -> 2: accuracy 0.9333 -> 0.9000, within the
#      absolute minimum but more than max_drop) fails the regression gate, and one comment says so;
#   2. a second push that fixes it passes, and the same comment is updated (still one comment);
#   3. the same pull request from a fork: no comment (read-only token), the report is still written.
#
#   verify/checks/ml-pr-report.sh <generated-project-dir> [work-dir]
# shellcheck source=ml-lib.sh disable=SC2016  # jq filters use $base/$head, not the shell
source "$(dirname "$0")/ml-lib.sh"
ml_setup "$@"
ml_dvc_repro && ml_commit "dvc repro"

git -C "$PROJ" checkout -q -b feature
sed -i 's/^  max_depth: 5\b/  max_depth: 2/' "$PROJ/params.yaml"
grep -q '^  max_depth: 2' "$PROJ/params.yaml" || die "could not plant the drop in params.yaml"
ml_dvc_repro
ml_commit "Shallower trees (planted accuracy drop)"

pr='.pull_request.base.sha = $base | .pull_request.head.sha = $head'
ml_run drop ml_pipeline.yml pull_request "$(ml_payload pull_request "$pr")"
expect_eq "drop: regression gate" "$(step_result drop pipeline 'Regression gate against the base branch')" failure
expect_eq "drop: comment job" "$(job_result drop comment)" success
expect_eq "drop: comments on the pull request" "$(github '.comments | length')" 1
body="$(github '.comments[0].body')"
expect_contains "drop: comment" "$body" "<!-- create-ml-ci-cd:model-report -->"
expect_contains "drop: comment" "$body" "| accuracy | 0.9333 | 0.9000 | -0.0333 | ❌ regression |"
expect_contains "drop: comment" "$body" "**Regression gate: failed.**"
expect_contains "drop: comment" "$body" "| model.max_depth | 5 | 2 |"

sed -i 's/^  max_depth: 2\b/  max_depth: 3/' "$PROJ/params.yaml"
ml_dvc_repro
ml_commit "Deeper trees again"
ml_run fixed ml_pipeline.yml pull_request "$(ml_payload pull_request "$pr")"
expect_eq "fixed: pipeline job" "$(job_result fixed pipeline)" success
expect_eq "fixed: comments on the pull request" "$(github '.comments | length')" 1
body="$(github '.comments[0].body')"
expect_contains "fixed: updated comment" "$body" "**Regression gate: passed.**"
expect_contains "fixed: updated comment" "$body" "▲ better"

ml_run fork ml_pipeline.yml pull_request "$(ml_payload pull_request_fork "$pr")"
expect_eq "fork: pipeline job" "$(job_result fork pipeline)" success
expect_eq "fork: comment job" "$(job_result fork comment)" skipped
expect_eq "fork: comments on the pull request" "$(github '[.comments[] | select(.issue == "8")] | length')" 0
[[ -f "$WORK/runs/fork/artifacts/model-report/report.md" ]] || die "fork: no model-report artifact"
say "ok: fork: the report is in the job summary and the model-report artifact"
say "passed"
