"""The model report: a known pair of metrics files gives a known Markdown table."""

import json

import yaml

from report import ABSENT, MARKER, cell, main, params_diff

EXPECTED = """<!-- create-ml-ci-cd:model-report -->
### Model report

Metrics of this change against main. The regression gate allows a drop of at most `0.02` \
(`quality_gate.max_drop` in `params.yaml`).

| Metric | main | This change | Change | |
|---|---:|---:|---:|---|
| accuracy | 0.9667 | 0.9000 | -0.0667 | ❌ regression |
| f1_macro | 0.9666 | 0.9700 | +0.0034 | ▲ better |
| precision | 0.9500 | 0.9400 | -0.0100 | ▼ worse, within tolerance |

**Regression gate: failed.** accuracy dropped by 0.0667 (from 0.9667 to 0.9000), more than 0.02.

<details><summary>Parameters changed: 1</summary>

| Parameter | main | This change |
|---|---|---|
| model.max_depth | 5 | 2 |

</details>
"""


def write_pair(tmp_path, params):
    (tmp_path / "base.json").write_text(json.dumps({"accuracy": 0.9667, "f1_macro": 0.9666, "precision": 0.95}))
    (tmp_path / "current.json").write_text(json.dumps({"accuracy": 0.9, "f1_macro": 0.97, "precision": 0.94}))
    changed = json.loads(json.dumps(params))
    changed["model"]["max_depth"] = 2
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(changed), encoding="utf-8")
    base = json.loads(json.dumps(params))
    base["model"]["max_depth"] = 5
    (tmp_path / "base-params.yaml").write_text(yaml.safe_dump(base), encoding="utf-8")


def test_known_pair_gives_the_expected_markdown(tmp_path, params) -> None:
    write_pair(tmp_path, params)
    out = tmp_path / "report.md"
    args = ["--base", str(tmp_path / "base.json"), "--current", str(tmp_path / "current.json"), "--base-label", "main"]
    args += ["--params", str(tmp_path / "params.yaml"), "--base-params", str(tmp_path / "base-params.yaml")]
    assert main([*args, "--output", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == EXPECTED


def test_report_without_base_metrics_lists_the_current_ones(tmp_path, capsys) -> None:
    (tmp_path / "current.json").write_text(json.dumps({"accuracy": 0.9}))
    assert main(["--base", str(tmp_path / "none.json"), "--current", str(tmp_path / "current.json")]) == 0
    text = capsys.readouterr().out
    assert text.startswith(MARKER)
    assert "regression gate was skipped" in text
    assert "| accuracy | 0.9000 |" in text


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
