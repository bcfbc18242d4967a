#!/usr/bin/env bash
# drift.yml under act, against a fake GitHub, fed the way the serving app feeds it: JSONL records of
# src/serve.py's prediction log under logs/predictions/ (the last drift.window_days are read).
#   1. schedule, the recent window shifted (petal_length + 1.5 cm; month-old records are not):
#      drift is found and one issue labelled "drift" is opened;
#   2. push of a second shifted day: the same issue is updated, no second one is opened;
#   3. dispatch, the log now like the training data: no drift, the issue is commented and closed;
#   4. dispatch, too few recent records: not judged (exit 3), the issue job is skipped;
#   5. dispatch, a record with a non-numeric feature: the check fails as bad input, no issue changes;
#   6. dispatch, no log at all and a shifted CSV in data/incoming/ (the fallback): a new episode,
#      a new issue.
#
#   verify/checks/ml-drift.sh <generated-project-dir> [work-dir]
# shellcheck source=ml-lib.sh disable=SC2016  # jq filters use $base/$head, not the shell
source "$(dirname "$0")/ml-lib.sh"
ml_setup "$@"
LOG="$PROJ/logs/predictions"

# log FILE SEED SHIFT ROWS [AGE_DAYS]: ROWS records of training rows (features only), as serve.py writes them.
log() {
  mkdir -p "$LOG"
  python3 - "$PROJ/data/iris.csv" "$LOG/$1" "$2" "$3" "$4" "${5:-0}" <<'PY'
import csv, json, random, sys
from datetime import datetime, timedelta, timezone
src, dst, seed, shift, rows, age = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
with open(src, newline="") as f:
    data = list(csv.DictReader(f))
random.Random(seed).shuffle(data)
ts = (datetime.now(timezone.utc) - timedelta(days=age, hours=1)).isoformat()
with open(dst, "a") as out:
    for row in data[:rows]:
        features = {k: float(v) for k, v in row.items() if k != "species"}
        features["petal_length"] = round(features["petal_length"] + shift, 1)
        out.write(json.dumps({"ts": ts, "features": features, "prediction": row["species"], "model": "m1"}) + "\n")
PY
}
commit() { git -C "$PROJ" add -f logs; ml_commit "$1"; }
open_drift='[.issues[] | select(.state == "open" and (.labels | index("drift")))] | length'

log old.jsonl 9 0 60 30
log day1.jsonl 1 1.5 60
commit "A shifted day of predictions"
ml_run first drift.yml schedule "$(ml_payload schedule '.schedule = "30 5 * * *"')"
expect_eq "first: check job" "$(job_result first check)" success
expect_eq "first: issue job" "$(job_result first issue)" success
expect_eq "first: open drift issues" "$(github "$open_drift")" 1
body="$(github '.issues[0].body')"
expect_contains "first: issue" "$body" "**Drift found in 1 of 4 features: petal_length.**"
expect_contains "first: issue" "$body" "60 recent rows from the prediction log"
expect_eq "first: issue title" "$(github '.issues[0].title')" "Data drift detected"

log day2.jsonl 2 1.5 60
commit "Another shifted day"
ml_run second drift.yml push "$(ml_payload push '.before = $base | .after = $head')"
expect_eq "second: issue job" "$(job_result second issue)" success
expect_eq "second: issues" "$(github '.issues | length')" 1
expect_eq "second: issue edits" "$(github '.issues[0].edits')" 1
expect_contains "second: updated issue" "$(github '.issues[0].body')" "120 recent rows"

rm "$LOG"/day*.jsonl
log day3.jsonl 3 0 60
commit "Predictions like the training data again"
ml_run clear drift.yml workflow_dispatch "$(ml_payload workflow_dispatch)"
expect_eq "clear: issue job" "$(job_result clear issue)" success
expect_eq "clear: issues" "$(github '.issues | length')" 1
expect_eq "clear: issue state" "$(github '.issues[0].state')" closed
expect_contains "clear: closing comment" "$(github '.issues[0].comments[-1]')" "No drift found."

rm "$LOG"/day3.jsonl
log day4.jsonl 4 1.5 10
commit "Ten predictions"
ml_run few drift.yml workflow_dispatch "$(ml_payload workflow_dispatch)"
expect_eq "few: check job" "$(job_result few check)" success
expect_eq "few: issue job" "$(job_result few issue)" skipped
expect_eq "few: open drift issues" "$(github "$open_drift")" 0

log day4.jsonl 5 0 60
sed -i '3s/"sepal_width": [0-9.]*/"sepal_width": "abc"/' "$LOG/day4.jsonl"
commit "A broken record"
ml_run bad drift.yml workflow_dispatch "$(ml_payload workflow_dispatch)"
expect_eq "bad: check job" "$(job_result bad check)" failure
expect_contains "bad: the check names the record" "$(cat "$WORK/runs/bad/act.jsonl")" "line 3, column sepal_width: 'abc' fails"
expect_eq "bad: issue job" "$(job_result bad issue)" skipped

git -C "$PROJ" rm -rq logs
python3 - "$PROJ/data/iris.csv" "$PROJ/data/incoming/batch.csv" <<'PY'
import csv, sys
with open(sys.argv[1], newline="") as f:
    rows = list(csv.DictReader(f))[::2]
with open(sys.argv[2], "w", newline="") as f:
    out = csv.DictWriter(f, [c for c in rows[0] if c != "species"], extrasaction="ignore")
    out.writeheader()
    for row in rows:
        row["petal_length"] = f"{float(row['petal_length']) + 1.5:.1f}"
        out.writerow(row)
PY
ml_commit "No prediction log: a shifted CSV in data/incoming"
ml_run incoming drift.yml workflow_dispatch "$(ml_payload workflow_dispatch)"
expect_eq "incoming: issue job" "$(job_result incoming issue)" success
expect_eq "incoming: issues (a new episode)" "$(github '.issues | length')" 2
expect_eq "incoming: open drift issues" "$(github "$open_drift")" 1
expect_contains "incoming: new issue" "$(github '.issues[1].body')" "the CSV files in \`data/incoming\`"
say "passed"
