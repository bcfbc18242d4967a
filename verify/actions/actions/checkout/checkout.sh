#!/usr/bin/env bash
# actions/checkout stand-in; see action.yml.
set -euo pipefail

say() { echo "[checkout stand-in] $*"; }
fail() { echo "::error title=checkout stand-in::$*"; exit 1; }

src="${ACT_STANDIN_SOURCE:-}"
[[ -n "$src" && -d "$src/.git" ]] ||
  fail "ACT_STANDIN_SOURCE is not a git repository ('$src'); run workflows through verify/run-workflow.mjs."

if [[ -n "$IN_REPOSITORY" && "$IN_REPOSITORY" != "$GITHUB_REPOSITORY" ]]; then
  fail "checking out another repository ($IN_REPOSITORY) needs the network; only $GITHUB_REPOSITORY is available locally."
fi
[[ "$IN_SUBMODULES" == "false" ]] || echo "::warning title=checkout stand-in::submodules: $IN_SUBMODULES is not supported; submodules are not checked out."
[[ "$IN_LFS" == "false" ]] || echo "::warning title=checkout stand-in::lfs: true is not supported; LFS files stay pointers."
[[ -z "$IN_SPARSE" ]] || echo "::warning title=checkout stand-in::sparse-checkout is not supported; the full tree is checked out."

dest="$GITHUB_WORKSPACE"
[[ -z "$IN_PATH" ]] || dest="$GITHUB_WORKSPACE/$IN_PATH"
mkdir -p "$dest"
if [[ -n "$(ls -A "$dest")" ]]; then
  [[ "$IN_CLEAN" == "true" ]] || fail "$dest is not empty and clean is false; the stand-in only checks out into an empty directory."
  find "$dest" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
fi

git clone --quiet --no-hardlinks "$src" "$dest"
cd "$dest"
# Keep origin at the local source so a later `git fetch` in the workflow works offline.
if [[ -n "$IN_REF" ]]; then
  commit="$(git rev-parse --verify --quiet "origin/$IN_REF^{commit}" || git rev-parse --verify --quiet "$IN_REF^{commit}")" ||
    fail "ref '$IN_REF' does not exist in the local repository."
  ref="$IN_REF"
else
  commit="${GITHUB_SHA:?GITHUB_SHA is empty; is the project a git repository with a commit?}"
  ref="${GITHUB_REF:-}"
fi

# Like actions/checkout: a branch ref is checked out as that branch, anything
# else (pull request merge refs, tags, SHAs) as a detached HEAD.
case "$ref" in
  refs/heads/*) git checkout --quiet --force -B "${ref#refs/heads/}" "$commit" ;;
  *) git checkout --quiet --force --detach "$commit" ;;
esac

say "checked out $commit (${ref:-detached}) from $src into $dest"
{
  echo "ref=$ref"
  echo "commit=$commit"
} >> "$GITHUB_OUTPUT"
