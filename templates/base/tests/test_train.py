"""Training works, meets the quality gate, and produces a model that can be reloaded."""

import copy
import json
import subprocess
import sys

import joblib
import pandas as pd
import pytest
import yaml

from train import ROOT, eval_set_id, main, split, train


def test_writes_model_and_metrics(trained) -> None:
    assert trained.model_path.is_file()
    metrics = json.loads(trained.metrics_path.read_text(encoding="utf-8"))
    assert metrics == trained.metrics
    assert set(metrics) >= {"accuracy", "f1_macro"}
    assert all(0.0 <= value <= 1.0 for value in metrics.values())


def test_prediction_shape(trained, data, params) -> None:
    target = params["data"]["target"]
    predictions = trained.model.predict(data.drop(columns=[target]).head(5))
    assert predictions.shape == (5,)
    assert set(predictions) <= set(data[target])


def test_accuracy_meets_minimum(trained, params) -> None:
    assert trained.metrics["accuracy"] >= params["quality_gate"]["min_accuracy"]


def test_saved_model_loads_and_predicts(trained, data, params) -> None:
    features = data.drop(columns=[params["data"]["target"]])
    loaded = joblib.load(trained.model_path)
    assert (loaded.predict(features) == trained.model.predict(features)).all()


def test_training_is_reproducible(trained, params, tmp_path) -> None:
    assert train(params, tmp_path).metrics == trained.metrics


def test_main_passes_the_gate(params, tmp_path, capsys) -> None:
    params_file = tmp_path / "params.yaml"
    params_file.write_text(yaml.safe_dump(params), encoding="utf-8")
    assert main(["--params", str(params_file), "--out-dir", str(tmp_path)]) == 0
    assert "accuracy:" in capsys.readouterr().out
    assert (tmp_path / params["outputs"]["model"]).is_file()


def test_quality_gate_fails_when_minimum_is_impossible(params, tmp_path) -> None:
    strict = copy.deepcopy(params)
    strict["quality_gate"]["min_accuracy"] = 1.01
    params_file = tmp_path / "params.yaml"
    params_file.write_text(yaml.safe_dump(strict), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(ROOT / "src" / "train.py"), "--params", str(params_file), "--out-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "Quality gate failed" in result.stderr


def test_evaluation_set_does_not_move_when_rows_are_appended_or_shuffled(data, params) -> None:
    fraction = params["data"]["test_size"]
    _, eval_rows = split(data, fraction)
    assert len(eval_rows) == pytest.approx(len(data) * fraction, rel=0.35)
    more = data.sample(20, random_state=1).assign(sepal_length=lambda d: d.sepal_length + 0.01)
    _, grown_eval = split(pd.concat([data, more]).sample(frac=1, random_state=2), fraction)
    # Every old evaluation row is still held out, and no old training row became an evaluation row.
    assert set(eval_rows.index) <= set(grown_eval.index)
    assert not set(grown_eval.index) & set(split(data, fraction)[0].index)
    assert eval_set_id(split(data.sample(frac=1, random_state=3), fraction)[1].index) == eval_set_id(eval_rows.index)


def test_predictions_cover_the_evaluation_set(trained, data, params) -> None:
    scored = pd.read_csv(trained.predictions_path)
    _, eval_rows = split(data, params["data"]["test_size"])
    assert list(scored.columns) == ["row_id", "actual", "predicted"]
    assert list(scored.row_id) == list(eval_rows.index)
    assert (scored.actual == scored.predicted).mean() == pytest.approx(trained.metrics["accuracy"])
    assert trained.eval_set == eval_set_id(scored.row_id)
