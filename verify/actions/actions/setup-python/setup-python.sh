#!/usr/bin/env bash
# actions/setup-python stand-in; see action.yml.
set -euo pipefail

say() { echo "[setup-python stand-in] $*"; }
warn() { echo "::warning title=setup-python stand-in::$*"; }
fail() { echo "::error title=setup-python stand-in::$*"; exit 1; }

want="$IN_VERSION"
if [[ -z "$want" && -n "$IN_VERSION_FILE" ]]; then
  [[ -f "$IN_VERSION_FILE" ]] || fail "python-version-file '$IN_VERSION_FILE' does not exist."
  want="$(grep -v '^\s*#' "$IN_VERSION_FILE" | head -1 | tr -d '[:space:]')"
fi
# setup-python takes a newline-separated list and makes the last one default.
want="$(printf '%s\n' "$want" | sed '/^\s*$/d' | tail -1 | tr -d '[:space:]')"
[[ "$IN_FREETHREADED" != "true" ]] || warn "freethreaded: true is not supported; using a regular build."

works() { [[ -n "$1" ]] && "$1" -c 'import sys, venv' >/dev/null 2>&1; }

# Prints the path of an interpreter for "3.X" / "3.X.Y", or nothing.
find_python() {
  local v="$1" minor cand
  minor="$(sed -E 's/^([0-9]+\.[0-9]+).*/\1/' <<<"$v")"
  # Exact patch first, then any patch of the same minor; highest patch wins.
  if [[ -n "${PYENV_ROOT:-}" && -d "$PYENV_ROOT/versions" ]]; then
    for cand in "$PYENV_ROOT/versions/$v/bin/python$minor" \
      $(printf '%s\n' "$PYENV_ROOT/versions/$minor".* | sort -V -r | sed "s|\$|/bin/python$minor|"); do
      works "$cand" && { echo "$cand"; return; }
    done
  fi
  cand="$(command -v "python$minor" || true)"
  works "$cand" && echo "$cand"
  return 0
}

py=""
if [[ -z "$want" ]]; then
  warn "no python-version given; using the host python3."
elif [[ "$want" == 3.x || "$want" == 3 ]]; then
  for m in 14 13 12 11 10 9; do
    py="$(find_python "3.$m")"
    if [[ -n "$py" ]]; then break; fi
  done
elif [[ "$want" =~ ^3\.[0-9]+(\.[0-9]+)?$ ]]; then
  py="$(find_python "$want")"
fi
if [[ -z "$py" ]]; then
  py="$(command -v python3)" || fail "no python3 on the host."
fi
full="$("$py" -c 'import platform; print(platform.python_version())')"
if [[ -n "$want" && "$full" != "$want" && "$full" != "$want".* && "$want" != 3.x && "$want" != 3 ]]; then
  warn "python-version '$want' is not installed on this host; using Python $full from $py instead."
fi

venv="$RUNNER_TEMP/setup-python/$full"
if [[ ! -x "$venv/bin/python" ]]; then
  # uv (from .tools) makes a seeded venv in a fraction of the time of `-m venv`.
  if [[ -n "${ACT_STANDIN_UV:-}" && -x "$ACT_STANDIN_UV" ]]; then
    "$ACT_STANDIN_UV" venv --quiet --seed --python "$py" "$venv"
  else
    "$py" -m venv "$venv"
  fi
fi
say "Python $full from $py, venv $venv"

if [[ -n "$IN_CACHE" ]]; then
  # Like setup-python, fail when there is no dependency file to key the cache on.
  case "$IN_CACHE" in
    pip) default_dep='**/requirements.txt' ;;
    pipenv) default_dep='**/Pipfile.lock' ;;
    poetry) default_dep='**/poetry.lock' ;;
    *) fail "Caching for '$IN_CACHE' is not supported" ;;
  esac
  dep="${IN_CACHE_DEP_PATH:-$default_dep}"
  found=""
  while IFS= read -r pattern; do
    [[ -n "$pattern" ]] || continue
    # Unquoted on purpose: the pattern is a glob.
    # shellcheck disable=SC2086
    if (shopt -s globstar nullglob; cd "$GITHUB_WORKSPACE" && set -- $pattern && [[ -e "${1:-}" ]]); then found=1; fi
  done <<<"$dep"
  [[ -n "$found" ]] || fail "No file in $GITHUB_WORKSPACE matched to [$(tr '\n' ',' <<<"$dep" | sed 's/,$//')], make sure you have checked out the target repository"
  say "cache: $IN_CACHE requested; the stand-in does not cache (no-op, cache-hit=false)."
fi
if [[ -n "$IN_PIP_VERSION" ]]; then
  "$venv/bin/python" -m pip install --quiet "pip==$IN_PIP_VERSION"
fi

if [[ "$IN_UPDATE_ENV" == "true" ]]; then
  echo "$venv/bin" >> "$GITHUB_PATH"
  {
    echo "pythonLocation=$venv"
    echo "Python_ROOT_DIR=$venv"
    echo "Python3_ROOT_DIR=$venv"
    echo "PKG_CONFIG_PATH=$venv/lib/pkgconfig"
  } >> "$GITHUB_ENV"
fi
if [[ -n "$IN_PIP_INSTALL" ]]; then
  # Word splitting is intended: the input is a list of pip arguments.
  # shellcheck disable=SC2086
  "$venv/bin/python" -m pip install $IN_PIP_INSTALL
fi

{
  echo "python-version=$full"
  echo "python-path=$venv/bin/python"
  echo "cache-hit=false"
} >> "$GITHUB_OUTPUT"
