"""The model service: a Flask app served by gunicorn, the model loaded once at start.

    python -m <package>.serve                      # make serve (PORT=8080)
    python -m <package>.serve serve.port=9000 serve.workers=4

Endpoints:
- `GET /health`: `{"status": "ok", ...}` once the model is loaded.
- `POST /predict`: one record (a JSON object of field: value) or many (a JSON list, or
  `{"records": [...]}`); answers `{"predictions": [...], "probabilities": [...],
  "model_version": ..., "request_id": ...}`.
- `GET /metadata`: the model's name, version, alias, run id and training data hash.
- `GET /metrics`: Prometheus text: requests, latency, validation failures, predictions.

Input is checked against the validate stage's schema (conf/validate/): a missing field,
a wrong type, a value out of range, a body that is not JSON or is too large gets a 4xx
JSON error naming the field, never a 500. Every prediction is appended to the prediction
log (`predict.log_path`). The server binds `serve.host` (127.0.0.1 by default).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
from omegaconf import DictConfig

from . import predlog
from .inputs import BadInput, frame_from_records, schema_spec
from .registry import LoadedModel, load_model
from .runner import reported_errors, stage_config

JSON_ERRORS = (ValueError, RecursionError)


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def parse_records(body: bytes, max_rows: int) -> list[Any]:
    """Return the records of a /predict body; raise BadInput when it is not usable."""
    try:
        payload = json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
    except UnicodeDecodeError:
        raise BadInput("the body is not UTF-8 JSON") from None
    except JSON_ERRORS:
        raise BadInput("the body is not valid JSON") from None
    if isinstance(payload, dict) and "records" in payload and len(payload) == 1:
        payload = payload["records"]
    records = payload if isinstance(payload, list) else [payload]
    if not records:
        raise BadInput("no records to predict")
    if len(records) > max_rows:
        raise BadInput(f"{len(records)} records, more than serve.max_rows ({max_rows})")
    return records


class Metrics:
    """The service's Prometheus metrics, in one registry (shared by gunicorn workers)."""

    def __init__(self) -> None:
        from prometheus_client import CollectorRegistry, Counter, Histogram

        self.multiprocess = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
        self.registry = CollectorRegistry()
        # In multiprocess mode values go to files and /metrics collects them from there.
        own = None if self.multiprocess else self.registry
        self.requests = Counter(
            "predict_requests", "HTTP requests by endpoint and status", ["endpoint", "status"],
            registry=own,
        )  # fmt: skip
        self.latency = Histogram(
            "predict_latency_seconds", "Time to answer /predict", registry=own,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )  # fmt: skip
        self.rows = Counter("predict_rows", "Rows predicted", registry=own)
        self.failures = Counter(
            "predict_validation_failures", "Requests refused by input validation, by field",
            ["field"], registry=own,
        )  # fmt: skip
        self.predictions = Counter(
            "predictions", "Predicted values (the prediction distribution)", ["value"],
            registry=own,
        )  # fmt: skip

    def render(self) -> tuple[bytes, str]:
        """Return the metrics in Prometheus' text format, and its content type."""
        from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

        if self.multiprocess:
            from prometheus_client import multiprocess

            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
            return generate_latest(registry), CONTENT_TYPE_LATEST
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


