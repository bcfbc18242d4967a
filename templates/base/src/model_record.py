"""The model's record: what a model file was trained from, written beside it at training.

    python src/model_record.py show [MODEL]     # the record of MODEL (default: params.yaml's outputs.model)
    python src/model_record.py tag [MODEL]      # its release tag, model-<id>
    python src/model_record.py labels [MODEL]   # its OCI image labels, one key=value a line

Training writes `<model>.record.json` (models/model.record.json by default) with the commit, the
sha256 of the training data file (and its DVC md5 when DVC tracks it), the sha256 of params.yaml's
settings, the library versions, the metrics and the model file's sha256. The model's id is a hash of
commit, data and params: the same three always give the same id, so retraining what the champion was
trained from gives the champion's id, and promotion (the Retrain workflow) skips it instead of
releasing a duplicate. The release tag `model-<id>` follows from it, so re-running a promotion finds
its release instead of failing on "tag exists". The serving app shows the record at /version, and
the image carries it as labels.
"""

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LIBRARIES = ("scikit-learn", "numpy", "pandas", "scipy", "joblib")
LABEL_PREFIX = "io.create-ml-ci-cd.model"
TAG_PREFIX = "model-"


class RecordError(Exception):
    """No record, or one that cannot be read."""


def path_for(model_path: Path) -> Path:
    """Where the record of `model_path` lives: beside it, models/model.joblib -> models/model.record.json."""
    return model_path.with_suffix(".record.json")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def params_sha256(params: dict[str, Any]) -> str:
    """A hash of the settings themselves, not of the file: comments and key order do not count."""
    return hashlib.sha256(json.dumps(params, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def commit(root: Path) -> str:
    """The commit checked out in `root`, else GitHub Actions' GITHUB_SHA, else "unknown"."""
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        done = None
    if done is not None and done.returncode == 0:
        return done.stdout.strip()
    return os.environ.get("GITHUB_SHA") or "unknown"


def libraries() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            continue
    return found


def dvc_md5(root: Path, data_path: str) -> str | None:
    """The md5 DVC recorded for `data_path` in its `.dvc` file (after `dvc add`); None when git tracks it."""
    try:
        text = (root / f"{data_path}.dvc").read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    import yaml  # only here: serving reads records, it never builds one

    outs = (yaml.safe_load(text) or {}).get("outs") or []
    return next((o["md5"] for o in outs if o.get("path") == Path(data_path).name and "md5" in o), None)


def model_id(commit_sha: str, data_sha: str, params_sha: str) -> str:
    return hashlib.sha256(f"{commit_sha}\n{data_sha}\n{params_sha}".encode()).hexdigest()[:12]


def build(
    params: dict[str, Any], metrics: dict[str, float], model_path: Path | None = None, root: Path = ROOT
) -> dict[str, Any]:
    """The record of a model trained with `params` on the data file they name, from `root`'s commit."""
    sha, data_path = commit(root), params["data"]["path"]
    data_sha, params_sha = sha256_file(root / data_path), params_sha256(params)
    record: dict[str, Any] = {"id": model_id(sha, data_sha, params_sha), "commit": sha}
    record["data"] = {"path": data_path, "sha256": data_sha}
    if (md5 := dvc_md5(root, data_path)) is not None:
        record["data"]["dvc_md5"] = md5  # the version `dvc pull` fetched: find it with `git log -S <md5>`
    record["params_sha256"] = params_sha
    record["libraries"] = libraries()
    record["metrics"] = dict(sorted(metrics.items()))
    if model_path is not None:
        record["model_sha256"] = sha256_file(model_path)
    return record


def write(params: dict[str, Any], metrics: dict[str, float], model_path: Path, root: Path = ROOT) -> Path:
    """Write the record of the model just saved at `model_path`; returns its path."""
    target = path_for(model_path)
    target.write_text(json.dumps(build(params, metrics, model_path, root), indent=2) + "\n", encoding="utf-8")
    return target


def read(model_path: Path) -> dict[str, Any]:
    path = path_for(model_path)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RecordError(f"no model record at {path}: train the model first (python src/train.py)") from None
    except json.JSONDecodeError as e:
        raise RecordError(f"{path} is not JSON: {e}") from None
    if not isinstance(record, dict) or not isinstance(record.get("id"), str):
        raise RecordError(f"{path} has no model id: retrain to write a new record")
    return record


def tag(record: dict[str, Any]) -> str:
    """The release tag of the model: one per model, whatever run promotes it."""
    return f"{TAG_PREFIX}{record['id']}"


def labels(record: dict[str, Any]) -> dict[str, str]:
    """OCI labels for an image serving this model."""
    found = {
        "org.opencontainers.image.revision": record["commit"],
        "org.opencontainers.image.version": tag(record),
        f"{LABEL_PREFIX}.id": record["id"],
        f"{LABEL_PREFIX}.data-sha256": record["data"]["sha256"],
        f"{LABEL_PREFIX}.params-sha256": record["params_sha256"],
    }
    if "model_sha256" in record:
        found[f"{LABEL_PREFIX}.sha256"] = record["model_sha256"]
    for name, value in record.get("metrics", {}).items():
        found[f"{LABEL_PREFIX}.metrics.{name}"] = f"{value:.6g}"
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["show", "tag", "labels"])
    parser.add_argument("model", nargs="?", type=Path, help="model file (default: params.yaml's outputs.model)")
    args = parser.parse_args(argv)
    model = args.model
    if model is None:
        import yaml  # only here: with a model path the record needs nothing beyond the standard library

        with open(ROOT / "params.yaml", encoding="utf-8") as f:
            model = ROOT / yaml.safe_load(f)["outputs"]["model"]
    try:
        record = read(model)
    except RecordError as e:
        print(f"model_record: {e}", file=sys.stderr)
        return 1
    if args.command == "show":
        print(json.dumps(record, indent=2))
    elif args.command == "tag":
        print(tag(record))
    else:
        print("\n".join(f"{k}={v}" for k, v in labels(record).items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
