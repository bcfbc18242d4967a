"""The training data has the shape and content the model expects."""

import pandas as pd
import pytest

import train

FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]


def test_columns(data: pd.DataFrame, params) -> None:
    assert list(data.columns) == [*FEATURES, params["data"]["target"]]


def test_row_count(data: pd.DataFrame) -> None:
    assert len(data) == 150


def test_three_classes(data: pd.DataFrame, params) -> None:
    assert sorted(data[params["data"]["target"]].unique()) == ["setosa", "versicolor", "virginica"]


def test_no_missing_values(data: pd.DataFrame) -> None:
    assert not data.isna().any().any()


def test_features_are_positive_numbers(data: pd.DataFrame) -> None:
    assert all(pd.api.types.is_float_dtype(data[c]) for c in FEATURES)
    assert (data[FEATURES] > 0).all().all()


def test_load_data_rejects_missing_target(tmp_path, params) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no target column"):
        train.load_data(path, params["data"]["target"])
