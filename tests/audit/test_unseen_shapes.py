"""Shapes met on repositories the audit had never seen (fixtures written for these tests).

Each test reproduces, in a few lines, a shape from a public repository where the first
audit reported a false problem or missed a real one: model services, orchestrated
pipelines (Kedro, Metaflow, Airflow), Kaggle and research code, portfolio projects.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import audit, fired, repo

TRAIN = "from sklearn.linear_model import LogisticRegression\n"


def findings(root: Path, rule: str) -> list[tuple[str | None, int | None, str]]:
    return [(i.path, i.line, i.message) for i in audit(root).issues if i.rule == rule]


SERVICE = {
    "requirements.txt": "fastapi==0.115.0\nscikit-learn==1.5.2\n",
    "service/__init__.py": "",
    "train.py": TRAIN,
    "service/payload.py": "from pydantic import BaseModel\n\n\nclass House(BaseModel):\n"
    "    rooms: int\n",
}


def test_fastapi_route_with_a_typed_body_is_validated(tmp_path: Path) -> None:
    route = (
        "from fastapi import APIRouter, Request\n\nfrom service.payload import House\n\n"
        "router = APIRouter()\n\n\n@router.post('/predict')\n"
        "def post_predict(request: Request, body: House):\n"
        "    return request.app.state.model.predict(body)\n"
    )
    root = repo(tmp_path, {**SERVICE, "service/routes.py": route})
    assert "SRV101" not in fired(root)


def test_fastapi_route_with_number_parameters_is_validated(tmp_path: Path) -> None:
    route = (
        "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.post('/predict')\n"
        "def iris(sepal: float, petal: float):\n    return MODEL.predict([[sepal, petal]])\n"
    )
    root = repo(tmp_path, {**SERVICE, "service/routes.py": route})
    assert "SRV101" not in fired(root)
    untyped = route.replace("sepal: float, petal: float", "payload: dict")
    root = repo(tmp_path, {**SERVICE, "service/routes.py": untyped}, name="untyped")
    assert "SRV101" in fired(root)


def test_routes_that_call_no_model_are_not_a_model_service(tmp_path: Path) -> None:
    route = (
        "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.post('/runs')\n"
        "def create_run(payload: dict):\n    return {'id': infer_task_type(payload)}\n"
    )
    root = repo(tmp_path, {**SERVICE, "service/routes.py": route})
    assert "SRV101" not in fired(root)


def test_unchecked_prediction_route_is_reported_at_its_line(tmp_path: Path) -> None:
    route = (
        "from flask import Flask, request\n\napp = Flask(__name__)\n\n\n"
        "@app.get('/health')\ndef health():\n    return 'ok'\n\n\n"
        "@app.post('/predict')\ndef predict():\n    return {'y': MODEL.predict(request.json)}\n"
    )
    root = repo(tmp_path, {**SERVICE, "service/app.py": route})
    assert findings(root, "SRV101") == [
        ("service/app.py", 11, "this service predicts without checking its input against a schema")
    ]


def test_optional_imports_in_try_blocks_are_not_undeclared(tmp_path: Path) -> None:
    seed = (
        "import random\n\n\ndef seed_all(seed):\n    random.seed(seed)\n"
        "    try:  # optional\n        import torch\n\n        torch.manual_seed(seed)\n"
        "    except Exception:\n        pass\n"
    )
    files = {"requirements.txt": "scikit-learn==1.5.2\n", "train.py": TRAIN, "seed.py": seed}
    root = repo(tmp_path, files)
    assert "PKG112" not in fired(root)
    required = seed + "\n\nimport torch\n"
    root = repo(tmp_path, {**files, "seed.py": required}, name="required")
    assert [(p, n) for p, n, _ in findings(root, "PKG112")] == [("seed.py", 14)]


def test_the_deprecated_sklearn_stub_is_named(tmp_path: Path) -> None:
    root = repo(tmp_path, {"requirements.txt": "sklearn\n", "train.py": TRAIN})
    [(path, line, message)] = findings(root, "PKG112")
    assert (path, line) == ("train.py", 1) and "deprecated `sklearn` package" in message


def test_keys_that_describe_a_token_are_not_credentials(tmp_path: Path) -> None:
    manifest = (
        "kind: ConfigMap\ndata:\n  projected_token_audience: sts.amazonaws.com\n"
        "  token_url: https://auth.example.org/oauth/token\n  secret_name: prod-db-creds\n"
        "  api_token: 8f14e45fceea167a5a36dedd4bea2543\n"
    )
    root = repo(tmp_path, {"train.py": TRAIN, "k8s/identity.yaml": manifest})
    assert [(p, n) for p, n, _ in findings(root, "SEC103")] == [("k8s/identity.yaml", 6)]


def test_a_store_named_only_in_comments_is_not_expected(tmp_path: Path) -> None:
    config = (
        "import os\n\nimport mlflow\n\n# A scheme-less value (e.g. ./mlruns) is a local store.\n"
        "mlflow.set_tracking_uri(os.environ['MLFLOW_TRACKING_URI'])\n"
    )
    files = {"requirements.txt": "mlflow==2.17.0\n", "train.py": TRAIN, "track.py": config}
    files[".env.example"] = (
        "# or a local store: file:./mlruns\nMLFLOW_TRACKING_URI=http://127.0.0.1:5000\n"
    )
    files[".gitignore"] = ".env\n"
    root = repo(tmp_path, files)
    assert "TRK104" not in fired(root)
    files["track.py"] = config.replace("os.environ['MLFLOW_TRACKING_URI']", "'file:./mlruns'")
    root = repo(tmp_path, files, name="local")
    assert findings(root, "TRK104") == [(".gitignore", None, "mlruns is not git-ignored")]


def test_underlined_and_numbered_headings_count_as_sections(tmp_path: Path) -> None:
    files = {"requirements.txt": "scikit-learn==1.5.2\n", "train.py": TRAIN}
    setext = "# otto\n\nInstallation\n-------------\n\nSee dev/pip.md.\n"
    root = repo(tmp_path, {**files, "README.md": setext})
    assert "DOC101" not in fired(root)
    numbered = "# shop\n\n## 2 · 🛠 **Setup**\n\nSee docs.\n"
    root = repo(tmp_path, {**files, "README.md": numbered}, name="numbered")
    assert "DOC101" not in fired(root)
    bare = "# shop\n\nInstallation is easy.\n\n---\n"
    root = repo(tmp_path, {**files, "README.md": bare}, name="bare")
    assert "DOC101" in fired(root)


def test_a_numbered_reproduce_heading_explains_the_pipeline(tmp_path: Path) -> None:
    files = {
        "requirements.txt": "scikit-learn==1.5.2\ndvc==3.55.2\n",
        "train.py": TRAIN,
        "dvc.yaml": "stages:\n  train:\n    cmd: python train.py\n    deps: [train.py]\n"
        "    outs: [model.pkl]\n",
        "README.md": "# shop\n\n## 12 · Reproduce / validate\n\n`make check`\n",
    }
    assert "DOC102" not in fired(repo(tmp_path, files))
    files["README.md"] = "# shop\n\n## 12 · Validate\n\n`make check`\n"
    assert "DOC102" in fired(repo(tmp_path, files, name="silent"))


def test_committed_hook_scripts_are_a_hook_setup(tmp_path: Path) -> None:
    files = {"requirements.txt": "scikit-learn==1.5.2\nruff==0.9.1\n", "train.py": TRAIN}
    hooks = {"git-hooks/pre-commit.sh": "#!/bin/sh\nruff check .\n"}
    assert "QUA112" not in fired(repo(tmp_path, {**files, **hooks}))
    notes = {"git-hooks/README.md": "install hooks some day\n"}
    assert "QUA112" in fired(repo(tmp_path, {**files, **notes}, name="notes"))


def test_a_config_group_of_machines_holds_their_paths(tmp_path: Path) -> None:
    main = (
        "import hydra\n\n\n@hydra.main(config_path='conf', config_name='main')\n"
        "def main(cfg):\n    pass\n"
    )
    files = {
        "run/train.py": main,
        "run/conf/main.yaml": "defaults:\n  - env: local\n",
        "run/conf/env/local.yaml": "data_dir: /ml-docker/input/comp\n",
        "run/conf/env/kaggle.yaml": "data_dir: /kaggle/input/comp\n",
        "requirements.txt": "hydra-core==1.3.2\n",
    }
    assert "CFG104" not in fired(repo(tmp_path, files))
    files["run/conf/main.yaml"] += "output_dir: /home/alice/out\n"
    assert findings(repo(tmp_path, files, name="home"), "CFG104") == [
        ("run/conf/main.yaml", 3, "output_dir is an absolute path")
    ]


def kedro_project(tmp_path: Path, catalog: str, requirements: str, name: str = "k") -> Path:
    node = (
        "from kedro.pipeline import node\n\n"
        + TRAIN
        + "\n\ndef fit(x, y):\n    return LogisticRegression().fit(x, y)\n"
    )
    return repo(
        tmp_path,
        {
            "conf/base/catalog.yml": catalog,
            "conf/base/parameters.yml": "seed: 1\n",
            "data/01_raw/.gitkeep": "",
            "src/shop/__init__.py": "",
            "src/shop/pipeline.py": node,
            "src/requirements.txt": requirements,
        },
        name=name,
    )


def test_a_kedro_project_has_its_pipeline_catalog_and_plugin_tracking(tmp_path: Path) -> None:
    catalog = (
        "model:\n  type: pickle.PickleDataSet\n  filepath: data/06_models/model.pkl\n"
        "auc:\n  type: kedro_mlflow.io.metrics.MlflowMetricHistoryDataSet\n"
    )
    root = kedro_project(tmp_path, catalog, "kedro==0.18.14\nkedro-mlflow==0.11.10\n")
    assert not {"DVC115", "LAY106", "TRK107"} & fired(root)
    plain = kedro_project(tmp_path, catalog.split("auc:")[0], "kedro==0.18.14\n", name="plain")
    assert "TRK107" in fired(plain)


def test_a_metaflow_flow_tracks_and_versions_its_runs(tmp_path: Path) -> None:
    flow = (
        "from metaflow import FlowSpec, step\n\nimport torch\n\n\nclass Gen(FlowSpec):\n"
        "    @step\n    def start(self):\n        self.next(self.end)\n"
    )
    files = {"flow.py": flow, "requirements.txt": "metaflow==2.12.0\ntorch==2.3.0\n"}
    assert not {"DVC115", "TRK107"} & fired(repo(tmp_path, files))
    dag = "from airflow import DAG\n\nimport torch\n\n\ndef train(model, x):\n    model.train()\n"
    files = {"dags/train.py": dag, "requirements.txt": "apache-airflow==2.9.0\ntorch==2.3.0\n"}
    assert {"DVC115", "TRK107"} <= fired(repo(tmp_path, files, name="airflow"))


def test_jobs_that_train_nothing_need_no_tracker_or_dvc(tmp_path: Path) -> None:
    dag = (
        "from airflow import DAG\n\nimport tensorflow_hub as hub\nimport tensorflow\n\n\n"
        "def score(texts):\n    return hub.load('m')(texts)\n"
    )
    files = {"dags/score.py": dag, "requirements.txt": "tensorflow==2.16.1\n"}
    assert not {"DVC115", "TRK107"} & fired(repo(tmp_path, files))
    files["data/raw/news.csv"] = "id,text\n" + "1,hello\n" * 4000
    assert "DVC115" in fired(repo(tmp_path, files, name="data"))


def test_a_password_that_says_it_is_insecure_is_a_placeholder(tmp_path: Path) -> None:
    cfg = (
        "[ldap]\nbind_user = cn=Manager\nbind_password = insecure\n"
        "[webserver]\nsecret_key = Zt7qK2pW9xLm\n"
    )
    root = repo(tmp_path, {"train.py": TRAIN, "config/airflow.cfg": cfg})
    assert [(p, n) for p, n, _ in findings(root, "SEC106")] == [("config/airflow.cfg", 5)]


def test_a_dvc_remote_in_one_home_folder_is_reported(tmp_path: Path) -> None:
    config = "[core]\n    remote = storage\n['remote \"storage\"']\n    url = {}\n"
    files = {"train.py": TRAIN, "dvc.yaml": "stages: {}\n"}
    root = repo(tmp_path, {**files, ".dvc/config": config.format("/home/alice/Projects/store")})
    assert [(p, n) for p, n, _ in findings(root, "DVC117")] == [(".dvc/config", 4)]
    shared = config.format("s3://team-bucket/dvc")
    assert "DVC117" not in fired(repo(tmp_path, {**files, ".dvc/config": shared}, name="s3"))
