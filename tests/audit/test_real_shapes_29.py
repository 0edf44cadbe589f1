"""Shapes met on a twenty-ninth set of public repositories the audit had never seen.

A forecasting platform whose package sits beside a `training/` package and Airflow DAGs
that train, Terraform trust policies keyed by quoted OIDC claims, a URL format written
with its optional parts bracketed, and a package module named `setup.py`. Each test
writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import fired, places, repo
from mlops_kit.audit.profile import profile_of
from mlops_kit.audit.repo import RepoView

PYPROJECT = '[project]\nname = "gdf"\nversion = "0.1.0"\ndependencies = ["boto3==1.33.13"]\n'


def test_a_package_beside_training_is_a_project(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": PYPROJECT,
        "gdf/__init__.py": "",
        "gdf/warehouse.py": "import boto3\n",
        ".gitignore": "data/\n",
    }
    assert profile_of(RepoView(repo(tmp_path, files, "library"))).kind == "library"
    package = {**files, "training/__init__.py": "", "training/fit.py": "import lightgbm\n"}
    assert profile_of(RepoView(repo(tmp_path, package, "package"))).kind == "project"
    dag = {**files, "orchestration/airflow/dags/21_train_lightgbm_ecs.py": "import airflow\n"}
    assert profile_of(RepoView(repo(tmp_path, dag, "dag"))).kind == "project"


TRUST_POLICY = """resource "aws_iam_role" "ci" {
  assume_role_policy = jsonencode({
    Statement = [{
      Condition = {
        StringEquals = {
          "token.actions.githubusercontent.com:aud" = var.oidc_audience
        }
      }
    }]
  })
}
"""


def test_a_quoted_terraform_key_set_to_a_reference(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"infra/main.tf": TRUST_POLICY, "README.md": "# infra\n"}
    assert places(repo(tmp_path, files, "reference"), "SEC106") == []
    # A quoted credential key set to a literal is read (a host-named condition key is not
    # a credential's name: its value is an audience, `sts.amazonaws.com`).
    literal = TRUST_POLICY.replace(
        '"token.actions.githubusercontent.com:aud" = var.oidc_audience',
        '"db_password" = "Xk29pLq7Wm4z"',
    )
    assert places(repo(tmp_path, {**files, "infra/main.tf": literal}, "literal"), "SEC106") == [
        "infra/main.tf:6"
    ]


def test_a_url_format_with_optional_parts_is_no_password(tmp_path: Path) -> None:
    storage = (
        "def url(user, password, host):\n"
        "    # Format: mysql://[user[:password]@]host[:port]/database\n"
        '    return f"mysql://{user}@{host}/optuna"\n'
    )
    files: dict[str, str | bytes] = {"requirements.txt": "optuna==4.1.0\n", "storage.py": storage}
    assert "SEC102" not in fired(repo(tmp_path, files, "format"))
    real = storage.replace("[user[:password]@]host", "optuna:Xk29pLq7@db.internal")
    assert "SEC102" in fired(repo(tmp_path, {**files, "storage.py": real}, "real"))


def test_a_package_module_named_setup_is_no_manifest(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "setup.py": 'from setuptools import setup\n\nsetup(name="pic", packages=["pic"])\n',
        "pic/__init__.py": "",
        "pic/utils/__init__.py": "",
        "pic/utils/setup.py": "import random\n\n\ndef seed(n):\n    random.seed(n)\n",
        "tools/setup.py": 'from setuptools import setup\n\nsetup(name="tools")\n',
    }
    manifests = profile_of(RepoView(repo(tmp_path, files, "module"))).manifests
    assert "pic/utils/setup.py" not in manifests
    assert {"setup.py", "tools/setup.py"} <= set(manifests)
