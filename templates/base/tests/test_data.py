"""The data meets its contract (src/contract.py), and the contract catches bad rows by name."""

import pandas as pd
import pytest
import yaml

import contract
import train


def test_committed_data_meets_the_contract(data: pd.DataFrame, params) -> None:
    # load_data (the `data` fixture) already validated it; every label should also be present,
    # or the model could never predict the missing one.
    assert list(data.columns) == [*contract.feature_names(), params["data"]["target"]]
    assert set(data[params["data"]["target"]]) == set(contract.LABELS)


def write(path, df: pd.DataFrame):
    df.to_csv(path, index=False)
    return path


def new_rows(data: pd.DataFrame, n: int = 20) -> pd.DataFrame:
    """n valid rows that are not in the data: real rows nudged by 0.05 cm, inside the contract."""
    rows = data.sample(n, random_state=0).reset_index(drop=True)
    for f in contract.FEATURES:
        rows[f.name] = (rows[f.name] + 0.05).clip(f.min, f.max).round(2)
    return rows


def test_appending_valid_rows_passes(tmp_path, data, params) -> None:
    grown = pd.concat([data, new_rows(data)], ignore_index=True)
    loaded = train.load_data(write(tmp_path / "grown.csv", grown), params["data"]["target"])
    assert len(loaded) == len(data) + 20


@pytest.mark.parametrize(
    ("column", "value", "fails"),
    [
        ("petal_width", -1.0, "in_range"),
        ("sepal_length", 90.0, "in_range"),
        ("sepal_width", "abc", "coerce"),
        ("petal_length", None, "not_nullable"),
        ("species", "rose", "isin"),
    ],
)
def test_a_bad_row_is_named_with_its_column(tmp_path, data, params, column, value, fails) -> None:
    bad = pd.concat([data, new_rows(data, 1)], ignore_index=True).astype({column: object})
    bad.loc[len(bad) - 1, column] = value
    line = len(bad) + 1  # the header is line 1
    with pytest.raises(contract.ContractError, match=rf"line {line}, column {column}: .*{fails}"):
        train.load_data(write(tmp_path / "bad.csv", bad), params["data"]["target"])


def test_a_missing_or_extra_column_fails(tmp_path, data, params) -> None:
    target = params["data"]["target"]
    with pytest.raises(contract.ContractError, match=f"column {target}"):
        train.load_data(write(tmp_path / "no_target.csv", data.drop(columns=[target])), target)
    with pytest.raises(contract.ContractError, match="column colour"):
        train.load_data(write(tmp_path / "extra.csv", data.assign(colour="blue")), target)


def test_training_refuses_bad_data_and_writes_nothing(tmp_path, data, params, capsys) -> None:
    bad = data.copy()
    bad.loc[3, "petal_width"] = -1.0
    path = write(tmp_path / "bad.csv", bad)
    params_file = tmp_path / "params.yaml"
    params_file.write_text(yaml.safe_dump({**params, "data": {**params["data"], "path": str(path)}}), encoding="utf-8")
    assert train.main(["--params", str(params_file), "--out-dir", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "line 5, column petal_width: -1.0 fails in_range" in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()
