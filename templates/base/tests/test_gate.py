"""The regression gate: a paired test on the same rows, quiet on noise, failing on a real regression."""

import copy

import pandas as pd
import pytest
import yaml
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.pipeline import make_pipeline

import train
from gate import Settings, gate_settings, main, paired

SETTINGS = Settings(max_drop=0.02, alpha=0.05)


def table(right: list[bool], ids: list[str] | None = None) -> pd.DataFrame:
    """Predictions for rows r0, r1, ...: right or wrong as given (the label is always "a")."""
    ids = ids or [f"r{i}" for i in range(len(right))]
    return pd.DataFrame(
        {"actual": "a", "predicted": ["a" if r else "b" for r in right]}, index=pd.Index(ids, name="row_id")
    )


def write_run(directory, params, scored: pd.DataFrame) -> str:
    path = directory / params["outputs"]["predictions"]
    path.parent.mkdir(parents=True, exist_ok=True)
    scored.reset_index().to_csv(path, index=False)
    return str(directory)


def test_one_more_mistake_is_noise_even_though_it_exceeds_max_drop() -> None:
    # 30 rows: the new model misses 2 the old one got, and gets 1 the old one missed.
    base = table([True] * 27 + [False] + [True, True])
    current = table([True] * 27 + [True] + [False, False])
    result = paired(base, current, SETTINGS)
    assert (result.base_only_right, result.current_only_right) == (2, 1)
    assert result.drop == pytest.approx(1 / 30)
    assert result.p_value == pytest.approx(0.5)  # P(X >= 2), X ~ Binomial(3, 1/2)
    assert not result.regressed


def test_a_consistent_pattern_of_new_mistakes_fails() -> None:
    result = paired(table([True] * 30), table([False] * 6 + [True] * 24), SETTINGS)
    assert result.p_value == pytest.approx(1 / 64)
    assert result.regressed


def test_a_significant_drop_within_max_drop_passes() -> None:
    result = paired(table([True] * 30), table([False] * 6 + [True] * 24), Settings(max_drop=0.25, alpha=0.05))
    assert not result.regressed


def test_only_shared_rows_are_compared_and_a_changed_evaluation_set_is_reported() -> None:
    base = table([True, True, False], ["x", "y", "old"])
    current = table([True, False, True, True], ["x", "y", "new1", "new2"])
    result = paired(base, current, SETTINGS)
    assert (result.rows, result.only_base, result.only_current) == (2, 1, 2)
    assert result.eval_set_changed
    with pytest.raises(ValueError, match="share no row"):
        paired(table([True], ["p"]), table([True], ["q"]), SETTINGS)


def test_settings_come_from_params(params) -> None:
    settings = gate_settings(params)
    assert settings.max_drop == params["quality_gate"]["max_drop"]
    assert settings.alpha == params["quality_gate"]["alpha"]
    for bad in (-1, 2, "0.1", True):
        with pytest.raises(ValueError, match="max_drop"):
            gate_settings({"quality_gate": {"max_drop": bad}})


def forest(params, seed: int, **model) -> RandomForestClassifier:
    """The generated project's model as it started, whatever params.yaml says now, changed by `model`."""
    p = copy.deepcopy(params)
    p["model"] = {"n_estimators": 100, "max_depth": 5, "min_samples_leaf": 1, **model}
    p["seed"] = seed
    return train.build_model(p)


@pytest.fixture(scope="module")
def rows(params):
    df = train.load_data(train.ROOT / params["data"]["path"], params["data"]["target"])
    return train.split(df, params["data"]["test_size"])


def scored(model, rows, params) -> pd.DataFrame:
    target = params["data"]["target"]
    train_rows, eval_rows = rows
    model.fit(train_rows.drop(columns=[target]), train_rows[target])
    return train.predictions(model, eval_rows, target).set_index("row_id").astype(str)


def test_real_models_more_trees_pass_and_no_petal_features_fail(params, rows) -> None:
    settings = SETTINGS
    base = scored(forest(params, 0), rows, params)
    assert not paired(base, scored(forest(params, 0, n_estimators=150), rows, params), settings).regressed
    assert not paired(base, scored(forest(params, 1), rows, params), settings).regressed
    sepals_only = make_pipeline(
        ColumnTransformer([("sepals", "passthrough", ["sepal_length", "sepal_width"])]), forest(params, 0)
    )
    assert paired(base, scored(sepals_only, rows, params), settings).regressed


def settings_file(path, params, **gate) -> str:
    known = {"min_accuracy": 0.9, "max_drop": 0.02, "alpha": 0.05, **gate}
    path.write_text(yaml.safe_dump({**params, "quality_gate": known}), encoding="utf-8")
    return str(path)


def test_main_reads_the_settings_it_is_given_not_the_current_ones(tmp_path, params, capsys) -> None:
    base = write_run(tmp_path / "base", params, table([True] * 60))
    current = write_run(tmp_path / "current", params, table([False] * 6 + [True] * 54))  # 0.9: the minimum
    strict = settings_file(tmp_path / "strict.yaml", params)
    loose = settings_file(tmp_path / "loose.yaml", params, max_drop=0.5)
    assert main(["--base", base, "--current", current, "--params", strict]) == 1
    assert "McNemar one-sided p = 0.0156" in capsys.readouterr().err
    assert main(["--base", base, "--current", current, "--params", loose]) == 0


def test_main_fails_below_the_minimum_of_the_settings_it_is_given(tmp_path, params, capsys) -> None:
    current = write_run(tmp_path / "current", params, table([True] * 8 + [False] * 2))
    strict = settings_file(tmp_path / "strict.yaml", params)
    assert main(["--base", str(tmp_path / "missing"), "--current", current, "--params", strict]) == 1
    assert "accuracy 0.8000 is below quality_gate.min_accuracy" in capsys.readouterr().err
    loose = settings_file(tmp_path / "loose.yaml", params, min_accuracy=0.5)
    assert main(["--base", str(tmp_path / "missing"), "--current", current, "--params", loose]) == 0


def test_main_passes_without_a_baseline_and_refuses_bad_input(tmp_path, params, capsys) -> None:
    current = write_run(tmp_path / "current", params, table([True] * 3))
    assert main(["--base", str(tmp_path / "missing"), "--current", current]) == 0
    assert "nothing to compare" in capsys.readouterr().out
    bad = tmp_path / "bad" / params["outputs"]["predictions"]
    bad.parent.mkdir(parents=True)
    bad.write_text("id,label\n1,a\n", encoding="utf-8")
    assert main(["--base", str(tmp_path / "bad"), "--current", current]) == 2
    assert "expected the columns row_id, actual, predicted" in capsys.readouterr().err
