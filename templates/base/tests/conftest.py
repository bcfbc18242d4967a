"""Shared fixtures. Tests train into temporary directories, so they never depend on
(or overwrite) the outputs of an earlier `python src/train.py`."""

from pathlib import Path
from typing import Any

import pytest

import train


@pytest.fixture(scope="session")
def params() -> dict[str, Any]:
    return train.load_params()


@pytest.fixture(scope="session")
def data(params: dict[str, Any]):
    return train.load_data(train.ROOT / params["data"]["path"], params["data"]["target"])


@pytest.fixture(scope="session")
def trained(params: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> train.TrainResult:
    out_dir: Path = tmp_path_factory.mktemp("run")
    return train.train(params, out_dir)
