"""MLflow logging and the champion rule, against the throwaway store conftest.py sets up."""

import pytest
from mlflow import MlflowClient
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import make_pipeline

import tracking
import train


@pytest.fixture
def own_params(params, request):
    """The params with a registered model of this test's own, so tests do not see each other's champions."""
    return {**params, "mlflow": {**params["mlflow"], "registered_model": f"test-{request.node.name}"}}


def champion(name: str) -> tuple[str, float] | None:
    return tracking.champion_score(MlflowClient(), name)


def test_logs_metrics_and_registers_the_first_passing_model_as_champion(own_params, trained) -> None:
    logged = tracking.log_run(own_params, trained.metrics, trained.model, passed=True)
    run = MlflowClient().get_run(logged.run_id)
    assert run.data.metrics == pytest.approx(trained.metrics)
    assert run.data.params["model.n_estimators"] == str(own_params["model"]["n_estimators"])
    assert run.data.tags["quality_gate"] == "passed"
    assert logged.version == "1"
    assert logged.promoted
    assert champion(own_params["mlflow"]["registered_model"]) == ("1", trained.metrics["accuracy"])


def test_the_champion_moves_only_to_a_model_that_passes_the_regression_gate(own_params, trained) -> None:
    # The rule is gate.py's, on the evaluation set re-scored for both: a model without the petal
    # features regresses; a model with more trees does not, whatever metrics it reports.
    name = own_params["mlflow"]["registered_model"]
    target = own_params["data"]["target"]
    train_rows, _ = train.split(
        train.load_data(train.ROOT / own_params["data"]["path"], target), own_params["data"]["test_size"]
    )
    x, y = train_rows.drop(columns=[target]), train_rows[target]
    sepals_only = make_pipeline(
        ColumnTransformer([("sepals", "passthrough", ["sepal_length", "sepal_width"])]), train.build_model(own_params)
    ).fit(x, y)
    more_trees = train.build_model({**own_params, "model": {**own_params["model"], "n_estimators": 150}}).fit(x, y)

    assert tracking.log_run(own_params, trained.metrics, trained.model, passed=True).promoted
    logged = tracking.log_run(own_params, trained.metrics, sepals_only, passed=True)
    assert (logged.version, logged.promoted) == ("2", False)
    assert "regressed against champion version 1" in logged.reason
    assert "McNemar" in logged.reason
    assert champion(name)[0] == "1"
    logged = tracking.log_run(own_params, trained.metrics, more_trees, passed=True)
    assert (logged.version, logged.promoted) == ("3", True)
    assert "passed the regression gate against champion version 1" in logged.reason
    assert champion(name)[0] == "3"


def test_a_model_that_fails_the_gate_is_registered_but_never_champion(own_params, trained) -> None:
    logged = tracking.log_run(own_params, trained.metrics, trained.model, passed=False)
    assert (logged.version, logged.promoted) == ("1", False)
    assert champion(own_params["mlflow"]["registered_model"]) is None
    version = MlflowClient().get_model_version(own_params["mlflow"]["registered_model"], "1")
    assert version.tags["quality_gate"] == "failed"


def test_register_model_false_only_logs(own_params, trained, monkeypatch) -> None:
    monkeypatch.setenv("REGISTER_MODEL", "false")
    logged = tracking.log_run(own_params, trained.metrics, trained.model, passed=True)
    assert (logged.version, logged.promoted) == (None, False)
    assert MlflowClient().get_run(logged.run_id).data.metrics["accuracy"] == trained.metrics["accuracy"]
    assert champion(own_params["mlflow"]["registered_model"]) is None
