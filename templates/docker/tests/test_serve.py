"""The HTTP API of src/serve.py, through FastAPI's TestClient, with a model trained by the tests."""

import json
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

import contract
import drift
from serve import PredictionLog, accepted_range, create_app

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def log_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("predictions")


@pytest.fixture(scope="module")
def client(trained, log_dir):
    with TestClient(create_app(trained.model_path, PredictionLog(log_dir, clock=lambda: NOW))) as client:
        yield client


def test_health(client, data, params) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    target = params["data"]["target"]
    assert response.json() == {
        "status": "ok",
        "features": [c for c in data.columns if c != target],
        "classes": sorted(data[target].unique()),
    }


def test_predicts_class_names(client, trained, data, params) -> None:
    rows = data.drop(columns=[params["data"]["target"]]).head(5)
    response = client.post("/predict", json={"instances": rows.to_numpy().tolist()})
    assert response.status_code == 200
    assert response.json() == {"predictions": [str(p) for p in trained.model.predict(rows)]}
    assert set(response.json()["predictions"]) <= set(data[params["data"]["target"]])


def test_accepts_integers(client) -> None:
    response = client.post("/predict", json={"instances": [[5, 3, 1, 0]]})
    assert response.status_code == 200
    assert len(response.json()["predictions"]) == 1


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({}, "Field required"),
        ({"instances": []}, "at least 1 item"),
        ({"instances": [[5.1, 3.5, 1.4]]}, "expected 4 numbers"),
        ({"instances": [[5.1, 3.5, 1.4, 0.2, 9.9]]}, "expected 4 numbers"),
        ({"instances": [["5.1", 3.5, 1.4, 0.2]]}, "valid number"),
        ({"instances": [[True, 3.5, 1.4, 0.2]]}, "valid number"),
        ({"instances": [[5.1, 3.5, 1.4, 0.2]], "extra": 1}, "Extra inputs are not permitted"),
        ({"instances": [[5.1, 3.5, 1.4, 0.2]] * 1001}, "at most 1000 items"),
        ([[5.1, 3.5, 1.4, 0.2]], "valid dictionary"),
    ],
)
def test_rejects_bad_payloads(client, payload, message) -> None:
    response = client.post("/predict", json=payload)
    assert response.status_code == 422
    assert message in response.text


def test_accepts_named_features(client) -> None:
    named = dict(zip(contract.feature_names(), [5.1, 3.5, 1.4, 0.2], strict=True))
    response = client.post("/predict", json={"instances": [named, [5.1, 3.5, 1.4, 0.2]]})
    assert response.status_code == 200
    assert response.json()["predictions"][0] == response.json()["predictions"][1]


@pytest.mark.parametrize(
    ("instance", "field", "message"),
    [
        ([-1e308, 1e308, 0, 0], "sepal_length", "sepal_length must be between"),
        ([5.1, 3.5, 1.4, 40.0], "petal_width", "petal_width must be between"),
        ({"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4}, "petal_width", "Field required"),
        (
            {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2, "x": 1},
            "x",
            "not a feature",
        ),
    ],
)
def test_out_of_range_or_wrong_fields_get_422_naming_the_field(client, instance, field, message) -> None:
    response = client.post("/predict", json={"instances": [[5.1, 3.5, 1.4, 0.2], instance]})
    assert response.status_code == 422
    errors = response.json()["detail"]
    assert any(e["loc"] == ["body", "instances", 1, field] and message in e["msg"] for e in errors), errors


def test_accepted_range_is_the_contract_s_with_a_margin() -> None:
    feature = contract.FEATURES[0]
    low, high = accepted_range(feature)
    assert low < feature.min < feature.max < high
    assert high - feature.max == pytest.approx(0.1 * (feature.max - feature.min))


def test_logs_the_features_and_predictions_in_batches(trained, tmp_path) -> None:
    with TestClient(create_app(trained.model_path, PredictionLog(tmp_path, clock=lambda: NOW))) as client:
        for _ in range(3):
            assert client.post("/predict", json={"instances": [[5.1, 3.5, 1.4, 0.2]]}).status_code == 200
        assert client.post("/predict", json={"instances": [[-5, 3.5, 1.4, 0.2]]}).status_code == 422
        assert not list(tmp_path.iterdir())  # still buffered: fewer than a batch, within the interval
    records = [json.loads(line) for line in (tmp_path / "2026-03-01.jsonl").read_text().splitlines()]
    assert len(records) == 3  # flushed at shutdown; the refused request is not logged
    assert records[0]["features"] == dict(zip(contract.feature_names(), [5.1, 3.5, 1.4, 0.2], strict=True))
    assert set(records[0]) == {"ts", "features", "prediction", "model"}
    assert records[0]["ts"] == NOW.isoformat()


def test_the_drift_check_reads_what_the_server_logs(trained, tmp_path, data, params) -> None:
    with TestClient(create_app(trained.model_path, PredictionLog(tmp_path, clock=lambda: NOW))) as client:
        rows = data.drop(columns=[params["data"]["target"]]).head(10).to_numpy().tolist()
        assert client.post("/predict", json={"instances": rows}).status_code == 200
    assert len(drift.read_recent([tmp_path / "2026-03-01.jsonl"], params["data"]["target"], None)) == 10


def test_rejects_nan(client) -> None:
    payload = '{"instances": [[NaN, 3.5, 1.4, 0.2]]}'
    response = client.post("/predict", content=payload, headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert "finite number" in response.text


def test_rejects_invalid_json(client) -> None:
    response = client.post("/predict", content="{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert "JSON decode error" in response.text


# Lifecycle endpoints: the probes and the model's record.


def test_liveness_and_readiness(client) -> None:
    assert client.get("/livez").json() == {"status": "alive"}
    assert client.get("/readyz").json() == {"status": "ready"}


def test_readiness_fails_until_the_model_is_loaded(trained) -> None:
    app = create_app(trained.model_path)
    with TestClient(app) as loaded:
        del loaded.app.state.model
        response = loaded.get("/readyz")
        assert response.status_code == 503
        assert loaded.get("/livez").status_code == 200


def test_version_shows_the_model_record(client, trained) -> None:
    import model_record

    response = client.get("/version")
    assert response.status_code == 200
    assert response.json() == model_record.read(trained.model_path)


def test_version_without_a_record_is_404(trained, tmp_path) -> None:
    import shutil

    model = tmp_path / "model.joblib"
    shutil.copy(trained.model_path, model)
    with TestClient(create_app(model)) as bare:
        response = bare.get("/version")
    assert response.status_code == 404
    assert "model.record.json" in response.text