def create_app(cfg: DictConfig, loaded: LoadedModel) -> Any:
    """Return the Flask app serving `loaded` with the limits and log path of `cfg`."""
    from flask import Flask, Response, request
    from werkzeug.exceptions import HTTPException

    app = Flask(__package__ or __name__)
    app.config["MAX_CONTENT_LENGTH"] = int(cfg.serve.max_body_bytes)
    max_rows = int(cfg.serve.max_rows)
    log_path = str(cfg.predict.log_path) if cfg.predict.log_predictions else None
    metadata = loaded.metadata()
    metrics = Metrics()
    spec = schema_spec(cfg)
    classes = np.asarray(loaded.classes)
    with_proba = hasattr(loaded.model, "predict_proba") and len(classes) > 0

    def answer(body: Any, status: int = 200, endpoint: str = "predict") -> Response:
        metrics.requests.labels(endpoint, str(status)).inc()
        return Response(json.dumps(body), status=status, mimetype="application/json")

    @app.get("/health")
    def health() -> Response:
        return answer({"status": "ok", "model_version": loaded.version}, endpoint="health")

    @app.get("/metadata")
    def model_metadata() -> Response:
        return answer(metadata, endpoint="metadata")

    @app.get("/metrics")
    def prometheus() -> Response:
        text, content_type = metrics.render()
        return Response(text, mimetype=None, content_type=content_type)

    @app.post("/predict")
    def predict() -> Response:
        started = time.perf_counter()
        request_id = request.headers.get("X-Request-ID", "")[:64] or predlog.new_request_id()
        try:
            records = parse_records(request.get_data(cache=False), max_rows)
        except BadInput as error:
            metrics.failures.labels("body").inc()
            return answer({**error.as_json(), "request_id": request_id}, 400)
        try:
            features = frame_from_records(records, cfg, spec)
        except BadInput as error:
            metrics.failures.labels(error.field or "record").inc()
            return answer({**error.as_json(), "request_id": request_id}, 422)
        body: dict[str, Any] = {"model_version": loaded.version, "request_id": request_id}
        if with_proba:
            # One pass: a classifier's prediction is its most probable class.
            proba = loaded.model.predict_proba(features)
            predicted = classes.take(proba.argmax(axis=1)).tolist()
            body["probabilities"] = proba.round(6).tolist()
        else:
            predicted = loaded.model.predict(features).tolist()
        body["predictions"] = predicted
        if log_path is not None:
            predlog.append_lines(
                log_path,
                predlog.lines_for_frame(features, predicted, metadata, request_id, "serve"),
            )
        metrics.rows.inc(len(predicted))
        for value in set(predicted):
            metrics.predictions.labels(str(value)).inc(predicted.count(value))
        metrics.latency.observe(time.perf_counter() - started)
        return answer(body)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        status = error.code or 400
        message = error.description or error.name
        if status == 413:
            message = f"the body is larger than serve.max_body_bytes ({cfg.serve.max_body_bytes})"
        return answer({"error": message, "field": None, "row": None}, status, "other")

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        app.logger.exception("unexpected error")
        return answer({"error": f"internal error ({type(error).__name__})"}, 500, "other")

    return app


def gunicorn_options(cfg: DictConfig) -> dict[str, Any]:
    """Return gunicorn settings for the service from `serve` in the config."""

    def child_exit(server: Any, worker: Any) -> None:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]

    return {
        "bind": f"{cfg.serve.host}:{int(cfg.serve.port)}",
        "workers": int(cfg.serve.workers),
        "timeout": int(cfg.serve.timeout_seconds),
        "accesslog": None,
        "child_exit": child_exit,
        # gunicorn >= 26 opens a control socket in the home folder; the service needs none.
        "control_socket_disable": True,
    }


def serve(cfg: DictConfig) -> None:
    """Load the model (failing fast), then serve it with gunicorn until stopped."""
    from gunicorn.app.base import BaseApplication

    metrics_dir = tempfile.mkdtemp(prefix="prometheus-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    try:
        loaded = load_model(cfg, str(cfg.predict.model_uri))
        app = create_app(cfg, loaded)
        options = gunicorn_options(cfg)

        class Server(BaseApplication):  # type: ignore[misc]
            def load_config(self) -> None:
                for key, value in options.items():
                    if key in self.cfg.settings:
                        self.cfg.set(key, value)

            def load(self) -> Any:
                return app

        print(
            f"serve: {loaded.uri} version {loaded.version} on http://{options['bind']} "
            f"({options['workers']} workers); Ctrl-C stops",
            flush=True,
        )
        Server().run()
    finally:
        shutil.rmtree(metrics_dir, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> None:
    """Serve the model from the command line."""
    with reported_errors():
        serve(stage_config(__doc__, argv))


if __name__ == "__main__":
    main()
