"""Write a model report in Markdown: this run's metrics against a baseline's, and the changed params.

Usage: python src/report.py --base BASE_METRICS_JSON [--current metrics.json] [--base-label NAME]
                            [--params params.yaml] [--base-params BASE_PARAMS_YAML] [--output FILE]

CI posts it on pull requests (the baseline is the base branch, trained in the same job) and writes
it to the job summary. It starts with a hidden marker, so the workflow finds and updates its own
comment instead of adding one per push. Run it locally to see what a change does to the model.
"""

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

from gate import ROOT, Comparison, compare, describe, gate_settings, load_metrics, regressions

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


def status(c: Comparison) -> str:
    if c.current is None:
        return "removed"
    if c.base is None:
        return "new"
    if c.regressed:
        return "❌ regression"
    if c.change == 0:
        return "no change"
    better = c.change < 0 if c.lower_is_better else c.change > 0
    if better:
        return "▲ better"
    return "▼ worse, within tolerance" if c.tolerance is not None else "▼ worse (not gated)"


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


def render(
    comparisons: list[Comparison],
    base_label: str,
    max_drop: float | dict[str, float],
    has_base: bool = True,
    changed_params: list[tuple[str, Any, Any]] | None = None,
) -> str:
    lines = [MARKER, "### Model report", ""]
    if has_base:
        lines += [
            f"Metrics of this change against {cell(base_label)}. The regression gate allows a drop of at most "
            f"`{cell(max_drop)}` (`quality_gate.max_drop` in `params.yaml`).",
            "",
            f"| Metric | {cell(base_label)} | This change | Change | |",
            "|---|---:|---:|---:|---|",
        ]
        for c in comparisons:
            values = f"{number(c.base)} | {number(c.current)} | {number(c.change, signed=True)}"
            lines.append(f"| {cell(c.metric)} | {values} | {status(c)} |")
        failed = regressions(comparisons)
        lines.append("")
        if failed:
            lines.append("**Regression gate: failed.** " + "; ".join(cell(describe(c)) for c in failed) + ".")
        else:
            lines.append("**Regression gate: passed.**")
    else:
        lines += [
            f"No metrics for {cell(base_label)} to compare with (its training failed or it predates this "
            "pipeline), so the regression gate was skipped. This change's metrics:",
            "",
            "| Metric | This change |",
            "|---|---:|",
        ]
        lines += [f"| {cell(c.metric)} | {number(c.current)} |" for c in comparisons if c.current is not None]

    if changed_params is not None:
        lines.append("")
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


def read_yaml(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f) or {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True, help="the baseline's metrics JSON (may be missing)")
    parser.add_argument("--current", type=Path, default=ROOT / "metrics.json", help="this run's metrics JSON")
    parser.add_argument("--base-label", default="the base branch", help="name of the baseline in the report")
    parser.add_argument("--params", type=Path, default=ROOT / "params.yaml", help="this run's parameters")
    parser.add_argument("--base-params", type=Path, help="the baseline's parameters, to list what changed")
    parser.add_argument("--output", type=Path, help="write the report here instead of standard output")
    args = parser.parse_args(argv)

    try:
        params = read_yaml(args.params)
        max_drop, lower = gate_settings(params)
        has_base = args.base.is_file()
        current = load_metrics(args.current)
        comparisons = compare(current, load_metrics(args.base) if has_base else {}, max_drop, lower)
        changed = None
        if args.base_params is not None and args.base_params.is_file():
            changed = params_diff(params, read_yaml(args.base_params))
    except (OSError, ValueError, yaml.YAMLError) as e:
        print(f"Model report: {e}", file=sys.stderr)
        return 2

    text = render(comparisons, args.base_label, max_drop, has_base, changed)
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
        print(f"Wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
