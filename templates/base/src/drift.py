"""Data drift check: compare recent data with the training data, feature by feature.

Usage: python src/drift.py [--params params.yaml] [--output drift.md] [FILE.csv ...]

Recent data is every CSV file in drift.incoming (data/incoming/ to start with) unless files are
given. Each numeric feature of the training data (data.path, without the target column) is compared
with two well-known measures:

- the two-sample Kolmogorov-Smirnov test (scipy.stats.ks_2samp): is the difference between the two
  distributions more than chance? Its p-value is below drift.p_value when it is;
- the Population Stability Index over ten quantile bins of the training data: how large is the shift?
  Above 0.1 is usually read as a moderate shift, above 0.25 as a large one (drift.psi).

A feature has drifted when both say so: significant and large enough to matter. Requiring both keeps
the check quiet on small samples, where the PSI is noisy, and on large ones, where the KS test flags
differences too small to matter. A feature column missing from the recent data counts as drifted.
Exit status: 0 no drift (or no recent data), 1 drift found, 2 bad input.
"""

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from scipy.stats import ks_2samp

ROOT = Path(__file__).resolve().parent.parent
BINS = 10


@dataclass(frozen=True)
class FeatureDrift:
    feature: str
    ks_statistic: float
    p_value: float
    psi: float
    drifted: bool
    missing: bool = False


def population_stability_index(reference: np.ndarray, recent: np.ndarray, bins: int = BINS) -> float:
    """PSI = sum over bins of (recent% - reference%) * ln(recent% / reference%).

    Bin edges are the reference's quantiles, so every bin holds about the same share of it; the
    outer bins are open-ended, so recent values outside the reference's range still count.
    """
    edges = np.unique(np.quantile(reference, np.linspace(0, 1, bins + 1)[1:-1]))
    expected = np.bincount(np.searchsorted(edges, reference, side="right"), minlength=len(edges) + 1)
    actual = np.bincount(np.searchsorted(edges, recent, side="right"), minlength=len(edges) + 1)
    # An empty bin would make the logarithm infinite; a small floor is the usual fix.
    expected = np.clip(expected / expected.sum(), 1e-4, None)
    actual = np.clip(actual / actual.sum(), 1e-4, None)
    return float(np.sum((actual - expected) * np.log(actual / expected)))


def check_drift(
    reference: pd.DataFrame,
    recent: pd.DataFrame,
    features: list[str],
    p_value: float,
    psi: float,
) -> list[FeatureDrift]:
    results = []
    for feature in features:
        if feature not in recent.columns:
            results.append(FeatureDrift(feature, float("nan"), 0.0, float("nan"), drifted=True, missing=True))
            continue
        ref = reference[feature].dropna().to_numpy(dtype=float)
        new = recent[feature].dropna().to_numpy(dtype=float)
        test = ks_2samp(ref, new)
        index = population_stability_index(ref, new)
        results.append(
            FeatureDrift(
                feature,
                float(test.statistic),
                float(test.pvalue),
                index,
                drifted=bool(test.pvalue < p_value and index > psi),
            )
        )
    return results


def numeric_features(reference: pd.DataFrame, target: str) -> list[str]:
    return [c for c in reference.columns if c != target and pd.api.types.is_numeric_dtype(reference[c])]


def incoming_files(params: dict[str, Any]) -> list[Path]:
    folder = ROOT / params["drift"]["incoming"]
    return sorted(folder.glob("*.csv")) if folder.is_dir() else []


def render(results: list[FeatureDrift], files: list[Path], rows: int, settings: dict[str, Any]) -> str:
    drifted = [r.feature for r in results if r.drifted]
    names = ", ".join(f"`{f.relative_to(ROOT) if f.is_relative_to(ROOT) else f}`" for f in files)
    lines = [
        "### Data drift check",
        "",
        f"{rows} recent rows ({names}) against the training data. A feature has drifted when the "
        f"Kolmogorov-Smirnov p-value is below {settings['p_value']} and the PSI is above {settings['psi']}.",
        "",
        "| Feature | KS statistic | p-value | PSI | Drifted |",
        "|---|---:|---:|---:|---|",
    ]
    for r in results:
        if r.missing:
            lines.append(f"| {r.feature} | n/a | n/a | n/a | yes: missing from the recent data |")
        else:
            verdict = "**yes**" if r.drifted else "no"
            lines.append(f"| {r.feature} | {r.ks_statistic:.3f} | {r.p_value:.2g} | {r.psi:.3f} | {verdict} |")
    lines.append("")
    if drifted:
        lines.append(
            f"**Drift found in {len(drifted)} of {len(results)} features: {', '.join(drifted)}.** "
            "The model was trained on data that no longer looks like what it sees. Check the new data, "
            "then add it to the training data and retrain (the Retrain workflow runs when data/ changes), "
            "or remove the files if they are wrong."
        )
    else:
        lines.append("No drift found.")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="recent data (default: the CSV files in drift.incoming)")
    parser.add_argument("--params", type=Path, default=ROOT / "params.yaml", help="parameters file")
    parser.add_argument("--output", type=Path, help="also write the Markdown report here")
    args = parser.parse_args(argv)

    with open(args.params, encoding="utf-8") as f:
        params = yaml.safe_load(f)
    settings = params["drift"]
    files = args.files or incoming_files(params)
    if not files:
        print(f"No recent data: no CSV file in {settings['incoming']}/. Nothing to check.")
        return 0
    try:
        reference = pd.read_csv(ROOT / params["data"]["path"])
        recent = pd.concat([pd.read_csv(f) for f in files], ignore_index=True)
    except (OSError, ValueError) as e:
        print(f"Drift check: {e}", file=sys.stderr)
        return 2
    if len(recent) < settings["min_rows"]:
        print(f"Only {len(recent)} recent rows (drift.min_rows is {settings['min_rows']}); too few to check.")
        return 0

    results = check_drift(
        reference,
        recent,
        numeric_features(reference, params["data"]["target"]),
        settings["p_value"],
        settings["psi"],
    )
    report = render(results, files, len(recent), settings)
    print(report, end="")
    if args.output is not None:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(report, encoding="utf-8")
    return 1 if any(r.drifted for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
