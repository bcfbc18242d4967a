"""The drift check flags a shifted sample and stays quiet on the training data."""

import numpy as np
import pytest
import yaml

from drift import check_drift, main, numeric_features, population_stability_index


@pytest.fixture
def features(data, params) -> list[str]:
    return numeric_features(data, params["data"]["target"])


def drifted(results) -> list[str]:
    return [r.feature for r in results if r.drifted]


def check(reference, recent, features, params):
    return check_drift(reference, recent, features, params["drift"]["p_value"], params["drift"]["psi"])


def test_quiet_on_the_training_data(data, features, params) -> None:
    assert drifted(check(data, data, features, params)) == []


def test_quiet_on_samples_of_the_training_data(data, features, params) -> None:
    for seed in range(20):
        assert drifted(check(data, data.sample(50, random_state=seed), features, params)) == []


def test_flags_a_shifted_feature(data, features, params) -> None:
    shifted = data.sample(50, random_state=1)
    shifted["petal_length"] += 1.5
    assert drifted(check(data, shifted, features, params)) == ["petal_length"]


def test_flags_a_different_population(data, features, params) -> None:
    setosa_only = data[data[params["data"]["target"]] == "setosa"]
    assert drifted(check(data, setosa_only, features, params)) == features


def test_a_missing_feature_counts_as_drift(data, features, params) -> None:
    results = check(data, data.drop(columns=["sepal_width"]), features, params)
    assert drifted(results) == ["sepal_width"]
    assert results[1].missing


def test_psi_is_zero_for_identical_data_and_grows_with_the_shift() -> None:
    values = np.random.default_rng(0).normal(size=1000)
    assert population_stability_index(values, values) == pytest.approx(0.0)
    small, large = (population_stability_index(values, values + shift) for shift in (0.2, 1.0))
    assert 0 < small < large


def test_main_reports_drift_in_incoming_files(tmp_path, data, capsys) -> None:
    recent = data.sample(40, random_state=0).drop(columns=["species"])
    recent["sepal_length"] += 2.0
    path = tmp_path / "batch.csv"
    recent.to_csv(path, index=False)
    output = tmp_path / "drift.md"
    assert main([str(path), "--output", str(output)]) == 1
    assert "**Drift found in 1 of 4 features: sepal_length.**" in output.read_text(encoding="utf-8")


def test_main_is_quiet_on_training_rows(tmp_path, data) -> None:
    path = tmp_path / "batch.csv"
    data.sample(60, random_state=3).to_csv(path, index=False)
    assert main([str(path)]) == 0


def test_main_without_recent_data_checks_nothing(tmp_path, params, capsys) -> None:
    settings = {**params, "drift": {**params["drift"], "incoming": str(tmp_path / "empty")}}
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(settings), encoding="utf-8")
    assert main(["--params", str(tmp_path / "params.yaml")]) == 0
    assert "Nothing to check" in capsys.readouterr().out


def test_too_few_rows_are_not_checked(tmp_path, data, capsys) -> None:
    path = tmp_path / "few.csv"
    data.head(5).to_csv(path, index=False)
    assert main([str(path)]) == 0
    assert "too few to check" in capsys.readouterr().out


def test_bad_file_is_an_input_error(tmp_path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"")
    assert main([str(path)]) == 2
