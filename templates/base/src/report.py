"""Write a model report in Markdown: the regression gate's paired comparison with a baseline, both
runs' metrics, the evaluation set, and the params that changed.

Usage: python src/report.py --base BASE_DIR [--current DIR] [--base-label NAME]
                            [--params params.yaml] [--base-params BASE_PARAMS_YAML] [--output FILE]

BASE_DIR and DIR are training runs' output directories (metrics.json, eval/predictions.csv and the
model's record, whose library versions show a dependency bump even when the metrics tie).
CI posts it on pull requests (the baseline is the base branch, trained in its own environment) and
writes it to the job summary. The gate settings are the base's (--base-params) when given, as in
CI: the report says so, and flags a change that edits them. It starts with a hidden marker, so the
workflow finds and updates its own comment instead of adding one per push.
"""

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

import yaml

import model_record
from gate import ROOT, Paired, Settings, gate_settings, load_predictions, paired, predictions_path, read_yaml

MARKER = "<!-- create-ml-ci-cd:model-report -->"
ABSENT = "(absent)"


def cell(value: Any) -> str:
    """A value as the text of one table cell: no line breaks, pipes or HTML."""
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text.replace("\r", " ").replace("\n", " ").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def number(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "n/a"
    return f"{value:+.4f}" if signed else f"{value:.4f}"


def load_metrics(path: Path) -> dict[str, float]:
    """A metrics JSON file's finite numbers; nothing when it is missing."""
    if not path.is_file():
        return {}
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object of metrics")
    return {
        k: float(v)
        for k, v in data.items()
        if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
    }


def flatten(params: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(params, dict):
        flat: dict[str, Any] = {}
        for key, value in params.items():
            flat.update(flatten(value, f"{prefix}{key}."))
        return flat
    return {prefix[:-1]: params}


def params_diff(current: dict[str, Any], base: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(name, base value, current value) for every parameter that differs; ABSENT marks a missing one."""
    now, before = flatten(current), flatten(base)
    names = [*now, *(name for name in before if name not in now)]
    pairs = [(name, before.get(name, ABSENT), now.get(name, ABSENT)) for name in names]
    return [(name, old, new) for name, old, new in pairs if old != new]


def libraries_diff(current: dict[str, Any] | None, base: dict[str, Any] | None) -> list[tuple[str, str, str]]:
    """(library, base version, this change's version) for each library the two model records differ in."""
    if current is None or base is None:
        return []
    now, before = current.get("libraries") or {}, base.get("libraries") or {}
    return [
        (name, str(before.get(name, ABSENT)), str(now.get(name, ABSENT)))
        for name in sorted({*now, *before})
        if now.get(name) != before.get(name)
    ]


def record_in(out_dir: Path, params: dict[str, Any]) -> dict[str, Any] | None:
    """The model record a training run wrote under out_dir, or None (an older base wrote none)."""
    try:
        return model_record.read(out_dir / params["outputs"]["model"])
    except model_record.RecordError:
        return None


def gate_section(result: Paired | None, base_label: str, settings: Settings, from_base: bool) -> list[str]:
    source = f"{cell(base_label)}'s `params.yaml`" if from_base else "`params.yaml`"
    rule = (
        f"It fails when accuracy on the evaluation rows both models scored dropped by more than "
        f"`max_drop` {settings.max_drop} and McNemar's exact test gives p < `alpha` {settings.alpha} "
        f"(settings from {source})."
    )
    if result is None:
        return [
            f"No evaluation predictions for {cell(base_label)} to compare with (its training failed or it "
            "predates this pipeline), so the regression gate was skipped. " + rule,
        ]
    verdict = "**Regression gate: failed.**" if result.regressed else "**Regression gate: passed.**"
    lines = [
        f"{verdict} {rule}",
        "",
        f"| Paired on {result.rows} evaluation rows | {cell(base_label)} | This change |",
        "|---|---:|---:|",
        f"| accuracy | {number(result.base_accuracy)} | {number(result.current_accuracy)} |",
        f"| rows only this model got right | {result.base_only_right} | {result.current_only_right} |",
        "",
        f"Change in accuracy {result.current_accuracy - result.base_accuracy:+.4f}; "
        f"McNemar one-sided p = {result.p_value:.3g}.",
    ]
    if result.eval_set_changed:
        lines += [
            "",
            f"⚠️ **The evaluation set changed**: {result.only_current} rows are only in this change's, "
            f"{result.only_base} only in {cell(base_label)}'s (new or edited data, or a new `data.test_size`). "
            f"The gate compares the {result.rows} rows both have.",
        ]
    return lines


def render(
    result: Paired | None,
    current: dict[str, float],
    base: dict[str, float],
    base_label: str,
    settings: Settings,
    gate_from_base: bool = False,
    changed_params: list[tuple[str, Any, Any]] | None = None,
    changed_libraries: list[tuple[str, str, str]] | None = None,
) -> str:
    lines = [MARKER, "### Model report", "", *gate_section(result, base_label, settings, gate_from_base), ""]
    if current.get("accuracy", 1.0) < settings.min_accuracy:
        source = f"{cell(base_label)}'s" if gate_from_base else "this change's"
        lines += [
            f"❌ **Below the minimum:** accuracy {current['accuracy']:.4f} is below `quality_gate.min_accuracy` "
            f"{settings.min_accuracy} ({source} `params.yaml`).",
            "",
        ]
    names = [*current, *(name for name in base if name not in current)]
    lines += [f"| Metric | {cell(base_label)} | This change | Change |", "|---|---:|---:|---:|"]
    for name in names:
        old, new = base.get(name), current.get(name)
        change = new - old if old is not None and new is not None else None
        lines.append(f"| {cell(name)} | {number(old)} | {number(new)} | {number(change, signed=True)} |")

    if changed_libraries:
        lines += [
            "",
            "📦 **Libraries changed** (each side trained in its own locked environment): "
            + ", ".join(f"`{cell(name)}` {cell(old)} → {cell(new)}" for name, old, new in changed_libraries)
            + ". The metrics above are their effect.",
        ]

    if changed_params is not None:
        gate_changes = [c for c in changed_params if c[0].startswith("quality_gate.")]
        lines.append("")
        if gate_changes:
            lines += [
                "⚠️ **This change edits the gate settings** ("
                + ", ".join(f"`{cell(c[0])}`" for c in gate_changes)
                + "). "
                f"It was judged by {cell(base_label)}'s settings, and the edit needs a code owner's approval "
                "(`.github/CODEOWNERS`).",
                "",
            ]
        if changed_params:
            lines += [
                f"<details><summary>Parameters changed: {len(changed_params)}</summary>",
                "",
                f"| Parameter | {cell(base_label)} | This change |",
                "|---|---|---|",
                *(f"| {cell(name)} | {cell(old)} | {cell(new)} |" for name, old, new in changed_params),
                "",
                "</details>",
            ]
        else:
            lines.append("No parameter in `params.yaml` changed.")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True, help="the baseline's output directory (may be empty)")
    parser.add_argument("--current", type=Path, default=ROOT, help="this run's output directory")
    parser.add_argument("--base-label", default="the base branch", help="name of the baseline in the report")
    parser.add_argument("--params", type=Path, default=ROOT / "params.yaml", help="this run's parameters")
    parser.add_argument("--base-params", type=Path, help="the baseline's parameters: its gate settings judge")
    parser.add_argument("--output", type=Path, help="write the report here instead of standard output")
    args = parser.parse_args(argv)

    try:
        params = read_yaml(args.params)
        base_params = (
            read_yaml(args.base_params) if args.base_params is not None and args.base_params.is_file() else None
        )
        settings = gate_settings(base_params if base_params is not None else params)
        base_file = predictions_path(args.base, params)
        result = None
        if base_file.is_file():
            current_predictions = load_predictions(predictions_path(args.current, params))
            result = paired(load_predictions(base_file), current_predictions, settings)
        metrics = params["outputs"]["metrics"]
        current, base = load_metrics(args.current / metrics), load_metrics(args.base / metrics)
        changed = params_diff(params, base_params) if base_params is not None else None
        libraries = libraries_diff(record_in(args.current, params), record_in(args.base, params))
    except (OSError, ValueError, KeyError, yaml.YAMLError) as e:
        print(f"Model report: {e}", file=sys.stderr)
        return 2

    text = render(result, current, base, args.base_label, settings, base_params is not None, changed, libraries)
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
        print(f"Wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
