"""Regression gate: fail when a metric is worse than a baseline's by more than the tolerance.

Usage: python src/gate.py --base BASE_METRICS_JSON [--current metrics.json] [--params params.yaml]

The baseline is the base branch's metrics on a pull request, or the current champion's before a
retrained model is promoted. The tolerance is quality_gate.max_drop in params.yaml: one number for
every metric, or a mapping from metric name to number (metrics it does not name are not gated).
Metrics listed in quality_gate.lower_is_better (a loss, an error rate) fail when they rise instead.
Exit status: 0 passed (or no baseline to compare with), 1 a metric regressed, 2 bad input.
"""

import argparse
import json
import math
import sys
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Comparison:
    """One metric of the current run against the baseline."""

    metric: str
    current: float | None
    base: float | None
    tolerance: float | None
    lower_is_better: bool = False

    @property
    def change(self) -> float | None:
        if self.current is None or self.base is None:
            return None
        return self.current - self.base

    @property
    def worsening(self) -> float:
        """How much worse than the baseline, in the metric's units (0 when equal or better)."""
        if self.change is None:
            return 0.0
        return max(0.0, self.change if self.lower_is_better else -self.change)

    @property
    def regressed(self) -> bool:
        # The epsilon keeps a drop of exactly the tolerance (0.9667 - 0.9467 = 0.02000000001) passing.
        return self.tolerance is not None and self.worsening > self.tolerance + 1e-9


def load_metrics(path: Path) -> dict[str, float]:
    """Read a metrics JSON file; nested objects are flattened to dotted names, non-numbers ignored."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object of metrics")
    flat: dict[str, float] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}{key}.", inner)
        elif isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            flat[prefix[:-1]] = float(value)

    walk("", data)
    return flat


def gate_settings(params: dict[str, Any]) -> tuple[float | dict[str, float], set[str]]:
    gate = params.get("quality_gate") or {}
    max_drop = gate.get("max_drop", 0.0)
    if isinstance(max_drop, dict):
        if not all(isinstance(v, int | float) and v >= 0 for v in max_drop.values()):
            raise ValueError("quality_gate.max_drop: every tolerance must be a number >= 0")
    elif not isinstance(max_drop, int | float) or isinstance(max_drop, bool) or max_drop < 0:
        raise ValueError(f"quality_gate.max_drop must be a number >= 0 or a mapping, got {max_drop!r}")
    return max_drop, set(gate.get("lower_is_better") or [])


def compare(
    current: dict[str, float],
    base: dict[str, float],
    max_drop: float | dict[str, float],
    lower_is_better: Collection[str] = (),
) -> list[Comparison]:
    """Every metric of either side, in the current run's order, then those only the baseline has."""
    names = [*current, *(name for name in base if name not in current)]
    return [
        Comparison(
            metric=name,
            current=current.get(name),
            base=base.get(name),
            tolerance=max_drop.get(name) if isinstance(max_drop, dict) else max_drop,
            lower_is_better=name in lower_is_better,
        )
        for name in names
    ]


def regressions(comparisons: list[Comparison]) -> list[Comparison]:
    return [c for c in comparisons if c.regressed]


def describe(c: Comparison) -> str:
    direction = "rose" if c.lower_is_better else "dropped"
    change = f"from {c.base:.4f} to {c.current:.4f}"
    return f"{c.metric} {direction} by {c.worsening:.4f} ({change}), more than {c.tolerance}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True, help="the baseline's metrics JSON")
    parser.add_argument("--current", type=Path, default=ROOT / "metrics.json", help="this run's metrics JSON")
    parser.add_argument("--params", type=Path, default=ROOT / "params.yaml", help="parameters file")
    parser.add_argument("--label", default="the baseline", help="what the baseline is, for messages")
    args = parser.parse_args(argv)

    if not args.base.is_file():
        print(f"No metrics for {args.label} ({args.base}); nothing to compare, the regression gate passes.")
        return 0
    try:
        with open(args.params, encoding="utf-8") as f:
            max_drop, lower = gate_settings(yaml.safe_load(f))
        comparisons = compare(load_metrics(args.current), load_metrics(args.base), max_drop, lower)
    except (OSError, ValueError) as e:
        print(f"Regression gate: {e}", file=sys.stderr)
        return 2

    failed = regressions(comparisons)
    for c in failed:
        print(f"Regression gate failed: {describe(c)} against {args.label}.", file=sys.stderr)
    if failed:
        print(
            "Improve the model, or raise quality_gate.max_drop in params.yaml if the drop is intended.",
            file=sys.stderr,
        )
        return 1
    print(f"Regression gate passed against {args.label} (quality_gate.max_drop: {max_drop}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
