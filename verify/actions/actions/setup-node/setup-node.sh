#!/usr/bin/env bash
# actions/setup-node stand-in; see action.yml.
set -euo pipefail

say() { echo "[setup-node stand-in] $*"; }
warn() { echo "::warning title=setup-node stand-in::$*"; }
fail() { echo "::error title=setup-node stand-in::$*"; exit 1; }

node="$(command -v node || true)"
[[ -n "$node" ]] || fail "no node on the host PATH; the stand-in does not download Node.js."
node="$(readlink -f "$node")"
have="$("$node" --version)" # v20.20.0

want="$IN_VERSION"
if [[ -z "$want" && -n "$IN_VERSION_FILE" ]]; then
  [[ -f "$IN_VERSION_FILE" ]] || fail "node-version-file $IN_VERSION_FILE does not exist."
  want="$(head -n 1 "$IN_VERSION_FILE" | tr -d '[:space:]')"
fi
want="${want#v}"
case "$want" in
  "") say "no version requested; using the host node $have." ;;
  lts/* | node | latest | current)
    say "'$want' would be resolved from nodejs.org's release list, which is not reachable; using the host node $have." ;;
  [0-9]*)
    # "20" matches v20.x.y, "20.19" matches v20.19.y, "20.19.1" only itself; ranges are not parsed.
    if [[ "${have#v}" == "$want" || "${have#v}" == "$want".* ]]; then
      say "host node $have matches '$want'."
    else
      warn "node-version '$want' requested; using the host node $have."
    fi ;;
  *) warn "node-version '$want' is not interpreted by the stand-in; using the host node $have." ;;
esac
[[ -z "$IN_REGISTRY_URL" ]] || warn "registry-url is not supported; npm keeps the host's registry configuration."
[[ "${IN_PACKAGE_MANAGER_CACHE:-true}" != "true" ]] || [[ -n "$IN_CACHE" ]] || say "package-manager-cache: true; upstream would cache npm when package.json names it; the stand-in does not cache."
[[ -z "$IN_CACHE" ]] || say "cache: $IN_CACHE requested; the stand-in does not cache (cache-hit=false)."

dirname "$node" >> "$GITHUB_PATH"
{
  echo "node-version=$have"
  echo "cache-hit=false"
} >> "$GITHUB_OUTPUT"
