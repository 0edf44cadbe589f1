"""Shapes met on a twelfth set of public repositories the audit had never seen.

A library importing pandas that geopandas brings, an app whose streamlit brings it, an
env file with an empty value and a comment, a CI job's service database, a made-up user
and password pair, a URI to a host that cannot exist, and Databricks tracking URIs. Each
test reproduces the shape with files written here: a false problem gone, the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import places, repo

LIBRARY = (
    '[project]\nname = "geo"\nversion = "1.0"\n'
    'dependencies = ["geopandas>=0.11,<1", "numpy>=1.26"]\n'
)


def test_a_declared_distribution_that_installs_the_import_declares_it(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": LIBRARY,
        "geo/__init__.py": "",
        "geo/io.py": "import pandas as pd\n",
    }
    assert places(repo(tmp_path, files, "brought"), "PKG105") == []
    plain = {**files, "pyproject.toml": LIBRARY.replace("geopandas>=0.11,<1", "shapely>=2")}
    assert places(repo(tmp_path, plain, "missing"), "PKG105") == ["geo/io.py:1"]
    app = {
        "requirements.txt": "streamlit==1.28.0\n",
        "pages/agent.py": "import pandas as pd\nimport torch\n",
    }
    # streamlit brings pandas; nothing brings torch
    assert places(repo(tmp_path, app, "app"), "PKG112") == ["pages/agent.py:2"]


def test_credentials_that_protect_nothing_are_not_reported(tmp_path: Path) -> None:
    workflow = (
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    services:\n"
        "      postgres:\n        image: postgres:15\n        env:\n"
        "          POSTGRES_USER: churn\n          POSTGRES_PASSWORD: churn_ci_Zq8vT2\n"
        "    steps:\n      - run: pytest\n        env:\n"
        "          POSTGRES_PASSWORD: churn_ci_Zq8vT2\n"
        "          DEPLOY_TOKEN: Wm4kQ9rT2zXpLs\n"
    )
    env = "API_USERNAME=${API_USER}\nAPI_TOKEN=  # optional: a token made earlier\n"
    alerts = (
        "receivers:\n  - name: ops\n    http_config:\n      basic_auth:\n"
        "        username: 'alertuser'\n        password: 'alertpass'\n"
    )
    root = repo(
        tmp_path,
        {
            ".github/workflows/ci.yml": workflow,
            ".env.production": env,
            "monitoring/alertmanager.yml": alerts,
            "app.py": "print('hi')\n",
        },
    )
    # only the deploy token, which is not the service database's password, is reported
    assert places(root, "SEC106") == [".github/workflows/ci.yml:15"]


def test_a_uri_to_a_host_that_cannot_exist_is_not_a_leak(tmp_path: Path) -> None:
    log = (
        "```\ndocker run -e MLFLOW_TRACKING_URI="
        '"postgresql://invalid_user:wr0ngPass@db-host.invalid:5432/postgres" api\n```\n'
        "Docs: postgresql://analyst:Zq8vT2mpLx@warehouse.example.com/db\n"
        "Prod: postgresql://analyst:Zq8vT2mpLx@warehouse.acme.io/db\n"
    )
    root = repo(tmp_path, {"milestones/logs.md": log, "app.py": "print('hi')\n"})
    assert places(root, "SEC102") == ["milestones/logs.md:5"]


def test_databricks_tracking_uris_name_a_workspace_profile(tmp_path: Path) -> None:
    code = (
        "import os\n\nimport mlflow\n\nprofile = os.environ.get('PROFILE')\n"
        'mlflow.set_tracking_uri(f"databricks://{profile}")\n'
        'mlflow.set_registry_uri(f"databricks-uc://{profile}")\n'
        'mlflow.set_tracking_uri("databricks")\n'
        'mlflow.set_tracking_uri("http://10.0.0.12:5000")\n'
        "model.fit(X, y)\n"
    )
    root = repo(tmp_path, {"requirements.txt": "mlflow==3.5.0\n", "train.py": code})
    assert places(root, "TRK103") == ["train.py:9"]
