"""Print what an MLflow store holds for a generated project, as JSON: its runs (newest first, with
metrics and tags) and the registered model version behind the alias `champion`.

Usage: python verify/checks/mlflow-state.py <project-dir>   (uses MLFLOW_TRACKING_URI if set,
else the project's default store, mlflow.db)
"""

import json
import os
import sys
from pathlib import Path

import yaml
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

project = Path(sys.argv[1]).resolve()
params = yaml.safe_load((project / "params.yaml").read_text(encoding="utf-8"))["mlflow"]
uri = os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{(project / 'mlflow.db').as_posix()}"
client = MlflowClient(tracking_uri=uri, registry_uri=uri)

experiment = client.get_experiment_by_name(params["experiment"])
runs = []
if experiment is not None:
    for run in client.search_runs([experiment.experiment_id], order_by=["attributes.start_time DESC"]):
        runs.append(
            {
                "run_id": run.info.run_id,
                "metrics": run.data.metrics,
                "tags": {k: v for k, v in run.data.tags.items() if not k.startswith("mlflow.")},
            }
        )
try:
    champion = client.get_model_version_by_alias(params["registered_model"], "champion")
    champion = {"version": str(champion.version), "run_id": champion.run_id, "tags": champion.tags}
except MlflowException:
    champion = None
print(json.dumps({"runs": runs, "champion": champion}))
