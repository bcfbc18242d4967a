# shellcheck shell=bash
# Shared by verify/checks/{dvc,mlflow,docker}.sh, the checks of the optional features (issue 3).
# Source it after setting nothing; it defines the functions below.
#
# Usage of every check:  verify/checks/<feature>.sh <generated-project-dir> <python>
# <python> is an interpreter with the project's requirements-dev.txt installed (one venv may serve
# every project: the pins come from one versions file). A check copies the project into a fresh
# work dir (without .git, .venv or outputs), commits it there and works on the copy, so the same
# project can be handed to every check, in any order. It prints what it checked and exits non-zero
# with "FAILED: <why>" on the first failure.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export ROOT
CHECK="$(basename "$0" .sh)"

die() { printf '[%s] FAILED: %s\n' "$CHECK" "$*" >&2; exit 1; }
say() { printf '[%s] %s\n' "$CHECK" "$*" >&2; }

# No usage reports from the tools under test.
export DVC_NO_ANALYTICS=1 MLFLOW_DISABLE_TELEMETRY=true DO_NOT_TRACK=1
unset MLFLOW_TRACKING_URI REGISTER_MODEL

# feature_setup PROJECT PYTHON: sets PROJ (the committed copy), WORK and PY (absolute python path).
feature_setup() {
  local src="${1:?usage: $0 <generated-project-dir> <python>}"
  PY="${2:?usage: $0 <generated-project-dir> <python>}"
  [[ -f "$src/params.yaml" ]] || die "$src is not a generated project (no params.yaml)"
  [[ -x "$PY" ]] || PY="$(command -v "$PY")" || die "no python at $2"
  # As in an activated venv: DVC stages run `python`, and dvc.lock checks call `dvc`.
  PATH="$(dirname "$PY"):$PATH"
  export PATH
  WORK="$(mktemp -d "${TMPDIR:-/tmp}/check-$CHECK.XXXXXX")"
  PROJ="$WORK/$(basename "$(cd "$src" && pwd)")"
  mkdir -p "$PROJ"
  tar -C "$src" --exclude=.git --exclude=.venv --exclude=./models --exclude=./metrics.json --exclude=./eval \
    --exclude=./dvc.lock --exclude=./mlflow.db --exclude=./mlartifacts --exclude=./data/prepared -cf - . | tar -C "$PROJ" -xf -
  git -C "$PROJ" init -q -b main
  feature_commit "Generated project"
  say "work dir: $WORK"
}

feature_commit() {
  git -C "$PROJ" add -A
  git -C "$PROJ" -c user.name=check -c user.email=check@localhost -c commit.gpgsign=false commit -q --allow-empty -m "$1"
}

# has_feature NAME: whether the project was generated with that feature.
has_feature() {
  "$PY" -c 'import json, sys; sys.exit(sys.argv[2] not in json.load(open(sys.argv[1]))["answers"]["features"])' \
    "$PROJ/.create-ml-ci-cd.json" "$1"
}

# workflow_step NAME: the `run:` script of the ml_pipeline.yml step with that name.
workflow_step() {
  "$PY" - "$PROJ/.github/workflows/ml_pipeline.yml" "$1" <<'PY'
import sys, yaml
workflow = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
steps = [s for job in workflow["jobs"].values() for s in job.get("steps", []) if s.get("name") == sys.argv[2]]
if len(steps) != 1:
    sys.exit(f"expected one step named {sys.argv[2]!r} in ml_pipeline.yml, found {len(steps)}")
print(steps[0]["run"])
PY
}
