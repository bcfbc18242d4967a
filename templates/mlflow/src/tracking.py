"""MLflow tracking and model registry: log each training run and register its model, tagged with
the model record's id; mirror the champion onto the alias `champion`.

The champion is the newest `model-<id>` GitHub release that is not on hold, in every mode: the
Retrain workflow promotes by src/gate.py's rule (the same as for pull requests), and
src/rollback.py rolls back there. That survives every run; a CI runner's mlflow.db does not. With a
tracking server, `python src/tracking.py champion model-<id>` (run by the Retrain workflow after a
promotion, and by src/rollback.py) points the alias at the version registered from that model, so
the registry always shows the model that is served.

Runs go to MLFLOW_TRACKING_URI when it is set (a tracking server; in CI it comes from a repository
secret or variable), else to an SQLite database in the project root, `mlflow.db`, with artifacts in
`mlartifacts/`. Browse that one with: mlflow ui --backend-store-uri sqlite:///mlflow.db

REGISTER_MODEL=false logs the run without registering a version (CI sets it everywhere but the
Retrain workflow on main, so only a model that may be promoted gets a version).

    python src/tracking.py champion model-<id>   # point `champion` at that model's version
"""

import argparse
import os
import sys
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import mlflow
import mlflow.sklearn
import pandas as pd
import yaml
from mlflow import MlflowClient
from mlflow.models import infer_signature

import model_record

ROOT = Path(__file__).resolve().parent.parent
CHAMPION = "champion"
# The version tag that names the model record's id, which the release tag model-<id> carries.
MODEL_ID = "model_id"
# MLflow stores scikit-learn models with skops, which refuses types it cannot vouch for. The
# random forest needs this one; we trained the model ourselves, so it is safe to trust. Another
# model type may need others: the error MLflow raises names them.
SKOPS_TRUSTED_TYPES = ["sklearn.tree._tree.Tree"]


@dataclass
class LoggedRun:
    run_id: str
    version: str | None
    """The registered model version, or None when registration is off."""


def tracking_uri() -> str:
    return os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{(ROOT / 'mlflow.db').as_posix()}"


def _artifact_location(uri: str) -> str | None:
    """Keep a local SQLite store's artifacts beside the database, whatever the working directory."""
    if not uri.startswith("sqlite:///"):
        return None  # a tracking server decides where artifacts go
    database = Path(uri.removeprefix("sqlite:///")).resolve()
    return (database.parent / "mlartifacts").as_uri()


def _flatten(params: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _example(params: dict[str, Any]) -> pd.DataFrame:
    target = params["data"]["target"]
    return pd.read_csv(ROOT / params["data"]["path"], nrows=5).drop(columns=[target])


def version_of(client: MlflowClient, name: str, model_id: str) -> str | None:
    """The newest registered version of `name` trained as model `model_id`, or None."""
    found = client.search_model_versions(f"name = '{name}' and tags.{MODEL_ID} = '{model_id}'")
    return max((str(v.version) for v in found), key=int, default=None)


def point_champion(name: str, tag: str) -> str:
    """Point the alias `champion` of `name` at the version registered from release `tag`; return it."""
    model_id = tag.removeprefix(model_record.TAG_PREFIX)
    mlflow.set_tracking_uri(tracking_uri())
    client = MlflowClient()
    found = version_of(client, name, model_id)
    if found is None:
        where = tracking_uri()
        raise LookupError(f"no version of {name!r} in {where} was registered from {tag} ({MODEL_ID} {model_id})")
    client.set_registered_model_alias(name, CHAMPION, found)
    return found


def log_run(params: dict[str, Any], metrics: dict[str, float], model: Any, passed: bool) -> LoggedRun:
    """Log params, metrics and the model; register a model that passed the quality gate (unless
    REGISTER_MODEL=false), tagged with its record's id."""
    uri = tracking_uri()
    # Before set_tracking_uri, which exports MLFLOW_TRACKING_URI for subprocesses.
    where = "MLFLOW_TRACKING_URI" if os.environ.get("MLFLOW_TRACKING_URI") else "mlflow.db"
    mlflow.set_tracking_uri(uri)
    experiment = params["mlflow"]["experiment"]
    if mlflow.get_experiment_by_name(experiment) is None:
        mlflow.create_experiment(experiment, artifact_location=_artifact_location(uri))
    mlflow.set_experiment(experiment)
    register = os.environ.get("REGISTER_MODEL", "true").strip().lower() not in ("false", "0", "no")
    name = params["mlflow"]["registered_model"]

    example = _example(params)
    record = model_record.build(params, metrics)
    with mlflow.start_run() as run:
        mlflow.log_params(_flatten({k: v for k, v in params.items() if k != "mlflow"}))
        mlflow.log_metrics(metrics)
        mlflow.set_tags({"quality_gate": "passed" if passed else "failed", MODEL_ID: record["id"]})
        mlflow.log_dict(record, "model.record.json")
        info = mlflow.sklearn.log_model(
            model,
            name="model",
            signature=infer_signature(example, model.predict(example)),
            # Listed rather than inferred: inference re-imports the model in a subprocess (slow).
            pip_requirements=[f"{p}=={version(p)}" for p in ("scikit-learn", "numpy", "pandas", "skops")],
            skops_trusted_types=SKOPS_TRUSTED_TYPES,
            registered_model_name=name if register and passed else None,
        )

    logged = LoggedRun(run.info.run_id, str(info.registered_model_version) if register and passed else None)
    if logged.version is not None:
        client = MlflowClient()
        client.set_model_version_tag(name, logged.version, MODEL_ID, record["id"])
    registered = f"registered {name} version {logged.version}" if logged.version else "registered nothing"
    print(f"MLflow: logged run {logged.run_id} to {where} ({MODEL_ID} {record['id']}); {registered}")
    return logged


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Mirror the champion release onto the MLflow alias.")
    commands = parser.add_subparsers(dest="command", required=True)
    champion = commands.add_parser("champion", help=f"point the alias {CHAMPION!r} at release TAG's version")
    champion.add_argument("tag", metavar="TAG", help=f"a {model_record.TAG_PREFIX}<id> release tag")
    champion.add_argument("--params", type=Path, default=ROOT / "params.yaml", help="parameters file")
    args = parser.parse_args(argv)
    if not os.environ.get("MLFLOW_TRACKING_URI"):
        print(f"MLflow: no tracking server (MLFLOW_TRACKING_URI): {args.tag} is the champion as a GitHub release only.")
        return 0
    with open(args.params, encoding="utf-8") as f:
        name = yaml.safe_load(f)["mlflow"]["registered_model"]
    try:
        found = point_champion(name, args.tag)
    except LookupError as e:
        print(f"MLflow: {e}", file=sys.stderr)
        return 1
    print(f"MLflow: {name} version {found} ({args.tag}) is now {CHAMPION}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
