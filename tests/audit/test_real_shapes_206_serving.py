"""Shapes met on the two-hundred-and-sixth and later sets: serving, tracking and docs.

Each test writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import TRAINING_PROJECT as TRAINING
from audit.support import audit, places, repo

SERVICE_REQUIREMENTS = "flask==3.1.0\nfastapi==0.115.0\nrequests==2.32.3\njoblib==1.4.2\n"

# A route that takes nothing from the caller: the service fetches its own input.
LIVE_APP = """from flask import Flask, jsonify
import joblib
import requests

app = Flask(__name__)
model = joblib.load("model.joblib")
FEATURES = ["temperature", "humidity"]


def fetch_weather():
    return requests.get("https://api.example.org/weather", timeout=5).json()


@app.route("/predict-live", methods=["GET"])
def predict_live():
    weather = fetch_weather()
    row = [[weather[name] for name in FEATURES]]
    return jsonify({"aqi": float(model.predict(row)[0])})
"""


def test_a_route_that_reads_no_request_has_no_input_to_check(tmp_path: Path) -> None:
    files = {**TRAINING, "requirements.txt": SERVICE_REQUIREMENTS, "app.py": LIVE_APP}
    assert places(repo(tmp_path, files), "SRV101") == []


def test_a_route_that_reads_the_request_is_still_checked(tmp_path: Path) -> None:
    files = {**TRAINING, "requirements.txt": SERVICE_REQUIREMENTS}
    reads = LIVE_APP.replace("jsonify\n", "jsonify, request\n").replace(
        "weather = fetch_weather()", "weather = request.get_json()"
    )
    assert places(repo(tmp_path, {**files, "app.py": reads}, "reads"), "SRV101") == ["app.py:14"]
    # A helper of another module reads Flask's global request for the handler.
    helper = "from flask import request\n\n\ndef fetch_weather():\n    return request.json\n"
    elsewhere = LIVE_APP.replace("import requests\n", "from features import fetch_weather\n")
    elsewhere = elsewhere.replace(
        'def fetch_weather():\n    return requests.get("https://api.example.org/weather", '
        "timeout=5).json()\n\n\n",
        "",
    )
    files = {**files, "app.py": elsewhere, "features.py": helper}
    assert places(repo(tmp_path, files, "helper"), "SRV101") == ["app.py:10"]


# An app whose own routes call no model; its predictions are served by a router.
APP = """from fastapi import FastAPI

from service.forecast import router
from service.store import latest_forecasts

app = FastAPI()
app.include_router(router, prefix="/api")


def start_predictive_refresh():
    return latest_forecasts()


@app.on_event("startup")
def startup():
    start_predictive_refresh()


@app.post("/api/reset_metrics")
def reset_metrics():
    return {"status": "ok"}
"""
ROUTER = """import joblib
from fastapi import APIRouter
from pydantic import BaseModel, Field

router = APIRouter()
model = joblib.load("model.joblib")


class ForecastRequest(BaseModel):
    sku: str
    horizon: int = Field(default=30, ge=1, le=365)


@router.post("/predict")
def predict(payload: ForecastRequest):
    return {"forecast": model.predict([[payload.horizon]]).tolist()}
"""
STORE = "def latest_forecasts():\n    return []\n"


def _forecast_service(app: str, router: str) -> dict[str, str | bytes]:
    return {
        **TRAINING,
        "requirements.txt": SERVICE_REQUIREMENTS,
        "service/__init__.py": "",
        "service/app.py": app,
        "service/forecast.py": router,
        "service/store.py": STORE,
    }


def test_a_helper_named_for_predicting_that_calls_no_model_is_no_model_call(
    tmp_path: Path,
) -> None:
    assert places(repo(tmp_path, _forecast_service(APP, ROUTER)), "SRV101") == []


def test_routes_that_predict_unchecked_are_still_reported(tmp_path: Path) -> None:
    # The router's body is a bare dict: nothing checks it.
    unchecked = ROUTER.replace("payload: ForecastRequest", "payload: dict").replace(
        "payload.horizon", 'payload["horizon"]'
    )
    unchecked = unchecked.replace("from pydantic import BaseModel, Field\n", "")
    unchecked = unchecked.replace(
        "class ForecastRequest(BaseModel):\n    sku: str\n"
        "    horizon: int = Field(default=30, ge=1, le=365)\n\n\n",
        "",
    )
    root = repo(tmp_path, _forecast_service(APP, unchecked), "router")
    assert places(root, "SRV101") == ["service/forecast.py:8"]
    # A helper of the app named for predicting that does call a model, on what was sent.
    calling = APP.replace(
        "from service.store import latest_forecasts\n",
        "from service.store import latest_forecasts\nfrom service.state import MODEL\n",
    ) + (
        "\n\ndef predict_demand(rows):\n    return MODEL.predict(rows)\n\n\n"
        '@app.post("/api/demand")\ndef demand(body: dict):\n'
        '    return {"demand": predict_demand(body["rows"]).tolist()}\n'
    )
    files = {**_forecast_service(calling, ROUTER), "service/state.py": "MODEL = None\n"}
    assert places(repo(tmp_path, files, "helper"), "SRV101") == ["service/app.py:29"]


TRACKED_TRAIN = """import mlflow
from sklearn.linear_model import Ridge

