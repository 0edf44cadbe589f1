"""Shapes met on a thirty-fifth set of public repositories the audit had never seen.

Kubeflow / Vertex AI pipelines: components that install their own packages and log
metrics artifacts, and READMEs whose setup is a make target or `uv run`. Each test writes
the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import fired, places, repo

COMPONENT = """from kfp.dsl import Input, Metrics, Output, component


@component(packages_to_install=["xgboost==2.1.3", "pandas"])
def train(data: Input[Metrics], metrics: Output[Metrics]):
    import xgboost

    model = xgboost.XGBClassifier()
    model.fit([[0], [1]], [0, 1])
    metrics.log_metric("auc", 0.9)
"""


def test_a_pipeline_component_installs_and_tracks(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "kfp==2.10.1\n",
        "components/train.py": COMPONENT,
        "README.md": "# churn\n\n## Setup\n\npip install -r requirements.txt\n",
        ".gitignore": "build/\n",
    }
    root = repo(tmp_path, files, "component")
    assert places(root, "PKG112") == []
    assert "TRK107" not in fired(root)
    bare = COMPONENT.replace('packages_to_install=["xgboost==2.1.3", "pandas"]', "").replace(
        "metrics: Output[Metrics]", "metrics"
    )
    root = repo(tmp_path, {**files, "components/train.py": bare}, "bare")
    assert places(root, "PKG112") == ["components/train.py:6"]
    assert "TRK107" in fired(root)


def test_setup_by_make_target_or_uv_run(tmp_path: Path) -> None:
    def with_readme(text: str) -> dict[str, str | bytes]:
        return {
            "pyproject.toml": '[project]\nname = "p"\nversion = "0.1.0"\n',
            "pipeline.py": "import kfp\n",
            "train.py": "from sklearn.svm import SVC\n\nSVC().fit([[0], [1]], [0, 1])\n",
            "README.md": text,
            ".gitignore": "build/\n",
        }

    make = "# P\n\n## Step 2. Building python environment\n\nmake build-python-environment\n"
    assert "DOC101" not in fired(repo(tmp_path, with_readme(make), "make"))
    uv = "# P\n\n## pipeline\n\nuv run inv build-pipeline\n"
    assert "DOC101" not in fired(repo(tmp_path, with_readme(uv), "uv"))
    bare = "# P\n\nA pipeline on Vertex AI.\n"
    assert "DOC101" in fired(repo(tmp_path, with_readme(bare), "bare"))
