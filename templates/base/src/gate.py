"""Regression gate: is this model worse than a baseline on the same evaluation rows, beyond chance?

Usage: python src/gate.py --base BASE_DIR [--current DIR] [--params params.yaml] [--label NAME]

BASE_DIR and DIR are training runs' output directories: eval/predictions.csv in each (the path
outputs.predictions names) lists every evaluation row's id, true label and prediction. The baseline
is the base branch on a pull request, or the champion (re-scored on today's evaluation set with
`python src/train.py --score MODEL`) before a retrained model is promoted.

The two models are paired row by row on the rows both scored, and compared with McNemar's exact
test: of the rows where exactly one model is right, the baseline alone is right on b, this model
alone on c. With no real difference each such row is a coin flip, so the one-sided p-value is
P(X >= b) for X ~ Binomial(b + c, 1/2). The gate fails when accuracy on the paired rows dropped by
more than quality_gate.max_drop AND p < quality_gate.alpha: a drop large enough to matter and
unlikely to be noise. On 30 rows one misclassification is 0.033 of accuracy, so a threshold on the
drop alone fires on seed noise; the test needs a consistent pattern of new mistakes.

It also fails when this model's accuracy on its whole evaluation set is below
quality_gate.min_accuracy, the same minimum train.py enforces, but read from --params.
Settings are read from --params: on a pull request the workflow passes the BASE branch's
params.yaml, so a change cannot loosen the gate that judges it.
Exit status: 0 passed (or no baseline to compare with), 1 regressed, 2 bad input.
"""

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from scipy.stats import binomtest

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = ["row_id", "actual", "predicted"]


@dataclass(frozen=True)
class Settings:
    max_drop: float
    alpha: float
    min_accuracy: float = 0.0


@dataclass(frozen=True)
class Paired:
    """Two models on the evaluation rows both scored."""

    rows: int
    base_accuracy: float
    current_accuracy: float
    base_only_right: int
    """b: rows the baseline got right and this model wrong."""
    current_only_right: int
    """c: rows this model got right and the baseline wrong."""
    only_base: int
    """Rows in the baseline's evaluation set only: the evaluation set changed when this or the next is > 0."""
    only_current: int
    settings: Settings

    @property
    def drop(self) -> float:
        return self.base_accuracy - self.current_accuracy

    @property
    def p_value(self) -> float:
        """One-sided exact McNemar: the chance of b or more baseline-only wins if both are equally good."""
        n = self.base_only_right + self.current_only_right
        return 1.0 if n == 0 else float(binomtest(self.base_only_right, n, 0.5, alternative="greater").pvalue)

    @property
    def regressed(self) -> bool:
        # The epsilon keeps a drop of exactly the tolerance passing despite float rounding.
        return self.drop > self.settings.max_drop + 1e-9 and self.p_value < self.settings.alpha

    @property
    def eval_set_changed(self) -> bool:
        return self.only_base > 0 or self.only_current > 0


def gate_settings(params: dict[str, Any]) -> Settings:
    gate = params.get("quality_gate") or {}
    values = {
        "max_drop": gate.get("max_drop", 0.0),
        "alpha": gate.get("alpha", 0.05),
        "min_accuracy": gate.get("min_accuracy", 0.0),
    }
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise ValueError(f"quality_gate.{key} must be a number from 0 to 1, got {value!r}")
    return Settings(**{key: float(value) for key, value in values.items()})


def accuracy(predictions: pd.DataFrame) -> float:
    return float((predictions.actual == predictions.predicted).mean())


def load_predictions(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    if list(df.columns) != COLUMNS:
        raise ValueError(f"{path}: expected the columns {', '.join(COLUMNS)}, got {', '.join(df.columns)}")
    if df.row_id.duplicated().any():
        raise ValueError(f"{path}: repeated row_id {df.row_id[df.row_id.duplicated()].iloc[0]}")
    return df.set_index("row_id")


def paired(base: pd.DataFrame, current: pd.DataFrame, settings: Settings) -> Paired:
    """Pair the two prediction tables on row_id; ValueError when they share no row."""
    common = base.index.intersection(current.index, sort=False)
    if common.empty:
        raise ValueError("the two evaluation sets share no row, so the models cannot be compared on the same data")
    b, c = base.loc[common], current.loc[common]
    if (b.actual != c.actual).any():
        raise ValueError("the same row_id has different labels in the two evaluation sets")
    base_right, current_right = b.actual == b.predicted, c.actual == c.predicted
    return Paired(
        rows=len(common),
        base_accuracy=float(base_right.mean()),
        current_accuracy=float(current_right.mean()),
        base_only_right=int((base_right & ~current_right).sum()),
        current_only_right=int((current_right & ~base_right).sum()),
        only_base=len(base) - len(common),
        only_current=len(current) - len(common),
        settings=settings,
    )


def describe(p: Paired) -> str:
    return (
        f"accuracy on the {p.rows} shared evaluation rows {p.base_accuracy:.4f} -> {p.current_accuracy:.4f} "
        f"(change {p.current_accuracy - p.base_accuracy:+.4f}); the baseline alone is right on "
        f"{p.base_only_right} rows, this model alone on "
        f"{p.current_only_right}; McNemar one-sided p = {p.p_value:.3g} "
        f"(fails when the drop is more than {p.settings.max_drop} and p < {p.settings.alpha})"
    )


def predictions_path(run_dir: Path, params: dict[str, Any]) -> Path:
    return run_dir / params["outputs"]["predictions"]


def read_yaml(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f) or {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True, help="the baseline's output directory")
    parser.add_argument("--current", type=Path, default=ROOT, help="this run's output directory")
    parser.add_argument("--params", type=Path, default=ROOT / "params.yaml", help="where the gate settings are read")
    parser.add_argument("--label", default="the baseline", help="what the baseline is, for messages")
    args = parser.parse_args(argv)

    try:
        gate_params = read_yaml(args.params)
        settings = gate_settings(gate_params)
        layout = read_yaml(ROOT / "params.yaml")
        current = load_predictions(predictions_path(args.current, layout))
        base_file = predictions_path(args.base, layout)
        result = paired(load_predictions(base_file), current, settings) if base_file.is_file() else None
    except (OSError, ValueError, KeyError, yaml.YAMLError) as e:
        print(f"Regression gate: {e}", file=sys.stderr)
        return 2

    failed = []
    if accuracy(current) < settings.min_accuracy:
        failed.append(
            f"because accuracy {accuracy(current):.4f} is below quality_gate.min_accuracy {settings.min_accuracy} "
            f"of {args.params}"
        )
    if result is not None and result.eval_set_changed:
        print(
            f"The evaluation set changed: {result.only_current} rows only in this run's, {result.only_base} only in "
            f"{args.label}'s; the gate compares the {result.rows} rows both have."
        )
    if result is not None and result.regressed:
        failed.append(f"against {args.label}: {describe(result)}")
    for reason in failed:
        print(f"Regression gate failed {reason}.", file=sys.stderr)
    if failed:
        print("Improve the model; the settings are quality_gate.* in params.yaml.", file=sys.stderr)
        return 1
    if result is None:
        print(f"No predictions for {args.label} ({base_file}); nothing to compare, the regression gate passes.")
    else:
        print(f"Regression gate passed against {args.label}: {describe(result)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
