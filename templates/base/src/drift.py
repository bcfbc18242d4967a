"""Data drift check: compare what the model saw recently with the training data, feature by feature.

Usage: python src/drift.py [--params params.yaml] [--output drift.md] [--now ISO-TIME] [FILE ...]

Recent data is, in this order: the FILEs given (CSV, or JSONL in the prediction-log format); else
the serving app's prediction log, the records of the last drift.window_days days in the JSONL files
under drift.log (src/serve.py writes them: one record a line, {"ts", "features", "prediction",
"model"}); else, as a fallback for projects without a served model, every CSV file in
drift.incoming. Recent data must meet the data contract's feature columns (src/contract.py).

Each feature is compared with the training data (data.path) by two well-known measures:

- the two-sample Kolmogorov-Smirnov test (scipy.stats.ks_2samp): is the difference more than chance?
  The features' p-values are adjusted together with Holm's method, so checking four features does
  not give four chances of a false alarm; an adjusted p below drift.p_value is significant;
- the Population Stability Index over ten quantile bins of the training data: how large is the shift?
  Above 0.1 is usually read as a moderate shift, above 0.25 as a large one (drift.psi).

A feature has drifted when both say so: significant and large enough to matter. Fewer than
drift.min_rows recent rows are not judged. Measured on the training data itself (bench/ml/
drift_noise.py in create-ml-ci-cd), these settings give the false-alarm rate params.yaml states.
Exit status: 0 no drift, 1 drift found, 2 bad input, 3 not enough recent data to judge.
"""

import argparse
import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from scipy.stats import ks_2samp

import contract

ROOT = Path(__file__).resolve().parent.parent
BINS = 10
NO_DRIFT, DRIFT, BAD_INPUT, TOO_FEW = 0, 1, 2, 3


@dataclass(frozen=True)
class FeatureDrift:
    feature: str
    ks_statistic: float
    p_value: float
    adjusted_p: float
    psi: float
    drifted: bool


@dataclass(frozen=True)
class Recent:
    rows: pd.DataFrame
    source: str


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


def holm(p_values: list[float]) -> list[float]:
    """Holm's step-down adjustment: controls the chance of any false alarm across the features."""
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    adjusted = [1.0] * len(p_values)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(p_values) - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted


def check_drift(
    reference: pd.DataFrame, recent: pd.DataFrame, features: list[str], p_value: float, psi: float
) -> list[FeatureDrift]:
    tests = [ks_2samp(reference[f].to_numpy(dtype=float), recent[f].to_numpy(dtype=float)) for f in features]
    adjusted = holm([float(t.pvalue) for t in tests])
    results = []
    for feature, test, adj in zip(features, tests, adjusted, strict=True):
        index = population_stability_index(
            reference[feature].to_numpy(dtype=float), recent[feature].to_numpy(dtype=float)
        )
        drifted = bool(adj < p_value and index > psi)
        results.append(FeatureDrift(feature, float(test.statistic), float(test.pvalue), adj, index, drifted))
    return results


