"""The model report: a known pair of runs gives a known Markdown report."""

import json

import pandas as pd
import yaml

import model_record
from report import ABSENT, MARKER, cell, main, params_diff

EXPECTED = """<!-- create-ml-ci-cd:model-report -->
### Model report

**Regression gate: failed.** It fails when accuracy on the evaluation rows both models scored dropped \
by more than `max_drop` 0.02 and McNemar's exact test gives p < `alpha` 0.05 (settings from main's `params.yaml`).

| Paired on 30 evaluation rows | main | This change |
|---|---:|---:|
| accuracy | 1.0000 | 0.8000 |
| rows only this model got right | 6 | 0 |

Change in accuracy -0.2000; McNemar one-sided p = 0.0156.

⚠️ **The evaluation set changed**: 2 rows are only in this change's, 0 only in main's (new or edited \
data, or a new `data.test_size`). The gate compares the 30 rows both have.

❌ **Below the minimum:** accuracy 0.8125 is below `quality_gate.min_accuracy` 0.9 (main's `params.yaml`).

| Metric | main | This change | Change |
|---|---:|---:|---:|
| accuracy | 1.0000 | 0.8125 | -0.1875 |
| f1_macro | 1.0000 | 0.8000 | -0.2000 |

⚠️ **This change edits the gate settings** (`quality_gate.max_drop`). It was judged by main's \
settings, and the edit needs a code owner's approval (`.github/CODEOWNERS`).

<details><summary>Parameters changed: 2</summary>

| Parameter | main | This change |
|---|---|---|
| model.max_depth | 5 | 2 |
| quality_gate.max_drop | 0.02 | 0.5 |

</details>
"""


def write_run(directory, params, right: list[bool], metrics: dict[str, float]) -> str:
    scored = pd.DataFrame(
        {"row_id": [f"r{i}" for i in range(len(right))], "actual": "a", "predicted": ["a" if r else "b" for r in right]}
    )
    path = directory / params["outputs"]["predictions"]
    path.parent.mkdir(parents=True, exist_ok=True)
    scored.to_csv(path, index=False)
    (directory / params["outputs"]["metrics"]).write_text(json.dumps(metrics), encoding="utf-8")
    return str(directory)


def write_params(path, params, **changes) -> str:
    changed = json.loads(json.dumps(params))
    changed["model"]["max_depth"] = changes.get("max_depth", 5)
    # Known gate settings, whatever params.yaml says now.
    changed["quality_gate"] = {"min_accuracy": 0.9, "max_drop": changes.get("max_drop", 0.02), "alpha": 0.05}
    path.write_text(yaml.safe_dump(changed), encoding="utf-8")
    return str(path)


def test_known_pair_gives_the_expected_markdown(tmp_path, params) -> None:
    base = write_run(tmp_path / "base", params, [True] * 30, {"accuracy": 1.0, "f1_macro": 1.0})
    # The current run has two new evaluation rows (r30, r31), both right: 26 of 32.
    current = write_run(tmp_path / "cur", params, [False] * 6 + [True] * 26, {"accuracy": 0.8125, "f1_macro": 0.8})
    args = ["--base", base, "--current", current, "--base-label", "main"]
    args += ["--params", write_params(tmp_path / "params.yaml", params, max_depth=2, max_drop=0.5)]
    args += ["--base-params", write_params(tmp_path / "base-params.yaml", params)]
    out = tmp_path / "report.md"
    assert main([*args, "--output", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == EXPECTED


def test_report_without_a_baseline_lists_the_current_metrics(tmp_path, params, capsys) -> None:
    current = write_run(tmp_path / "cur", params, [True] * 3, {"accuracy": 0.9})
    assert main(["--base", str(tmp_path / "none"), "--current", current]) == 0
    text = capsys.readouterr().out
    assert text.startswith(MARKER)
    assert "regression gate was skipped" in text
    assert "| accuracy | n/a | 0.9000 | n/a |" in text


def test_params_diff_lists_changed_added_and_removed() -> None:
    before = {"model": {"n_estimators": 100, "max_depth": 5}, "seed": 1}
    after = {"model": {"n_estimators": 200, "max_depth": 5, "min_samples_leaf": 2}}
    assert params_diff(after, before) == [
        ("model.n_estimators", 100, 200),
        ("model.min_samples_leaf", ABSENT, 2),
        ("seed", 1, ABSENT),
    ]


def test_cells_cannot_break_the_table_or_inject_html() -> None:
    assert cell("a|b\n<img src=x>") == "a\\|b &lt;img src=x&gt;"
    assert cell(None) == "null"


def write_record(directory, params, libraries: dict[str, str]) -> None:
    path = model_record.path_for(directory / params["outputs"]["model"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"id": "m", "libraries": libraries}), encoding="utf-8")


def test_a_dependency_bump_is_named_even_when_the_metrics_tie(tmp_path, params) -> None:
    base = write_run(tmp_path / "base", params, [True] * 30, {"accuracy": 1.0})
    current = write_run(tmp_path / "cur", params, [True] * 30, {"accuracy": 1.0})
    write_record(tmp_path / "base", params, {"scikit-learn": "1.6.1", "numpy": "2.3.0"})
    write_record(tmp_path / "cur", params, {"scikit-learn": "1.7.2", "numpy": "2.3.0", "scipy": "1.16.0"})
    out = tmp_path / "report.md"
    assert main(["--base", base, "--current", current, "--output", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "`scikit-learn` 1.6.1 → 1.7.2" in text
    assert f"`scipy` {ABSENT} → 1.16.0" in text
    assert "numpy" not in text


def test_same_libraries_or_no_base_record_say_nothing_about_them(tmp_path, params) -> None:
    base = write_run(tmp_path / "base", params, [True] * 30, {"accuracy": 1.0})
    current = write_run(tmp_path / "cur", params, [True] * 30, {"accuracy": 1.0})
    write_record(tmp_path / "cur", params, {"scikit-learn": "1.7.2"})
    out = tmp_path / "report.md"
    assert main(["--base", base, "--current", current, "--output", str(out)]) == 0
    assert "Libraries changed" not in out.read_text(encoding="utf-8")
    write_record(tmp_path / "base", params, {"scikit-learn": "1.7.2"})
    assert main(["--base", base, "--current", current, "--output", str(out)]) == 0
    assert "Libraries changed" not in out.read_text(encoding="utf-8")
