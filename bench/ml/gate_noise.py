"""How often the regression gate (src/gate.py) fires on noise, and how often it catches a real regression.

    <project>/.venv/bin/python bench/ml/gate_noise.py <generated-project> [--seeds 30]

Runs in a generated project's environment, on its data, evaluation set and params.yaml, with its own
train.py and gate.py (imported from <project>/src). Each case pairs a baseline model with a changed
one, both fitted on the training rows and scored on the same evaluation rows, once per seed:

  noise: n_estimators 100 -> 150     same seed, more trees: a harmless change
  noise: seed s -> s + 1             the random state alone
  regression: max_depth 1            stumps cannot separate three classes
  regression: no petal features      the two most informative features replaced by a constant

A noise case failing the gate is a false alarm; a regression case failing it is a detection. The
old rule (fail when accuracy drops by more than max_drop, no test) is shown for comparison.
Prints a Markdown table; bench/ml/results.md keeps the last one.
"""

import argparse
import copy
import sys
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--seeds", type=int, default=30)
    parser.add_argument("--test-size", type=float, help="instead of data.test_size in params.yaml")
    args = parser.parse_args()
    sys.path.insert(0, str(args.project.resolve() / "src"))
    import gate  # noqa: PLC0415 (the project's own modules, from its src/)
    import train  # noqa: PLC0415

    params = train.load_params(args.project / "params.yaml")
    if args.test_size is not None:
        params["data"]["test_size"] = args.test_size
    settings = gate.gate_settings(params)
    target = params["data"]["target"]
    df = train.load_data(train.ROOT / params["data"]["path"], target)
    train_rows, eval_rows = train.split(df, params["data"]["test_size"])
    x, y = train_rows.drop(columns=[target]), train_rows[target]

    def fit_and_score(model_params: dict, seed: int, blind: tuple[str, ...] = ()):
        p = copy.deepcopy(params)
        p["model"].update(model_params)
        p["seed"] = seed
        model = train.build_model(p).fit(x.assign(**{c: 0.0 for c in blind}), y)
        rows = eval_rows.assign(**{c: 0.0 for c in blind})
        return train.predictions(model, rows, target).set_index("row_id").astype(str)

    cases = {
        "noise: n_estimators 100 -> 150": lambda s: ({"n_estimators": 100}, s, {"n_estimators": 150}, s, ()),
        "noise: seed s -> s + 1": lambda s: ({}, s, {}, s + 1, ()),
        "regression: max_depth 1": lambda s: ({}, s, {"max_depth": 1}, s, ()),
        "regression: no petal features": lambda s: ({}, s, {}, s, ("petal_length", "petal_width")),
    }
    print(f"Evaluation set: {len(eval_rows)} rows; gate: max_drop {settings.max_drop}, alpha {settings.alpha}; "
          f"seeds 0-{args.seeds - 1}.\n")
    print("| Case | Gate fails (McNemar) | Old rule fails (drop > max_drop) | Mean accuracy change |")
    print("|---|---:|---:|---:|")
    for name, make in cases.items():
        fired = old = 0
        changes = []
        for seed in range(args.seeds):
            base_params, base_seed, head_params, head_seed, blind = make(seed)
            base = fit_and_score(base_params, base_seed)
            head = fit_and_score(head_params, head_seed, blind)
            result = gate.paired(base, head, settings)
            fired += result.regressed
            old += result.drop > settings.max_drop + 1e-9
            changes.append(-result.drop)
        n = args.seeds
        print(f"| {name} | {fired}/{n} ({fired / n:.0%}) | {old}/{n} ({old / n:.0%}) | {sum(changes) / n:+.4f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