def read_log(path: Path, since: datetime | None) -> pd.DataFrame:
    """The features of a prediction-log file's records at or after `since`; ValueError naming a bad line."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                ts = datetime.fromisoformat(record["ts"])
                ts = ts if ts.tzinfo else ts.replace(tzinfo=UTC)
                features = record["features"]
                if not isinstance(features, dict):
                    raise TypeError("features is not an object")
            except (ValueError, KeyError, TypeError) as e:
                raise ValueError(f"{path}: line {number} is not a prediction-log record ({e})") from None
            if since is None or ts >= since:
                rows.append(features)
    return pd.DataFrame(rows, columns=contract.feature_names()) if not rows else pd.DataFrame(rows)


def read_recent(files: list[Path], target: str, since: datetime | None) -> pd.DataFrame:
    """Every file's rows, each checked against the contract's features (ContractError names file and line)."""
    frames = []
    for path in files:
        if path.suffix == ".jsonl":
            df, header = read_log(path, since), False
        else:
            df, header = pd.read_csv(path).drop(columns=[target], errors="ignore"), True
        frames.append(contract.validate(df, None, path, header=header))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=contract.feature_names())


def choose_recent(params: dict[str, Any], files: list[Path], now: datetime) -> Recent:
    settings, target = params["drift"], params["data"]["target"]
    if files:
        return Recent(read_recent(files, target, None), ", ".join(f"`{f}`" for f in files))
    log_dir = ROOT / settings["log"]
    logs = sorted(log_dir.glob("*.jsonl")) if log_dir.is_dir() else []
    if logs:
        since = now - timedelta(days=settings["window_days"])
        rows = read_recent(logs, target, since)
        return Recent(rows, f"the prediction log `{settings['log']}`, since {since.isoformat(timespec='minutes')}")
    incoming = ROOT / settings["incoming"]
    csvs = sorted(incoming.glob("*.csv")) if incoming.is_dir() else []
    return Recent(read_recent(csvs, target, None), f"the CSV files in `{settings['incoming']}` (no prediction log)")


def render(results: list[FeatureDrift], recent: Recent, settings: dict[str, Any]) -> str:
    drifted = [r.feature for r in results if r.drifted]
    lines = [
        "### Data drift check",
        "",
        f"{len(recent.rows)} recent rows from {recent.source}, against the training data. A feature has drifted "
        f"when its Kolmogorov-Smirnov p-value, Holm-adjusted over the {len(results)} features, is below "
        f"{settings['p_value']} and its PSI is above {settings['psi']}.",
        "",
        "| Feature | KS statistic | p-value | Holm-adjusted | PSI | Drifted |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for r in results:
        verdict = "**yes**" if r.drifted else "no"
        lines.append(
            f"| {r.feature} | {r.ks_statistic:.3f} | {r.p_value:.2g} | {r.adjusted_p:.2g} | {r.psi:.3f} | {verdict} |"
        )
    lines.append("")
    if drifted:
        lines.append(
            f"**Drift found in {len(drifted)} of {len(results)} features: {', '.join(drifted)}.** "
            "The model was trained on data that no longer looks like what it sees. Check the new data, "
            "then add it to the training data and retrain (the Retrain workflow runs when data/ changes)."
        )
    else:
        lines.append("No drift found.")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="recent data, CSV or JSONL (default: the log)")
    parser.add_argument("--params", type=Path, default=ROOT / "params.yaml", help="parameters file")
    parser.add_argument("--output", type=Path, help="also write the Markdown report here")
    parser.add_argument("--now", type=datetime.fromisoformat, help="end of the window (default: now, UTC)")
    args = parser.parse_args(argv)

    try:
        with open(args.params, encoding="utf-8") as f:
            params = yaml.safe_load(f)
        settings = params["drift"]
        now = args.now or datetime.now(UTC)
        recent = choose_recent(params, args.files, now if now.tzinfo else now.replace(tzinfo=UTC))
        reference = contract.validate(
            pd.read_csv(ROOT / params["data"]["path"]), params["data"]["target"], params["data"]["path"]
        )
    except (OSError, ValueError, KeyError, yaml.YAMLError) as e:
        print(f"Drift check: {e}", file=sys.stderr)
        return BAD_INPUT
    if len(recent.rows) < settings["min_rows"]:
        print(
            f"Only {len(recent.rows)} recent rows from {recent.source} (drift.min_rows is {settings['min_rows']}); "
            "too few to judge."
        )
        return TOO_FEW

    results = check_drift(reference, recent.rows, contract.feature_names(), settings["p_value"], settings["psi"])
    report = render(results, recent, settings)
    print(report, end="")
    if args.output is not None:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(report, encoding="utf-8")
    return DRIFT if any(r.drifted for r in results) else NO_DRIFT


if __name__ == "__main__":
    sys.exit(main())
