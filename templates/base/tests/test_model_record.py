"""The model record written beside the model at training: what it holds, and what makes a model new."""

import copy
import hashlib
import json
import subprocess
import sys

import pytest

import model_record
from train import ROOT


def test_training_writes_the_record_beside_the_model(trained, params) -> None:
    path = model_record.path_for(trained.model_path)
    assert path.parent == trained.model_path.parent
    record = json.loads(path.read_text(encoding="utf-8"))
    assert record == model_record.read(trained.model_path)
    assert record["metrics"] == trained.metrics
    assert record["model_sha256"] == hashlib.sha256(trained.model_path.read_bytes()).hexdigest()
    data = ROOT / params["data"]["path"]
    expected = {"path": params["data"]["path"], "sha256": hashlib.sha256(data.read_bytes()).hexdigest()}
    if (data.parent / f"{data.name}.dvc").exists():  # moved into DVC: the version it pulled, too
        expected["dvc_md5"] = hashlib.md5(data.read_bytes()).hexdigest()
    assert record["data"] == expected
    assert record["params_sha256"] == model_record.params_sha256(params)
    assert record["commit"] == model_record.commit(ROOT)
    assert record["commit"]
    assert {"python", "scikit-learn", "numpy", "pandas", "joblib"} <= set(record["libraries"])
    assert record["id"] == model_record.model_id(record["commit"], record["data"]["sha256"], record["params_sha256"])


def test_same_commit_data_and_params_give_the_same_id(params) -> None:
    first = model_record.build(params, {"accuracy": 0.9})
    again = model_record.build(copy.deepcopy(params), {"accuracy": 0.8})
    assert first["id"] == again["id"]
    assert model_record.tag(first) == f"model-{first['id']}"


def test_a_changed_setting_data_or_commit_is_a_new_model(params, tmp_path) -> None:
    base = model_record.build(params, {})
    changed = copy.deepcopy(params)
    changed["model"]["n_estimators"] += 1
    assert model_record.build(changed, {})["id"] != base["id"]
    assert model_record.model_id("0" * 40, base["data"]["sha256"], base["params_sha256"]) != base["id"]
    assert model_record.model_id(base["commit"], "0" * 64, base["params_sha256"]) != base["id"]


def test_data_tracked_by_dvc_is_recorded_with_its_dvc_md5(params, tmp_path) -> None:
    path = params["data"]["path"]
    assert model_record.dvc_md5(tmp_path, path) is None
    (tmp_path / path).parent.mkdir(parents=True)
    name = (tmp_path / path).name
    dvc_file = f"outs:\n- md5: 0123abcd\n  size: 10\n  hash: md5\n  path: {name}\n"
    (tmp_path / f"{path}.dvc").write_text(dvc_file, encoding="utf-8")
    assert model_record.dvc_md5(tmp_path, path) == "0123abcd"


def test_params_hash_ignores_key_order(params) -> None:
    reordered = dict(reversed(list(params.items())))
    assert model_record.params_sha256(reordered) == model_record.params_sha256(params)


def test_labels_carry_the_identity(trained) -> None:
    record = model_record.read(trained.model_path)
    labels = model_record.labels(record)
    assert labels["org.opencontainers.image.revision"] == record["commit"]
    assert labels["org.opencontainers.image.version"] == model_record.tag(record)
    assert labels[f"{model_record.LABEL_PREFIX}.id"] == record["id"]
    assert labels[f"{model_record.LABEL_PREFIX}.sha256"] == record["model_sha256"]
    assert labels[f"{model_record.LABEL_PREFIX}.metrics.accuracy"] == f"{record['metrics']['accuracy']:.6g}"


def test_cli_prints_tag_and_labels(trained) -> None:
    record = model_record.read(trained.model_path)
    script = [sys.executable, str(ROOT / "src" / "model_record.py")]
    tag = subprocess.run([*script, "tag", str(trained.model_path)], capture_output=True, text=True, check=True)
    assert tag.stdout == f"model-{record['id']}\n"
    labels = subprocess.run([*script, "labels", str(trained.model_path)], capture_output=True, text=True, check=True)
    assert f"{model_record.LABEL_PREFIX}.id={record['id']}" in labels.stdout.splitlines()


def test_missing_or_broken_record_is_one_line_and_exit_1(tmp_path) -> None:
    model = tmp_path / "model.joblib"
    with pytest.raises(model_record.RecordError, match="no model record"):
        model_record.read(model)
    done = subprocess.run(
        [sys.executable, str(ROOT / "src" / "model_record.py"), "tag", str(model)], capture_output=True, text=True
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "no model record" in done.stderr
    model_record.path_for(model).write_text("{}", encoding="utf-8")
    with pytest.raises(model_record.RecordError, match="no model id"):
        model_record.read(model)
    assert list(tmp_path.iterdir()) == [model_record.path_for(model)]
