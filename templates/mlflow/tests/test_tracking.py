"""MLflow logging, registration and the champion mirror, against the throwaway store conftest.py sets up."""

import pytest
import yaml
from mlflow import MlflowClient

import model_record
import tracking


@pytest.fixture
def own_params(params, request):
    """The params with a registered model of this test's own, so tests do not see each other's versions."""
    return {**params, "mlflow": {**params["mlflow"], "registered_model": f"test-{request.node.name}"}}


def test_logs_metrics_and_registers_a_passing_model_tagged_with_its_id(own_params, trained) -> None:
    logged = tracking.log_run(own_params, trained.metrics, trained.model, passed=True)
    client = MlflowClient()
    run = client.get_run(logged.run_id)
    model_id = model_record.build(own_params, trained.metrics)["id"]
    assert run.data.metrics == pytest.approx(trained.metrics)
    assert run.data.params["model.n_estimators"] == str(own_params["model"]["n_estimators"])
    assert run.data.tags["quality_gate"] == "passed"
    assert run.data.tags[tracking.MODEL_ID] == model_id
    assert logged.version == "1"
    version = client.get_model_version(own_params["mlflow"]["registered_model"], "1")
    assert version.tags[tracking.MODEL_ID] == model_id
    # Training never moves the alias: promotion (a release) does.
    assert client.get_registered_model(own_params["mlflow"]["registered_model"]).aliases == {}


def test_a_model_that_fails_the_gate_is_logged_not_registered(own_params, trained) -> None:
    logged = tracking.log_run(own_params, trained.metrics, trained.model, passed=False)
    assert logged.version is None
    assert MlflowClient().get_run(logged.run_id).data.tags["quality_gate"] == "failed"


def test_register_model_false_only_logs(own_params, trained, monkeypatch) -> None:
    monkeypatch.setenv("REGISTER_MODEL", "false")
    logged = tracking.log_run(own_params, trained.metrics, trained.model, passed=True)
    assert logged.version is None
    assert MlflowClient().get_run(logged.run_id).data.metrics["accuracy"] == trained.metrics["accuracy"]


def test_champion_points_the_alias_at_the_release_s_version(own_params, trained, tmp_path, capsys) -> None:
    name = own_params["mlflow"]["registered_model"]
    tags = []
    for trees in (100, 150, 100):  # the third retrains the first's settings: the same id, a newer version
        settings = {**own_params, "model": {**own_params["model"], "n_estimators": trees}}
        tracking.log_run(settings, trained.metrics, trained.model, passed=True)
        tags.append(model_record.tag(model_record.build(settings, trained.metrics)))
    assert tags[0] == tags[2] != tags[1]
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(own_params), encoding="utf-8")
    champion = ["--params", str(tmp_path / "params.yaml")]

    def alias() -> str:
        return str(MlflowClient().get_model_version_by_alias(name, tracking.CHAMPION).version)

    assert tracking.main(["champion", tags[1], *champion]) == 0
    assert alias() == "2"
    assert tracking.main(["champion", tags[0], *champion]) == 0
    assert alias() == "3"
    assert f"version 3 ({tags[0]}) is now champion" in capsys.readouterr().out

    assert tracking.main(["champion", "model-000000000000", *champion]) == 1
    assert "was registered from model-000000000000" in capsys.readouterr().err
    assert alias() == "3"


def test_champion_without_a_tracking_server_leaves_the_release_alone(monkeypatch, capsys) -> None:
    monkeypatch.delenv("MLFLOW_TRACKING_URI")
    assert tracking.main(["champion", "model-000000000000"]) == 0
    assert "no tracking server" in capsys.readouterr().out
