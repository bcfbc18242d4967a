#!/usr/bin/env bash
# drift.yml under act, against a fake GitHub:
#   1. schedule, with a shifted batch in data/incoming/ (petal_length + 1.5 cm): drift is found and
#      one issue labelled "drift" is opened;
#   2. push of a second shifted batch: the same issue is updated, no second one is opened;
#   3. dispatch, with the shifted batches replaced by rows of the training data: no drift, the
#      issue job is skipped.
#
#   verify/checks/ml-drift.sh <generated-project-dir> [work-dir]
# shellcheck source=ml-lib.sh disable=SC2016  # jq filters use $base/$head, not the shell
source "$(dirname "$0")/ml-lib.sh"
ml_setup "$@"

# A batch: 60 rows of the training data (without the target), optionally shifted.
batch() { # batch FILE SEED SHIFT
  python3 - "$PROJ/data/iris.csv" "$PROJ/data/incoming/$1" "$2" "$3" <<'PY'
import csv, random, sys
src, dst, seed, shift = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
with open(src, newline="") as f:
    rows = list(csv.DictReader(f))
random.Random(seed).shuffle(rows)
fields = [c for c in rows[0] if c != "species"]
with open(dst, "w", newline="") as f:
    out = csv.DictWriter(f, fields, extrasaction="ignore")
    out.writeheader()
    for row in rows[:60]:
        row["petal_length"] = f"{float(row['petal_length']) + shift:.1f}"
        out.writerow(row)
PY
}

batch 2026-01-shifted.csv 1 1.5
ml_commit "A shifted batch of recent data"
ml_run first drift.yml schedule "$(ml_payload schedule '.schedule = "30 5 * * *"')"
expect_eq "first: check job" "$(job_result first check)" success
expect_eq "first: issue job" "$(job_result first issue)" success
expect_eq "first: open drift issues" "$(github '[.issues[] | select(.state == "open" and (.labels | index("drift")))] | length')" 1
body="$(github '.issues[0].body')"
expect_contains "first: issue" "$body" "**Drift found in 1 of 4 features: petal_length.**"
expect_eq "first: issue title" "$(github '.issues[0].title')" "Data drift detected"

batch 2026-02-shifted.csv 2 1.5
ml_commit "Another shifted batch"
ml_run second drift.yml push "$(ml_payload push '.before = $base | .after = $head')"
expect_eq "second: issue job" "$(job_result second issue)" success
expect_eq "second: issues" "$(github '.issues | length')" 1
expect_eq "second: issue edits" "$(github '.issues[0].edits')" 1
expect_contains "second: updated issue" "$(github '.issues[0].body')" "120 recent rows"

rm "$PROJ"/data/incoming/*.csv
batch 2026-03.csv 3 0
ml_commit "Recent data like the training data"
ml_run quiet drift.yml workflow_dispatch "$(ml_payload workflow_dispatch)"
expect_eq "quiet: check job" "$(job_result quiet check)" success
expect_eq "quiet: issue job" "$(job_result quiet issue)" skipped
expect_eq "quiet: issues" "$(github '.issues | length')" 1
say "passed"
