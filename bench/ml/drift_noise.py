"""How often the drift check (src/drift.py) flags samples of the training data itself, and how often
it flags a shifted one.

    <project>/.venv/bin/python bench/ml/drift_noise.py <generated-project> [--samples 2000] [--rows N]

Draws samples of N rows (default drift.min_rows: the smallest sample the check judges) from the
project's training data, without replacement, and runs the project's own check_drift on each with
the settings in its params.yaml; then the same with petal_length shifted by 1.5 cm (and by 0.5 cm).
Prints a Markdown table; bench/ml/results.md keeps the last one.
"""

import argparse
import sys
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--rows", type=int)
    args = parser.parse_args()
    sys.path.insert(0, str(args.project.resolve() / "src"))
    import contract  # noqa: PLC0415 (the project's own modules, from its src/)
    import drift  # noqa: PLC0415
    import train  # noqa: PLC0415

    params = train.load_params(args.project / "params.yaml")
    settings = params["drift"]
    rows = args.rows or settings["min_rows"]
    data = train.load_data(train.ROOT / params["data"]["path"], params["data"]["target"])
    features = contract.feature_names()
    print(
        f"{args.samples} samples of {rows} rows from the {len(data)} training rows; p_value {settings['p_value']} "
        f"(Holm-adjusted over {len(features)} features), psi {settings['psi']}.\n"
    )
    print("| Sample | Flagged as drift | KS alone would flag | PSI alone would flag |")
    print("|---|---:|---:|---:|")
    for name, shift in (("training rows", 0.0), ("petal_length + 0.5 cm", 0.5), ("petal_length + 1.5 cm", 1.5)):
        flagged = ks_only = psi_only = 0
        for seed in range(args.samples):
            sample = data.sample(rows, random_state=seed)
            sample = sample.assign(petal_length=sample.petal_length + shift)
            results = drift.check_drift(data, sample, features, settings["p_value"], settings["psi"])
            flagged += any(r.drifted for r in results)
            ks_only += any(r.adjusted_p < settings["p_value"] for r in results)
            psi_only += any(r.psi > settings["psi"] for r in results)
        n = args.samples
        print(f"| {name} | {flagged / n:.2%} | {ks_only / n:.2%} | {psi_only / n:.2%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