with mlflow.start_run():
    model = Ridge().fit([[0]], [0])
    mlflow.log_metric("rmse", 0.1)
"""
# The store is git-ignored; only the pointer files DVC versions it with are in git.
DVC_POINTERS_IGNORE = "mlruns/**\n!mlruns/**/\n!mlruns/**/*.dvc\nmlflow.db\n"
POINTER = "outs:\n- md5: 9ce135eb4aac3286a9ada860a71aa86a.dir\n  nfiles: 7\n  path: '1'\n"


def test_dvc_pointer_files_of_the_store_are_not_the_store(tmp_path: Path) -> None:
    files = {
        **TRAINING,
        "requirements.txt": "scikit-learn==1.6.1\nmlflow==3.5.0\ndvc==3.67.1\n",
        "train.py": TRACKED_TRAIN,
        ".gitignore": DVC_POINTERS_IGNORE,
        "mlruns/1.dvc": POINTER,
        "mlruns/mlflow.db.dvc": POINTER.replace("'1'", "mlflow.db"),
    }
    assert places(repo(tmp_path, files), "TRK104") == []
    # A run committed beside the pointers is the store in git.
    run = "mlruns/2/5f0e3c1a9b8d4e7fa6c2d1b0e9f8a7c6/metrics/rmse"
    committed = {**files, ".gitignore": "mlflow.db\n", run: "1 0.1 0\n"}
    assert places(repo(tmp_path, committed, "committed"), "TRK104") == [run]


MLFLOW2_TRAIN = """import mlflow
from sklearn.linear_model import Ridge

with mlflow.start_run():
    model = Ridge().fit([[0]], [0])
    mlflow.sklearn.log_model(
        model, "model", pip_requirements=["scikit-learn==1.6.1", "mlflow==2.3.2"]
    )
"""
SERVING_IMAGE = "FROM python:3.10-slim\nRUN pip install mlflow==2.4.0\n"


def test_mlflow_2_pinned_outside_the_manifests_writes_no_mlflow_db(tmp_path: Path) -> None:
    files = {
        **TRAINING,
        "train.py": MLFLOW2_TRAIN,
        "docker/Dockerfile": SERVING_IMAGE,
        ".gitignore": "mlruns\n",
    }
    assert places(repo(tmp_path, files), "TRK104") == []
    logged = {**TRAINING, "train.py": TRACKED_TRAIN, ".gitignore": "mlruns\n"}
    logged["model/MLmodel"] = "flavors:\n  python_function: {}\nmlflow_version: 2.4.0\n"
    assert places(repo(tmp_path, logged, "mlmodel"), "TRK104") == []


def test_mlflow_that_may_be_3_still_asks_for_mlflow_db(tmp_path: Path) -> None:
    files = {
        **TRAINING,
        "train.py": MLFLOW2_TRAIN.replace("mlflow==2.3.2", "mlflow==3.5.0"),
        ".gitignore": "mlruns\n",
    }
    assert places(repo(tmp_path, files), "TRK104") == [".gitignore"]
    # The manifest names MLflow without a version: the image's pin does not decide.
    manifest = {
        **TRAINING,
        "requirements.txt": "scikit-learn==1.6.1\nmlflow\n",
        "train.py": MLFLOW2_TRAIN,
        "docker/Dockerfile": SERVING_IMAGE,
        ".gitignore": "mlruns\n",
    }
    assert places(repo(tmp_path, manifest, "manifest"), "TRK104") == [".gitignore"]


LIBS_AND_RUN = """# Detecting malicious files

## Needed libs
- scikit-learn
- numpy

## Run
```sh
cd knn
python3 knn_train.py
```
"""


def test_a_list_of_libraries_beside_run_commands_is_setup(tmp_path: Path) -> None:
    root = repo(tmp_path, {**TRAINING, "README.md": LIBS_AND_RUN})
    assert places(root, "DOC101") == []


def test_a_list_of_libraries_without_commands_is_no_setup(tmp_path: Path) -> None:
    no_run = LIBS_AND_RUN.split("## Run")[0]
    assert places(repo(tmp_path, {**TRAINING, "README.md": no_run}, "a"), "DOC101") == ["README.md"]
    prose = no_run + "## Run\nOpen the notebook and run the cells in order.\n"
    assert places(repo(tmp_path, {**TRAINING, "README.md": prose}, "b"), "DOC101") == ["README.md"]
    run_only = "# Detecting malicious files\n\n## Run\n```sh\npython3 knn_train.py\n```\n"
    report = audit(repo(tmp_path, {**TRAINING, "README.md": run_only}, "c"))
    assert [i.path for i in report.issues if i.rule == "DOC101"] == ["README.md"]
