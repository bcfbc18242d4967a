"""Serve the trained model over HTTP with FastAPI.

    uvicorn serve:app --app-dir src            # then open http://127.0.0.1:8000/docs

GET /health answers {"status": "ok", "features": [...], "classes": [...]} once the model is loaded. POST /predict takes
{"instances": [[5.1, 3.5, 1.4, 0.2], ...]} (one row per instance, the features in training order)
and answers {"predictions": ["setosa", ...]}. Malformed requests get 422 with the reason.

MODEL_PATH chooses the model file (default: models/model.joblib in the project).

GET /livez answers while the process runs (the liveness probe); GET /readyz once the model is loaded
(the readiness probe); GET /version the model's record (commit, data and params hashes, library
versions, metrics; written beside the model by training, see src/model_record.py).
"""

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

import joblib
import pandas as pd
from fastapi import FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, Strict

DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "models" / "model.joblib"
MAX_INSTANCES = 1000

# A number: JSON integers and floats, not strings or booleans; NaN and infinity are refused.
Number = Annotated[float, Strict(), Field(allow_inf_nan=False)]


class PredictRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    instances: list[list[Number]] = Field(
        min_length=1,
        max_length=MAX_INSTANCES,
        description="Rows to classify, each with one number per feature, in training order.",
        examples=[[[5.1, 3.5, 1.4, 0.2]]],
    )


class PredictResponse(BaseModel):
    predictions: list[str]


def load_model(path: Path) -> Any:
    if not path.is_file():
        raise RuntimeError(f"No model at {path}: train one first (python src/train.py) or set MODEL_PATH.")
    return joblib.load(path)


def create_app(model_path: Path | None = None) -> FastAPI:
    """The app; the model is loaded at startup from `model_path`, else MODEL_PATH, else the default."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.model = load_model(model_path or Path(os.environ.get("MODEL_PATH", DEFAULT_MODEL)))
        yield

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
        wrong = [
            {
                "type": "wrong_length",
                "loc": ["body", "instances", i],
                "msg": f"expected {len(features)} numbers ({', '.join(features)}), got {len(row)}",
            }
            for i, row in enumerate(body.instances)
            if len(row) != len(features)
        ]
        if wrong:
            # The same 422 shape as FastAPI's own validation errors.
            raise RequestValidationError(wrong)
        predictions = model.predict(pd.DataFrame(body.instances, columns=features))
        return PredictResponse(predictions=[str(p) for p in predictions])

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
