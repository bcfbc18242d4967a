"""The data contract: what every row of data must look like, declared once, here.

Training checks the training data against it before fitting (train.load_data), the tests check the
committed data (tests/test_data.py), the drift check refuses recent data that breaks it (exit 2), and
the model server takes its input ranges from it. Edit FEATURES and LABELS when your data changes;
the target column's name is data.target in params.yaml.

The checks run with pandera, the schema library for pandas: it reports every failing cell with its
row, not only the first, and coerces types cell by cell, so "abc" in a number column is named too.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class Feature:
    """A numeric input column and the closed range a valid value lies in."""

    name: str
    min: float
    max: float
    description: str = ""


# Iris measurements in centimetres. The ranges are what a real flower can measure, wider than the
# 150 rows seen so far (so new valid rows pass, and drift shows as drift), while a unit or typing
# error (mm for cm, a minus sign) does not pass.
FEATURES = (
    Feature("sepal_length", 3.0, 10.0, "sepal length, cm"),
    Feature("sepal_width", 1.5, 6.0, "sepal width, cm"),
    Feature("petal_length", 0.5, 10.0, "petal length, cm"),
    Feature("petal_width", 0.05, 4.0, "petal width, cm"),
)
LABELS = ("setosa", "versicolor", "virginica")
# No column may be empty: the model cannot take a missing value, and a missing label cannot be scored.
NULLABLE = False


class ContractError(ValueError):
    """Data that breaks the contract; the message names each failing row and column."""


def feature_names() -> list[str]:
    return [f.name for f in FEATURES]


def schema(target: str | None):
    """The pandera schema: every feature (and the target, unless None), in this order, nothing else."""
    # Imported here, not at the top: the model server reads FEATURES but does not install pandera.
    import pandera.pandas as pa

    columns = {
        f.name: pa.Column(float, pa.Check.in_range(f.min, f.max), nullable=NULLABLE, coerce=True, title=f.description)
        for f in FEATURES
    }
    if target is not None:
        columns[target] = pa.Column(str, pa.Check.isin(LABELS), nullable=NULLABLE)
    return pa.DataFrameSchema(columns, strict=True, ordered=True)


def validate(df: pd.DataFrame, target: str | None, source: str | Path = "data", header: bool = True) -> pd.DataFrame:
    """The data with numbers coerced to float; ContractError naming every failing cell otherwise.

    Rows are named as lines of the file they came from: with a header line (CSV), `line 152` is
    the 152nd line, row 151; without one (JSONL), line N is row N.
    With `target=None` the data must have the features only (recent data that is not labelled).
    """
    import pandera.errors

    try:
        return schema(target).validate(df, lazy=True)
    except pandera.errors.SchemaErrors as e:
        raise ContractError(describe(e.failure_cases, source, first_line=2 if header else 1)) from None


def describe(failures: pd.DataFrame, source: str | Path, limit: int = 10, first_line: int = 2) -> str:
    """One line naming each failing cell once: `line 152, column petal_width: -1.0 fails in_range(0.05, 4.0)`."""
    problems: dict[tuple[Any, Any], str] = {}
    for failure in failures.itertuples(index=False):
        if failure.check == "column_in_dataframe":
            problems[(None, failure.failure_case)] = f"column {failure.failure_case}: missing"
        elif failure.check == "column_in_schema":
            problems[(None, failure.failure_case)] = f"column {failure.failure_case}: not in the contract"
        elif pd.isna(failure.column):
            problems.setdefault((None, None), f"the table: {failure.failure_case!r} fails {failure.check}")
        elif pd.notna(failure.index):
            line = int(failure.index) + first_line
            text = f"line {line}, column {failure.column}: {failure.failure_case!r} fails {failure.check}"
            problems.setdefault((line, failure.column), text)
        # A whole-column failure after a cell already failed (a check that cannot compare 'abc') says nothing new.
        elif not any(column == failure.column for _, column in problems):
            problems[(None, failure.column)] = (
                f"column {failure.column}: {failure.failure_case!r} fails {failure.check}"
            )
    texts = list(problems.values())
    more = f" (and {len(texts) - limit} more)" if len(texts) > limit else ""
    return f"{source} breaks the data contract (src/contract.py): " + "; ".join(texts[:limit]) + more
