"""The drift check: quiet on the training data, flags a shift, reads a time window of the prediction
log, and tells bad input and too little data apart from drift by its exit status."""

import json
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
import yaml

import contract
from drift import BAD_INPUT, DRIFT, NO_DRIFT, TOO_FEW, check_drift, holm, main, population_stability_index

FEATURES = contract.feature_names()
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def drifted(results) -> list[str]:
    return [r.feature for r in results if r.drifted]


def check(reference, recent, params):
    return check_drift(reference, recent, FEATURES, params["drift"]["p_value"], params["drift"]["psi"])


def test_quiet_on_samples_of_the_training_data(data, params) -> None:
    assert drifted(check(data, data, params)) == []
    for seed in range(30):
        assert drifted(check(data, data.sample(params["drift"]["min_rows"], random_state=seed), params)) == []


def test_flags_a_shifted_feature(data, params) -> None:
    shifted = data.sample(params["drift"]["min_rows"], random_state=1)
    shifted["petal_length"] += 1.5
    assert drifted(check(data, shifted, params)) == ["petal_length"]


def test_flags_a_different_population(data, params) -> None:
    setosa_only = data[data[params["data"]["target"]] == "setosa"]
    assert drifted(check(data, setosa_only, params)) == FEATURES


def test_holm_adjusts_the_p_values_together() -> None:
    assert holm([0.01, 0.04, 0.03, 0.5]) == pytest.approx([0.04, 0.09, 0.09, 0.5])


def test_psi_is_zero_for_identical_data_and_grows_with_the_shift() -> None:
    values = np.random.default_rng(0).normal(size=1000)
    assert population_stability_index(values, values) == pytest.approx(0.0)
    small, large = (population_stability_index(values, values + shift) for shift in (0.2, 1.0))
    assert 0 < small < large


def project(tmp_path, params, **drift) -> str:
    """A params file whose log and incoming folders are under tmp_path."""
    settings = {**params["drift"], "log": str(tmp_path / "log"), "incoming": str(tmp_path / "incoming"), **drift}
    (tmp_path / "params.yaml").write_text(yaml.safe_dump({**params, "drift": settings}), encoding="utf-8")
    return str(tmp_path / "params.yaml")


def write_log(tmp_path, rows, ts: datetime, name: str = "2026-03-01.jsonl") -> None:
    folder = tmp_path / "log"
    folder.mkdir(exist_ok=True)
    with open(folder / name, "a", encoding="utf-8") as f:
        for row in rows.to_dict(orient="records"):
            f.write(json.dumps({"ts": ts.isoformat(), "features": row, "prediction": "setosa", "model": "x"}) + "\n")


def test_reads_the_window_of_the_prediction_log(tmp_path, data, params, capsys) -> None:
    # The training rows themselves, so "no drift" holds whatever rows data/ holds (a sample of them
    # would be a false alarm now and then, at the rate params.yaml states).
    recent = data[FEATURES]
    old = recent.assign(petal_length=recent.petal_length + 1.5)
    write_log(tmp_path, old, NOW - timedelta(days=30))  # before the window: not read
    write_log(tmp_path, recent, NOW - timedelta(hours=1))
    args = ["--params", project(tmp_path, params), "--now", NOW.isoformat()]
    assert main(args) == NO_DRIFT
    assert f"{len(recent)} recent rows from the prediction log" in capsys.readouterr().out
    write_log(tmp_path, old, NOW - timedelta(hours=2), "2026-02-28.jsonl")
    assert main([*args, "--output", str(tmp_path / "drift.md")]) == DRIFT
    assert "**Drift found in 1 of 4 features: petal_length.**" in (tmp_path / "drift.md").read_text(encoding="utf-8")


def test_falls_back_to_incoming_csv_files(tmp_path, data, params, capsys) -> None:
    (tmp_path / "incoming").mkdir()
    shifted = data.sample(60, random_state=2).assign(sepal_length=lambda d: d.sepal_length + 1.5)
    shifted.to_csv(tmp_path / "incoming" / "batch.csv", index=False)  # the target column may be there
    assert main(["--params", project(tmp_path, params)]) == DRIFT
    assert "the CSV files in" in capsys.readouterr().out


def test_too_few_rows_are_not_judged(tmp_path, data, params, capsys) -> None:
    assert main(["--params", project(tmp_path, params)]) == TOO_FEW  # no log, no incoming files
    write_log(tmp_path, data.head(5)[FEATURES], NOW)
    assert main(["--params", project(tmp_path, params), "--now", NOW.isoformat()]) == TOO_FEW
    assert "Only 5 recent rows" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda d: d.astype({"petal_width": object}).assign(petal_width=["wide", *d.petal_width[1:]]),
            "line 2, column petal_width",
        ),
        (lambda d: d.assign(sepal_width=float("nan")), "column sepal_width"),
        (lambda d: d.drop(columns=["sepal_length"]), "column sepal_length: missing"),
    ],
)
def test_bad_input_is_its_own_exit_status(tmp_path, data, params, capsys, edit, message) -> None:
    path = tmp_path / "bad.csv"
    edit(data.sample(60, random_state=0)[FEATURES].reset_index(drop=True)).to_csv(path, index=False)
    assert main([str(path)]) == BAD_INPUT
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_a_broken_log_line_is_bad_input(tmp_path, params, capsys) -> None:
    (tmp_path / "log").mkdir()
    (tmp_path / "log" / "x.jsonl").write_text('{"ts": "2026-03-01T00:00:00+00:00", "features": {}}\nnot json\n')
    assert main(["--params", project(tmp_path, params), "--now", NOW.isoformat()]) == BAD_INPUT
    assert "line 2 is not a prediction-log record" in capsys.readouterr().err
