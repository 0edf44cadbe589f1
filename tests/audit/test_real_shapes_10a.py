"""Shapes met on a tenth set of public repositories the audit had never seen (part one).

A library whose package is a namespace folder Poetry builds by name, a library that
leaves PyTorch to its users, documented placeholder credentials, a tracking password
set in a notebook and exported in a README, and a notebook collection's data folder.
Each test reproduces the shape with files written here: a false problem gone, the real
one kept.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

from audit.support import audit, places, repo
from mlops_kit.audit.profile import profile_of
from mlops_kit.audit.repo import RepoView
from mlops_kit.audit.secrets import is_placeholder

POETRY = (
    '[tool.poetry]\nname = "pytorch_shapes"\nversion = "1.0"\n\n'
    '[tool.poetry.dependencies]\npython = ">=3.9"\ntorch = ">=2.0"\n\n'
    '[tool.poetry.dev-dependencies]\npandas = "2.2.3"\npytest = "8.3.3"\n\n'
    '[build-system]\nrequires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n'
)


def test_a_namespace_package_named_like_the_distribution_is_its_package(
    tmp_path: Path,
) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": POETRY,
        "poetry.lock": "# lock\n",
        "pytorch_shapes/model.py": "import torch\n\n\ndef fit(x):\n    return x\n",
        "pytorch_shapes/frames.py": "import pandas as pd\n",
        "census_example.ipynb": json.dumps({"cells": [], "nbformat": 4}),
        "tests/test_model.py": "def test_x():\n    assert True\n",
    }
    root = repo(tmp_path, files)
    profile = profile_of(RepoView(root))
    assert profile.packages == ("pytorch_shapes",)
    assert profile.kind == "library"
    found = {issue.rule for issue in audit(root).issues}
    # a library: no dataset, experiment tracking or settings of its own to report
    assert not {"DVC115", "TRK107", "LAY105"} & found
    # the package's import of a dev-only dependency is the package's problem: an error
    assert places(root, "PKG105") == ["pytorch_shapes/frames.py:1"]
    # without the name match, a folder of modules stays a folder of scripts
    other = repo(tmp_path, {**files, "pyproject.toml": POETRY.replace("pytorch_shapes", "x")}, "o")
    assert profile_of(RepoView(other)).packages == ()


def test_a_readme_that_sends_users_to_pytorch_org_provides_torch(tmp_path: Path) -> None:
    setup = 'from setuptools import setup\nsetup(name="rl", packages=["rl"])\n'
    files: dict[str, str | bytes] = {
        "setup.py": setup,
        "requirements.txt": "numpy==2.1.0\n",
        "rl/__init__.py": "",
        "rl/agent.py": "import torch\n",
        "rl/browser.py": "import pandas as pd\n",
    }
    readme = "# rl\n\n`rl` requires Python 3.8+ and [PyTorch (>= 1.7)](https://pytorch.org).\n"
    root = repo(tmp_path, {**files, "README.md": readme})
    # torch is the user's choice of build; pandas is still declared nowhere
    assert places(root, "PKG105") == ["rl/browser.py:1"]
    # a README that only links the PyTorch site (no instruction) provides nothing
    linked = repo(tmp_path, {**files, "README.md": "See https://pytorch.org for docs.\n"}, "l")
    assert places(linked, "PKG105") == ["rl/agent.py:1", "rl/browser.py:1"]


def test_documented_placeholder_credentials_are_not_secrets(tmp_path: Path) -> None:
    basic = base64.b64encode(b"secret:key").decode()
    real = base64.b64encode(b"svc-reporting:Zq8#vT2m!pLx").decode()
    settings = (
        "server:\n  auth:\n    enabled: false\n"
        "    # 'secret' is the username and 'key' the password by default\n"
        f'    secret: "Basic {basic}"\n'
    )
    test_settings = 'server:\n  auth:\n    secret: "foo bar; dummy secret"\n'
    leaked = f'server:\n  auth:\n    secret: "Basic {real}"\n'
    root = repo(
        tmp_path,
        {
            "settings.yaml": settings,
            "settings-test.yaml": test_settings,
            "settings-prod.yaml": leaked,
            "app.py": "print('hi')\n",
        },
    )
    assert places(root, "SEC106") == ["settings-prod.yaml:3"]


def test_placeholder_words_run_together_are_placeholders() -> None:
    for value in ("asecretkey", "yoursecretkey", "apikeyhere", "my-secure-token-here"):
        assert is_placeholder(value), value
    for value in ("mysecretpassword", "hunter2hunter2", "payments", "6824692c47a369aa6f9eac"):
        assert not is_placeholder(value), value


def test_a_tracking_password_set_in_code_or_exported_in_a_readme_is_reported(
    tmp_path: Path,
) -> None:
    token = "6824692c47a369aa6f9eac5b10041d5c8edbcef0"  # pragma: allowlist secret
    cell = {
        "cell_type": "code",
        "metadata": {},
        "outputs": [],
        "execution_count": None,
        "source": [
            "import os\n",
            'os.environ["MLFLOW_TRACKING_URI"] = "https://tracking.example.org/p.mlflow"\n',
            f'os.environ["MLFLOW_TRACKING_PASSWORD"] = "{token}"\n',
        ],
    }
    notebook = json.dumps({"cells": [cell], "nbformat": 4}, indent=1)
    readme = (
        "# Churn\n\n```bash\nexport MLFLOW_TRACKING_USERNAME=analyst\n"
        f"export MLFLOW_TRACKING_PASSWORD={token}\n```\n"
    )
    placeholders = (
        "```sh\nexport AWS_ACCESS_KEY_ID=anaccesskey\n"
        'export AWS_SECRET_ACCESS_KEY="asecretkey"\n'
        "export POSTGRES_USER=payments\nexport POSTGRES_PASSWORD=payments\n"
        "export HF_TOKEN=$HF_TOKEN\n```\n"
    )
    script = (
        "import os\n\n"
        'os.environ.setdefault("API_KEY", "<your key>")\n'
        'os.environ["DB_PASSWORD"] = os.getenv("VAULT_DB_PASSWORD", "")\n'
    )
    root = repo(
        tmp_path,
        {
            "research/evaluate.ipynb": notebook,
            "README.md": readme,
            "docs/setup.md": readme,  # docs folders show examples
            "infra/NOTES.md": placeholders,
            "connect.py": script,
            "tests/test_env.py": f'import os\nos.environ["MLFLOW_TRACKING_PASSWORD"] = "{token}"\n',
        },
    )
    issues = [i for i in audit(root).issues if i.rule == "SEC105"]
    in_notebook = next(
        n for n, line in enumerate(notebook.splitlines(), 1) if "TRACKING_PASSWORD" in line
    )
    assert [f"{i.path}:{i.line}" for i in issues] == [
        "README.md:5",
        f"research/evaluate.ipynb:{in_notebook}",
    ]
    assert all(token not in i.message and "MLFLOW_TRACKING_PASSWORD" in i.message for i in issues)


def test_a_notebook_collection_needs_no_data_readme(tmp_path: Path) -> None:
    notebook = json.dumps({"cells": [], "nbformat": 4})
    files: dict[str, str | bytes] = {f"Topic {n}.ipynb": notebook for n in range(6)}
    files.update({"data/ratings.csv": "a,b\n1,2\n", "util.py": "import pandas\n"})
    root = repo(tmp_path, files)
    assert "LAY106" not in {i.rule for i in audit(root).issues}
    # a pipeline project keeps the rule
    pipeline = {**files, "dvc.yaml": "stages:\n  a:\n    cmd: python util.py\n"}
    assert "LAY106" in {i.rule for i in audit(repo(tmp_path, pipeline, "p")).issues}


def test_one_password_repeated_in_a_compose_file_is_one_finding(tmp_path: Path) -> None:
    uri = "postgresql://churn:Zq8vT2mpLx41@db:5432/{}"  # pragma: allowlist secret
    services = "".join(
        f"  {name}:\n    environment:\n      DATABASE_URL: {uri.format(name)}\n"
        for name in ("api", "worker", "scheduler")
    )
    other = "  cache:\n    environment:\n      URL: redis://app:Wm4kQ9rT2zXp@redis:6379/0\n"
    root = repo(tmp_path, {"compose.yaml": "services:\n" + services + other})
    issues = [i for i in audit(root).issues if i.rule == "SEC102"]
    # the repeated database password once, at its first line; the other secret apart
    assert [(i.line, i.message.endswith("(also on other lines)")) for i in issues] == [
        (4, True),
        (13, False),
    ]
