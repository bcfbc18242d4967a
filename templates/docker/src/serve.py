"""Serve the trained model over HTTP with FastAPI.

    uvicorn serve:app --app-dir src            # then open http://127.0.0.1:8000/docs

GET /health answers {"status": "ok", "features": [...], "classes": [...]} once the model is loaded. POST /predict takes
{"instances": [[5.1, 3.5, 1.4, 0.2], ...]} (one row per instance, the features in training order)
or {"instances": [{"sepal_length": 5.1, ...}, ...]} (named features) and answers
{"predictions": ["setosa", ...]}. Malformed requests get 422 with the reason, naming the field: a
value must be a finite number within the data contract's range for its feature (src/contract.py),
widened by RANGE_MARGIN of the range's width on each side, so a slightly unusual flower is still
answered (the drift check judges those) while a unit error or an overflow is not.

Every answered instance is logged for the drift check: its features, the prediction, the model's id
and the time, as one JSON line in PREDICTION_LOG_DIR/<UTC date>.jsonl (default: logs/predictions in
the project). Records are written in batches (every LOG_BATCH records or LOG_SECONDS seconds, and
at shutdown), nothing but the features is kept, and PREDICTION_LOG_DIR="" turns logging off. In
production point it at a volume that is synced to object storage, where the drift job reads it.

MODEL_PATH chooses the model file (default: models/model.joblib in the project).

GET /livez answers while the process runs (the liveness probe); GET /readyz once the model is loaded
(the readiness probe); GET /version the model's record (commit, data and params hashes, library
versions, metrics; written beside the model by training, see src/model_record.py).
"""

import hashlib
import json
import os
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import joblib
import pandas as pd
from fastapi import FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, Strict

import contract

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = ROOT / "models" / "model.joblib"
DEFAULT_LOG_DIR = ROOT / "logs" / "predictions"
MAX_INSTANCES = 1000
RANGE_MARGIN = 0.1
LOG_BATCH = 100
LOG_SECONDS = 10.0

# A number: JSON integers and floats, not strings or booleans; NaN and infinity are refused.
Number = Annotated[float, Strict(), Field(allow_inf_nan=False)]


class PredictRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    instances: list[list[Number] | dict[str, Number]] = Field(
        min_length=1,
        max_length=MAX_INSTANCES,
        description="Rows to classify: one number per feature in training order, or an object of named features.",
        examples=[
            [[5.1, 3.5, 1.4, 0.2]],
            [{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}],
        ],
    )


def accepted_range(feature: contract.Feature) -> tuple[float, float]:
    margin = RANGE_MARGIN * (feature.max - feature.min)
    return feature.min - margin, feature.max + margin


def row_errors(i: int, row: list[float] | dict[str, float], features: list[str]) -> tuple[list[float], list[dict]]:
    """The row as numbers in training order, and a 422 error for each wrong length, name or value."""
    where = ["body", "instances", i]
    if isinstance(row, dict):
        unknown = [
            {"type": "extra_forbidden", "loc": [*where, k], "msg": "not a feature"} for k in row if k not in features
        ]
        missing = [{"type": "missing", "loc": [*where, f], "msg": "Field required"} for f in features if f not in row]
        if unknown or missing:
            return [], unknown + missing
        values = [row[f] for f in features]
    elif len(row) != len(features):
        return [], [
            {
                "type": "wrong_length",
                "loc": where,
                "msg": f"expected {len(features)} numbers ({', '.join(features)}), got {len(row)}",
            }
        ]
    else:
        values = list(row)
    errors = []
    ranges = {f.name: accepted_range(f) for f in contract.FEATURES}
    for name, value in zip(features, values, strict=True):
        low, high = ranges.get(name, (float("-inf"), float("inf")))
        if not low <= value <= high:
            errors.append(
                {
                    "type": "out_of_range",
                    "loc": [*where, name],
                    "msg": f"{name} must be between {low:g} and {high:g} (the data contract's range and a margin)",
                }
            )
    return values, errors


