"""actions/download-artifact (v4) stand-in: copy from $ACT_STANDIN_ARTIFACTS_DIR.

Only artifacts of the current act run exist there; downloads from other runs
or repositories need the GitHub API and fail with a clear message.
"""

import fnmatch
import os
import shutil
import sys
import uuid

TAG = "download-artifact stand-in"


def inp(name, default=""):
    value = os.environ.get("INPUT_" + name.replace(" ", "_").upper(), "").strip()
    return value or default


def output(name, value):
    delim = f"ghadelimiter_{uuid.uuid4()}"
    with open(os.environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as fh:
        fh.write(f"{name}<<{delim}\n{value}\n{delim}\n")


def fail(msg):
    print(f"::error title={TAG}::{msg}")
    sys.exit(1)


def copy_tree(src, dest):
    for dirpath, _dirs, files in os.walk(src):
        rel = os.path.relpath(dirpath, src)
        os.makedirs(os.path.join(dest, rel), exist_ok=True)
        for f in files:
            shutil.copy2(os.path.join(dirpath, f), os.path.join(dest, rel, f))


def main():
    store = os.environ.get("ACT_STANDIN_ARTIFACTS_DIR")
    if not store:
        fail("ACT_STANDIN_ARTIFACTS_DIR is not set; run workflows through verify/run-workflow.mjs.")
    run_id = inp("run-id")
    repo = inp("repository")
    if (run_id and run_id != os.environ.get("GITHUB_RUN_ID")) or (repo and repo != os.environ.get("GITHUB_REPOSITORY")):
        fail("downloading artifacts from another run or repository needs the GitHub API; only this run's artifacts are available.")
    if inp("artifact-ids"):
        fail("artifact-ids is not supported by the stand-in; use name or pattern.")
    if inp("skip-decompress", "false") == "true":
        fail("skip-decompress: true is not supported: the stand-in's store holds plain files, not zips.")
    print(f"[download-artifact stand-in] digest-mismatch: {inp('digest-mismatch', 'error')}; local copies carry no upload digest, so none is compared.")

    workspace = os.environ.get("GITHUB_WORKSPACE", os.getcwd())
    dest = os.path.normpath(os.path.join(workspace, os.path.expanduser(inp("path", workspace))))
    name = inp("name")
    available = sorted(os.listdir(store)) if os.path.isdir(store) else []

    if name:
        if name not in available:
            fail(f"Unable to download artifact(s): Artifact not found for name: {name}")
        copy_tree(os.path.join(store, name), dest)
        print(f"[{TAG}] downloaded '{name}' to {dest}")
    else:
        pattern = inp("pattern")
        chosen = [a for a in available if not pattern or fnmatch.fnmatchcase(a, pattern)]
        merge = inp("merge-multiple", "false") == "true"
        for a in chosen:
            copy_tree(os.path.join(store, a), dest if merge else os.path.join(dest, a))
        print(f"[{TAG}] downloaded {len(chosen)} artifact(s) {chosen} to {dest}")
    output("download-path", dest)


if __name__ == "__main__":
    main()
