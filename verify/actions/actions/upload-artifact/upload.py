"""actions/upload-artifact (v4) stand-in: copy files to $ACT_STANDIN_ARTIFACTS_DIR/<name>/.

File selection follows the real action: globs, directories taken whole,
!exclusions, hidden files left out unless include-hidden-files, and paths kept
relative to the least common ancestor of the search paths.
"""

import glob
import hashlib
import os
import shutil
import sys
import uuid

TAG = "upload-artifact stand-in"
INVALID_NAME_CHARS = set('":<>|*?\r\n\\/')


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


def search_root(pattern):
    """The part of a pattern before its first glob segment."""
    parts = pattern.split(os.sep)
    fixed = []
    for part in parts:
        if glob.has_magic(part):
            break
        fixed.append(part)
    return os.sep.join(fixed) or os.sep


def is_hidden(path, root):
    rel = os.path.relpath(path, root)
    return any(p.startswith(".") and p not in (".", "..") for p in rel.split(os.sep))


def expand(pattern, include_hidden):
    root = search_root(pattern)
    found = []
    for match in glob.glob(pattern, recursive=True):
        if os.path.isdir(match):
            for dirpath, _dirs, files in os.walk(match):
                found.extend(os.path.join(dirpath, f) for f in files)
        elif os.path.isfile(match):
            found.append(match)
    if not include_hidden:
        found = [f for f in found if not is_hidden(f, root if os.path.isdir(root) else os.path.dirname(root))]
    return [os.path.abspath(f) for f in found]


def main():
    store = os.environ.get("ACT_STANDIN_ARTIFACTS_DIR")
    if not store:
        fail("ACT_STANDIN_ARTIFACTS_DIR is not set; run workflows through verify/run-workflow.mjs.")
    name = inp("name", "artifact")
    if INVALID_NAME_CHARS & set(name):
        fail(f'The artifact name is not valid: {name}. Contains the following character: one of " : < > | * ? \\r \\n \\ /')
    if_none = inp("if-no-files-found", "warn")
    overwrite = inp("overwrite", "false") == "true"
    include_hidden = inp("include-hidden-files", "false") == "true"
    if inp("archive", "true") != "true":
        fail("archive: false (one file uploaded as-is, v7) is not supported by the stand-in.")
    workspace = os.environ.get("GITHUB_WORKSPACE", os.getcwd())

    raw = [line.strip() for line in inp("path").splitlines() if line.strip()]
    if not raw:
        fail("Input required and not supplied: path")
    patterns, excludes = [], []
    for line in raw:
        target = excludes if line.startswith("!") else patterns
        line = os.path.expanduser(line.lstrip("!"))
        target.append(os.path.normpath(os.path.join(workspace, line)))

    files = []
    for pattern in patterns:
        for f in expand(pattern, include_hidden):
            if f not in files:
                files.append(f)
    excluded = set()
    for pattern in excludes:
        excluded.update(expand(pattern, True))
    files = [f for f in files if f not in excluded]

    if not files:
        msg = f"No files were found with the provided path: {chr(10).join(raw)}. No artifacts will be uploaded."
        if if_none == "error":
            fail(msg)
        print(f"::warning title={TAG}::{msg}" if if_none == "warn" else msg)
        return

    roots = [search_root(p) for p in patterns]
    if len(files) == 1 and len(patterns) == 1 and os.path.isfile(patterns[0]):
        root = os.path.dirname(files[0])
    else:
        root = os.path.commonpath(roots)
        if os.path.isfile(root):
            root = os.path.dirname(root)

    dest = os.path.join(store, name)
    if os.path.exists(dest):
        if not overwrite:
            fail(f"Failed to CreateArtifact: an artifact with this name already exists on the workflow run: {name}")
        shutil.rmtree(dest)
    digest = hashlib.sha256()
    for f in sorted(files):
        rel = os.path.relpath(f, root)
        os.makedirs(os.path.dirname(os.path.join(dest, rel)), exist_ok=True)
        shutil.copy2(f, os.path.join(dest, rel))
        digest.update(rel.encode() + b"\0")
        with open(f, "rb") as fh:
            digest.update(hashlib.sha256(fh.read()).digest())

    artifact_id = len(os.listdir(store))
    print(f"[{TAG}] uploaded {len(files)} file(s) as '{name}' to {dest} (root {root})")
    output("artifact-id", artifact_id)
    output("artifact-url", f"file://{dest}")
    output("artifact-digest", digest.hexdigest())


if __name__ == "__main__":
    main()
