"""MLflow logging and the champion rule, against the throwaway store conftest.py sets up."""

import pytest
from mlflow import MlflowClient

import tracking


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


def test_the_champion_moves_only_to_a_model_at_least_as_good(own_params, trained) -> None:
    name = own_params["mlflow"]["registered_model"]
    good = trained.metrics
    worse = {**good, "accuracy": good["accuracy"] - 0.05}
    assert tracking.log_run(own_params, good, trained.model, passed=True).promoted
    logged = tracking.log_run(own_params, worse, trained.model, passed=True)
    assert (logged.version, logged.promoted) == ("2", False)
    assert "below champion version 1" in logged.reason
    assert champion(name) == ("1", good["accuracy"])
    logged = tracking.log_run(own_params, good, trained.model, passed=True)
    assert (logged.version, logged.promoted) == ("3", True)
    assert champion(name) == ("3", good["accuracy"])


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
