"""The DVC pipeline's stages, run in a temporary directory: the same split, model and metrics as
train.py, plus the predictions DVC plots."""

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

import model_record
import pipeline
import train


@pytest.fixture(scope="module")
def pipeline_dir(params, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out_dir = tmp_path_factory.mktemp("pipeline")
    pipeline.prepare(params, out_dir)
    pipeline.fit(params, out_dir)
    pipeline.evaluate(params, out_dir)
    return out_dir


def test_prepare_writes_train_py_s_split(pipeline_dir, params, data) -> None:
    train_rows, eval_rows = train.split(data, params["data"]["test_size"])
    train_df = pipeline.load_split(params, pipeline.TRAIN_FILE, pipeline_dir)
    test_df = pipeline.load_split(params, pipeline.TEST_FILE, pipeline_dir)
    assert list(train_df.index) == list(train_rows.index)
    assert list(test_df.index) == list(eval_rows.index)


def test_metrics_match_train_py(pipeline_dir, params, trained) -> None:
    metrics = json.loads((pipeline_dir / params["outputs"]["metrics"]).read_text(encoding="utf-8"))
    assert metrics == trained.metrics


def test_predictions_match_train_py(pipeline_dir, params, trained) -> None:
    # The same rows, ids and predictions, so gate.py pairs a DVC run with a train.py run too.
    predictions = pd.read_csv(pipeline_dir / params["outputs"]["predictions"])
    assert list(predictions.columns) == ["row_id", "actual", "predicted"]
    assert predictions.equals(pd.read_csv(trained.predictions_path))


def test_evaluate_enforces_the_quality_gate(pipeline_dir, params) -> None:
    strict = {**params, "quality_gate": {**params["quality_gate"], "min_accuracy": 1.01}}
    with pytest.raises(train.QualityGateError):
        pipeline.evaluate(strict, pipeline_dir)


def test_dvc_yaml_runs_these_stages() -> None:
    stages = yaml.safe_load((train.ROOT / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    assert list(stages) == list(pipeline.STAGES)
    for name, stage in stages.items():
        assert stage["cmd"] == f"python src/pipeline.py {name}"


def test_evaluate_declares_the_model_record_it_writes(pipeline_dir, params) -> None:
    # A stage's undeclared file is neither cached nor re-created when missing: CI's retrain, which
    # promotes by the record, would find none after DVC skipped the stage.
    evaluate = yaml.safe_load((train.ROOT / "dvc.yaml").read_text(encoding="utf-8"))["stages"]["evaluate"]
    record = model_record.path_for(Path(params["outputs"]["model"]))
    assert record.as_posix() in evaluate["outs"]
    assert (pipeline_dir / record).is_file()
