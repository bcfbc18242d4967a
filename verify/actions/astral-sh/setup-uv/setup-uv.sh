#!/usr/bin/env bash
# astral-sh/setup-uv stand-in; see action.yml.
set -euo pipefail

say() { echo "[setup-uv stand-in] $*"; }
warn() { echo "::warning title=setup-uv stand-in::$*"; }
fail() { echo "::error title=setup-uv stand-in::$*"; exit 1; }

uv="${ACT_STANDIN_UV:-}"
[[ -n "$uv" && -x "$uv" ]] || uv="$(command -v uv || true)"
[[ -n "$uv" ]] || fail "no uv found: set ACT_STANDIN_UV (run-workflow.mjs does) or run scripts/setup-tools.sh."
uvx="$(dirname "$uv")/uvx"
have="$("$uv" --version | awk '{print $2}')"
if [[ -n "$IN_VERSION" && "$IN_VERSION" != latest && "$have" != "$IN_VERSION" && "$have" != "$IN_VERSION".* ]]; then
  warn "version '$IN_VERSION' requested; using the local uv $have."
fi

# A bin dir with only uv, uvx and versioned interpreters, so the rest of
# .tools/bin (act, linters) stays off the workflow's PATH. uv finds pythonX.Y
# on PATH; pyenv's inactive versions are otherwise invisible to it.
bin="$RUNNER_TEMP/setup-uv/bin"
mkdir -p "$bin"
ln -sfn "$uv" "$bin/uv"
[[ ! -x "$uvx" ]] || ln -sfn "$uvx" "$bin/uvx"
if [[ -n "${PYENV_ROOT:-}" && -d "$PYENV_ROOT/versions" ]]; then
  for d in "$PYENV_ROOT"/versions/3.*; do
    v="$(basename "$d")"
    minor="${v%.*}"
    if [[ -x "$d/bin/python$minor" ]]; then ln -sfn "$d/bin/python$minor" "$bin/python$minor"; fi
  done
fi
echo "$bin" >> "$GITHUB_PATH"
{
  # uv's managed Python downloads come from GitHub, which is not reachable.
  echo "UV_PYTHON_DOWNLOADS=never"
  [[ -z "$IN_PYTHON_VERSION" ]] || echo "UV_PYTHON=$IN_PYTHON_VERSION"
} >> "$GITHUB_ENV"
say "uv $have from $uv"
[[ "$IN_ENABLE_CACHE" != "true" ]] || say "enable-cache: true requested; the stand-in does not cache (no-op, cache-hit=false)."

venv=""
if [[ "$IN_ACTIVATE" == "true" ]]; then
  venv="${IN_VENV_PATH:-$IN_WORKDIR/.venv}"
  [[ "$venv" == /* ]] || venv="$IN_WORKDIR/$venv"
  args=(venv --quiet --allow-existing)
  [[ "${IN_NO_PROJECT:-false}" != "true" ]] || args+=(--no-project)
  [[ -z "$IN_PYTHON_VERSION" ]] || args+=(--python "$IN_PYTHON_VERSION")
  PATH="$bin:$PATH" UV_PYTHON_DOWNLOADS=never "$uv" "${args[@]}" "$venv"
  echo "$venv/bin" >> "$GITHUB_PATH"
  echo "VIRTUAL_ENV=$venv" >> "$GITHUB_ENV"
  say "activated $venv"
fi

{
  echo "uv-version=$have"
  echo "uv-path=$bin/uv"
  echo "uvx-path=$bin/uvx"
  echo "cache-hit=false"
  echo "venv=$venv"
  echo "python-version=$IN_PYTHON_VERSION"
} >> "$GITHUB_OUTPUT"
