"""The regression gate fails on a planted drop and passes otherwise."""

import json

import pytest

from gate import compare, gate_settings, load_metrics, main, regressions

BASE = {"accuracy": 0.9667, "f1_macro": 0.9666}


def write(path, metrics) -> str:
    path.write_text(json.dumps(metrics), encoding="utf-8")
    return str(path)


def test_passes_when_nothing_dropped() -> None:
    assert regressions(compare(dict(BASE), BASE, 0.02)) == []


def test_passes_a_drop_within_the_tolerance() -> None:
    assert regressions(compare({"accuracy": 0.9467, "f1_macro": 0.96}, BASE, 0.02)) == []


def test_fails_a_drop_beyond_the_tolerance() -> None:
    failed = regressions(compare({"accuracy": 0.9, "f1_macro": 0.9666}, BASE, 0.02))
    assert [c.metric for c in failed] == ["accuracy"]
    assert failed[0].change == pytest.approx(-0.0667)


def test_lower_is_better_fails_on_a_rise() -> None:
    failed = regressions(compare({"loss": 0.5}, {"loss": 0.3}, 0.1, {"loss"}))
    assert [c.metric for c in failed] == ["loss"]
    assert regressions(compare({"loss": 0.1}, {"loss": 0.3}, 0.1, {"loss"})) == []


def test_per_metric_tolerance_gates_only_the_named_metrics() -> None:
    failed = regressions(compare({"accuracy": 0.9, "f1_macro": 0.5}, BASE, {"accuracy": 0.1}))
    assert failed == []
    assert regressions(compare({"accuracy": 0.8, "f1_macro": 0.5}, BASE, {"accuracy": 0.1}))[0].metric == "accuracy"


def test_new_and_removed_metrics_are_not_gated() -> None:
    comparisons = compare({"accuracy": 0.97, "recall": 0.5}, BASE, 0.0)
    assert [c.metric for c in comparisons] == ["accuracy", "recall", "f1_macro"]
    assert regressions(comparisons) == []


def test_settings_come_from_params(params) -> None:
    max_drop, lower = gate_settings(params)
    assert max_drop == params["quality_gate"]["max_drop"]
    assert lower == set(params["quality_gate"]["lower_is_better"])


def test_rejects_a_negative_tolerance() -> None:
    with pytest.raises(ValueError, match="max_drop"):
        gate_settings({"quality_gate": {"max_drop": -1}})


def test_load_metrics_flattens_and_skips_non_numbers(tmp_path) -> None:
    path = write(tmp_path / "m.json", {"accuracy": 0.9, "per_class": {"setosa": 1.0}, "note": "x", "ok": True})
    assert load_metrics(path) == {"accuracy": 0.9, "per_class.setosa": 1.0}


def test_main_fails_on_a_planted_drop(tmp_path, capsys) -> None:
    base = write(tmp_path / "base.json", BASE)
    current = write(tmp_path / "current.json", {"accuracy": 0.9, "f1_macro": 0.9666})
    assert main(["--base", base, "--current", current]) == 1
    assert "accuracy dropped by 0.0667" in capsys.readouterr().err


def test_main_passes_otherwise(tmp_path) -> None:
    base = write(tmp_path / "base.json", BASE)
    current = write(tmp_path / "current.json", {"accuracy": 0.9667, "f1_macro": 0.97})
    assert main(["--base", base, "--current", current]) == 0


def test_main_passes_without_a_baseline(tmp_path, capsys) -> None:
    current = write(tmp_path / "current.json", BASE)
    assert main(["--base", str(tmp_path / "missing.json"), "--current", current]) == 0
    assert "nothing to compare" in capsys.readouterr().out