class PredictionLog:
    """Buffers (features, prediction) records and appends them, in batches, to one JSONL file a day."""

    def __init__(self, directory: Path | None, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.directory, self.clock = directory, clock
        self.pending: list[dict[str, Any]] = []
        self.last_flush = time.monotonic()
        self.lock = threading.Lock()
        if directory is not None:
            try:
                directory.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                print(f"Prediction log off: cannot create {directory} ({e}); set PREDICTION_LOG_DIR.", file=sys.stderr)
                self.directory = None

    def add(self, rows: list[dict[str, float]], predictions: list[str], model: str) -> None:
        if self.directory is None:
            return
        ts = self.clock().isoformat()
        with self.lock:
            self.pending += [
                {"ts": ts, "features": row, "prediction": p, "model": model}
                for row, p in zip(rows, predictions, strict=True)
            ]
            due = len(self.pending) >= LOG_BATCH or time.monotonic() - self.last_flush >= LOG_SECONDS
        if due:
            self.flush()

    def flush(self) -> None:
        with self.lock:
            pending, self.pending = self.pending, []
            self.last_flush = time.monotonic()
        if not pending or self.directory is None:
            return
        path = self.directory / f"{self.clock().date().isoformat()}.jsonl"
        try:
            with open(path, "a", encoding="utf-8") as f:
                f.writelines(json.dumps(record) + "\n" for record in pending)
        except OSError as e:  # the log must never take serving down
            print(f"Prediction log: could not write {len(pending)} records to {path} ({e})", file=sys.stderr)


class PredictResponse(BaseModel):
    predictions: list[str]


def load_model(path: Path) -> Any:
    if not path.is_file():
        raise RuntimeError(f"No model at {path}: train one first (python src/train.py) or set MODEL_PATH.")
    return joblib.load(path)


def log_directory() -> Path | None:
    configured = os.environ.get("PREDICTION_LOG_DIR")
    if configured is None:
        return DEFAULT_LOG_DIR
    return Path(configured) if configured else None


def create_app(model_path: Path | None = None, log: PredictionLog | None = None) -> FastAPI:
    """The app; the model is loaded at startup from `model_path`, else MODEL_PATH, else the default.
    Predictions go to `log`, else to a PredictionLog in PREDICTION_LOG_DIR."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        path = model_path or Path(os.environ.get("MODEL_PATH", DEFAULT_MODEL))
        app.state.model = load_model(path)
        app.state.model_id = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        app.state.log = log or PredictionLog(log_directory())
        yield
        app.state.log.flush()

    app = FastAPI(title="Model server", lifespan=lifespan)
    add_lifecycle_routes(app, model_path)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's own 422 body without the echoed input, which may be large or (NaN) not JSON.
        errors = [{k: v for k, v in error.items() if k != "input"} for error in exc.errors()]
        return JSONResponse(status_code=422, content={"detail": jsonable_encoder(errors)})

    @app.get("/health")
    def health(request: Request) -> dict[str, Any]:
        model = request.app.state.model
        return {
            "status": "ok",
            "features": [str(f) for f in model.feature_names_in_],
            "classes": [str(c) for c in model.classes_],
        }

    @app.post("/predict")
    def predict(body: PredictRequest, request: Request) -> PredictResponse:
        model = request.app.state.model
        features = [str(f) for f in model.feature_names_in_]
        rows, errors = [], []
        for i, row in enumerate(body.instances):
            values, wrong = row_errors(i, row, features)
            rows.append(values)
            errors += wrong
        if errors:
            # The same 422 shape as FastAPI's own validation errors.
            raise RequestValidationError(errors)
        frame = pd.DataFrame(rows, columns=features)
        predictions = [str(p) for p in model.predict(frame)]
        request.app.state.log.add(frame.to_dict(orient="records"), predictions, request.app.state.model_id)
        return PredictResponse(predictions=predictions)

    return app


def add_lifecycle_routes(app: FastAPI, model_path: Path | None) -> None:
    """/livez, /readyz and /version: what Kubernetes probes and what a person asks "which model is this?"."""

    @app.get("/livez")
    def livez() -> dict[str, str]:
        return {"status": "alive"}

    @app.get("/readyz")
    def readyz(request: Request) -> dict[str, str]:
        if getattr(request.app.state, "model", None) is None:
            raise HTTPException(status_code=503, detail="the model is not loaded")
        return {"status": "ready"}

    @app.get("/version")
    def model_version() -> dict[str, Any]:
        model = model_path or Path(os.environ.get("MODEL_PATH", DEFAULT_MODEL))
        record = model.with_suffix(".record.json")
        if not record.is_file():
            raise HTTPException(status_code=404, detail=f"no model record beside the model ({record.name})")
        return json.loads(record.read_text(encoding="utf-8"))


app = create_app()
