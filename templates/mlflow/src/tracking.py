"""MLflow tracking and model registry: log each training run, register its model, and move the
alias `champion` only to a model that passes the quality gate and the regression gate against the
current champion: src/gate.py's rule, the same as for pull requests and GitHub-release promotion,
with both models scored on today's evaluation set (the same rows).

Runs go to MLFLOW_TRACKING_URI when it is set (a tracking server; in CI it comes from a repository
secret or variable), else to an SQLite database in the project root, `mlflow.db`, with artifacts in
`mlartifacts/`. Browse that one with: mlflow ui --backend-store-uri sqlite:///mlflow.db

REGISTER_MODEL=false logs the run without registering a version or touching the alias (CI sets it
on pull requests, so unmerged code never becomes the champion).
"""

import os
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import mlflow
import mlflow.sklearn
import pandas as pd
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from mlflow.models import infer_signature

import gate
import model_record
import train

ROOT = Path(__file__).resolve().parent.parent
CHAMPION = "champion"
# The metric the quality gate checks.
METRIC = "accuracy"
# MLflow stores scikit-learn models with skops, which refuses types it cannot vouch for. The
# random forest needs this one; we trained the model ourselves, so it is safe to trust. Another
# model type may need others: the error MLflow raises names them.
SKOPS_TRUSTED_TYPES = ["sklearn.tree._tree.Tree"]


@dataclass
class LoggedRun:
    run_id: str
    version: str | None
    """The registered model version, or None when registration is off."""
    promoted: bool
    reason: str


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


def champion_score(client: MlflowClient, name: str) -> tuple[str, float] | None:
    """The champion's version and score, or None when there is no champion yet."""
    try:
        champion = client.get_model_version_by_alias(name, CHAMPION)
    except MlflowException as e:
        if e.error_code in ("RESOURCE_DOES_NOT_EXIST", "INVALID_PARAMETER_VALUE"):
            return None  # no such model, or no such alias
        raise
    score = client.get_run(champion.run_id).data.metrics.get(METRIC)
    return (str(champion.version), score) if score is not None else None


def _paired_scores(model: Any, params: dict[str, Any]) -> pd.DataFrame:
    return train.score(model, params).set_index("row_id").astype(str)


def promote_if_better(
    client: MlflowClient, name: str, candidate: str, model: Any, params: dict[str, Any], passed: bool
) -> tuple[bool, str]:
    """Move the champion alias to version `candidate` if it passed the quality gate and the regression
    gate against the champion, both scored on the current evaluation set; say why."""
    if not passed:
        return False, "it failed the quality gate"
    current = champion_score(client, name)
    if current is not None:
        champion = mlflow.sklearn.load_model(f"models:/{name}@{CHAMPION}")  # trusted types are in the model
        result = gate.paired(
            _paired_scores(champion, params), _paired_scores(model, params), gate.gate_settings(params)
        )
        if result.regressed:
            return False, f"it regressed against champion version {current[0]}: {gate.describe(result)}"
    client.set_registered_model_alias(name, CHAMPION, candidate)
    if current is None:
        return True, "it is the first model to pass the quality gate"
    return True, f"it passed the regression gate against champion version {current[0]}: {gate.describe(result)}"


def log_run(params: dict[str, Any], metrics: dict[str, float], model: Any, passed: bool) -> LoggedRun:
    """Log params, metrics and the model; register it and promote it if it earns it."""
    uri = tracking_uri()
    mlflow.set_tracking_uri(uri)
    experiment = params["mlflow"]["experiment"]
    if mlflow.get_experiment_by_name(experiment) is None:
        mlflow.create_experiment(experiment, artifact_location=_artifact_location(uri))
    mlflow.set_experiment(experiment)
    register = os.environ.get("REGISTER_MODEL", "true").strip().lower() not in ("false", "0", "no")
    name = params["mlflow"]["registered_model"]

    example = _example(params)
    with mlflow.start_run() as run:
        mlflow.log_params(_flatten({k: v for k, v in params.items() if k != "mlflow"}))
        mlflow.log_metrics(metrics)
        mlflow.set_tag("quality_gate", "passed" if passed else "failed")
        mlflow.log_dict(model_record.build(params, metrics), "model.record.json")
        info = mlflow.sklearn.log_model(
            model,
            name="model",
            signature=infer_signature(example, model.predict(example)),
            # Listed rather than inferred: inference re-imports the model in a subprocess (slow).
            pip_requirements=[f"{p}=={version(p)}" for p in ("scikit-learn", "numpy", "pandas", "skops")],
            skops_trusted_types=SKOPS_TRUSTED_TYPES,
            registered_model_name=name if register else None,
        )

    if not register:
        logged = LoggedRun(run.info.run_id, None, False, "registration is off (REGISTER_MODEL=false)")
    else:
        client = MlflowClient()
        model_version = str(info.registered_model_version)
        client.set_model_version_tag(name, model_version, "quality_gate", "passed" if passed else "failed")
        promoted, reason = promote_if_better(client, name, model_version, model, params, passed)
        logged = LoggedRun(run.info.run_id, model_version, promoted, reason)
    where = "MLFLOW_TRACKING_URI" if os.environ.get("MLFLOW_TRACKING_URI") else "mlflow.db"
    if logged.version is None:
        print(f"MLflow: logged run {logged.run_id} to {where}; {logged.reason}")
    else:
        verdict = f"now {CHAMPION}" if logged.promoted else f"not {CHAMPION}"
        print(f"MLflow: logged run {logged.run_id} to {where}; {name} version {logged.version} is {verdict}")
        print(f"  because {logged.reason}")
    return logged
