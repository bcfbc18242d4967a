"""The DVC pipeline's stages, run in a temporary directory: the same split, model and metrics as
train.py, plus the predictions DVC plots."""

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

import pipeline
import train


@pytest.fixture(scope="module")
def pipeline_dir(params, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out_dir = tmp_path_factory.mktemp("pipeline")
    pipeline.prepare(params, out_dir)
    pipeline.fit(params, out_dir)
    pipeline.evaluate(params, out_dir)
    return out_dir


def test_prepare_writes_a_stratified_split(pipeline_dir, params, data) -> None:
    target = params["data"]["target"]
    train_df = pd.read_csv(pipeline_dir / params["data"]["prepared"] / pipeline.TRAIN_FILE)
    test_df = pd.read_csv(pipeline_dir / params["data"]["prepared"] / pipeline.TEST_FILE)
    assert len(train_df) + len(test_df) == len(data)
    assert len(test_df) == pytest.approx(len(data) * params["data"]["test_size"], abs=1)
    assert set(test_df[target]) == set(data[target])


def test_metrics_match_train_py(pipeline_dir, params, trained) -> None:
    metrics = json.loads((pipeline_dir / params["outputs"]["metrics"]).read_text(encoding="utf-8"))
    assert metrics == trained.metrics


def test_predictions_for_the_confusion_plot(pipeline_dir, params) -> None:
    predictions = pd.read_csv(pipeline_dir / params["outputs"]["predictions"])
    assert list(predictions.columns) == ["actual", "predicted"]
    assert len(predictions) == len(pd.read_csv(pipeline_dir / params["data"]["prepared"] / pipeline.TEST_FILE))


def test_evaluate_enforces_the_quality_gate(pipeline_dir, params) -> None:
    strict = {**params, "quality_gate": {**params["quality_gate"], "min_accuracy": 1.01}}
    with pytest.raises(train.QualityGateError):
        pipeline.evaluate(strict, pipeline_dir)


def test_dvc_yaml_runs_these_stages() -> None:
    stages = yaml.safe_load((train.ROOT / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    assert list(stages) == list(pipeline.STAGES)
    for name, stage in stages.items():
        assert stage["cmd"] == f"python src/pipeline.py {name}"
