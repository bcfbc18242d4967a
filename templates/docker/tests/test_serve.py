"""The HTTP API of src/serve.py, through FastAPI's TestClient, with a model trained by the tests."""

import pytest
from fastapi.testclient import TestClient

from serve import create_app


@pytest.fixture(scope="module")
def client(trained):
    with TestClient(create_app(trained.model_path)) as client:
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
