# shellcheck shell=bash
# Shared by verify/checks/ml-*.sh: run a generated project's workflows under act (through
# verify/run-workflow.mjs) against a fake GitHub (ml-fake-gh/gh), and assert on the outcome.
# Source it; it sets ROOT, WORK and PROJ, and defines the functions below.
#
# Every check copies the project it is given into a fresh work dir and makes its own commits there,
# so the same generated project can be handed to every check.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CHECK="$(basename "$0" .sh)"
REPO_NAME="local/ml-project"

die() { printf '[%s] FAILED: %s\n' "$CHECK" "$*" >&2; exit 1; }
say() { printf '[%s] %s\n' "$CHECK" "$*" >&2; }

# ml_setup PROJECT [WORK]: copy PROJECT (without .git, .venv and outputs) into WORK/proj and commit it on main.
ml_setup() {
  local src="${1:?usage: $0 <generated-project-dir> [work-dir]}"
  [[ -f "$src/params.yaml" ]] || die "$src is not a generated project (no params.yaml)"
  WORK="${2:-$(mktemp -d "${TMPDIR:-/tmp}/$CHECK.XXXXXX")}"
  PROJ="$WORK/proj"
  rm -rf "$PROJ" "$WORK/github.json" "$WORK/runs"
  mkdir -p "$PROJ" "$WORK/runs"
  tar -C "$src" --exclude=.git --exclude=.venv --exclude=models --exclude=metrics.json --exclude=mlflow.db -cf - . | tar -C "$PROJ" -xf -
  git -C "$PROJ" init -q -b main
  ml_commit "Generated project"
  export FAKE_GH_STATE="$WORK/github.json"
  ml_wheelhouse
  say "work dir: $WORK"
}

# Installing the pinned requirements is most of a run's time, and pip's HTTP cache does not help
# here, so every run of a pip project installs from a wheelhouse downloaded once per Python version (the files of
# requirements-dev.lock, hashes checked; set ML_WHEELHOUSE to keep it somewhere else).
ml_wheelhouse() {
  local python wheels
  # uv projects install from uv's cache, which does work here.
  [[ "$(jq -r '.answers.packageManager // "pip"' "$PROJ/.create-ml-ci-cd.json")" == pip ]] || return 0
  python="$(jq -r .answers.python "$PROJ/.create-ml-ci-cd.json")"
  wheels="${ML_WHEELHOUSE:-${TMPDIR:-/tmp}/create-ml-ci-cd-wheels}/py$python"
  mkdir -p "$wheels"
  python3 -m pip download --quiet --disable-pip-version-check --only-binary=:all: --python-version "$python" \
    --no-deps --dest "$wheels" -r "$PROJ/requirements-dev.lock" >&2 || die "could not download the project's locked requirements"
  export PIP_NO_INDEX=1 PIP_FIND_LINKS="$wheels"
}

# ml_has FEATURE: whether the project was generated with it.
ml_has() { jq -e --arg f "$1" '.answers.features | index($f)' "$PROJ/.create-ml-ci-cd.json" > /dev/null; }

# ml_dvc_repro: with DVC, run the pipeline so dvc.lock and metrics.json match the next commit, as the
# project's README asks (CI refuses a stale dvc.lock). Uses the verify matrix's venv (VERIFY_PYTHON)
# or whatever `dvc` and `python` are on PATH.
ml_dvc_repro() {
  ml_has dvc || return 0
  local bin=""
  [[ -n "${VERIFY_PYTHON:-}" ]] && bin="$(dirname "$VERIFY_PYTHON")"
  (cd "$PROJ" && PATH="${bin:+$bin:}$PATH" dvc repro --quiet) >&2 || die "dvc repro failed in $PROJ"
}

ml_commit() {
  git -C "$PROJ" add -A
  git -C "$PROJ" -c user.name=verify -c user.email=verify@example.invalid commit -q --allow-empty -m "$1"
}

# ml_payload TEMPLATE [JQ_FILTER]: an event payload from verify/events/TEMPLATE.json with the
# repository filled in and JQ_FILTER applied ($base and $head are the SHAs of main and HEAD).
ml_payload() {
  local out="$WORK/runs/payload-$RANDOM.json"
  jq --arg repo "$REPO_NAME" --arg base "$(git -C "$PROJ" rev-parse main)" --arg head "$(git -C "$PROJ" rev-parse HEAD)" \
    "walk(if . == \"@REPO@\" then \$repo else . end) | ${2:-.}" "$ROOT/verify/events/$1.json" > "$out"
  echo "$out"
}

# ml_run NAME WORKFLOW EVENT PAYLOAD [run-workflow options]: run it; the JSON report is
# $WORK/runs/NAME.json. Never fails by itself: assert on the report.
ml_run() {
  local name="$1" workflow="$2" event="$3" payload="$4"
  shift 4
  say "act: $workflow on $event ($name)"
  PATH="$ROOT/verify/checks/ml-fake-gh:$PATH" node "$ROOT/verify/run-workflow.mjs" "$PROJ" ".github/workflows/$workflow" "$event" "$payload" \
    --repo "$REPO_NAME" --branch "$(git -C "$PROJ" rev-parse --abbrev-ref HEAD)" \
    --work-dir "$WORK/runs/$name" --cache-dir "$WORK/cache" --report "$WORK/runs/$name.json" \
    --secret GITHUB_TOKEN=fake-token --quiet "$@" > "$WORK/runs/$name.txt" 2>&1 || true
  [[ -f "$WORK/runs/$name.json" ]] || { cat "$WORK/runs/$name.txt" >&2; die "$name: run-workflow wrote no report"; }
  sed -n '1,/^act log/p' "$WORK/runs/$name.txt" >&2
}

# step_result NAME JOB_ID STEP_NAME: success, failure, skipped or "" (the step never showed up).
step_result() {
  jq -r --arg job "$2" --arg step "$3" \
    '[.jobs[] | select(.jobID == $job) | .steps[] | select(.stage == "Main" and .name == $step) | .result][0] // ""' \
    "$WORK/runs/$1.json"
}

# job_result NAME JOB_ID
job_result() {
  jq -r --arg job "$2" '[.jobs[] | select(.jobID == $job) | .result][0] // ""' "$WORK/runs/$1.json"
}

expect_eq() { # expect_eq WHAT ACTUAL EXPECTED
  [[ "$2" == "$3" ]] || die "$1: expected '$3', got '$2' (logs: $WORK/runs)"
  say "ok: $1 = $3"
}

expect_contains() { # expect_contains WHAT TEXT NEEDLE
  [[ "$2" == *"$3"* ]] || die "$1: expected to contain '$3', got: $2"
  say "ok: $1 contains '$3'"
}

# github JQ_FILTER: query the fake GitHub's state.
github() { jq -r "$1" "$FAKE_GH_STATE"; }
