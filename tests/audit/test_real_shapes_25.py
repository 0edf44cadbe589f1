"""Shapes met on a twenty-fifth set of public repositories the audit had never seen.

Starter templates with an empty data/ folder, a repository of documents only, and a
dependency on a PyTorch framework that installs torch. Each test writes the shape here
and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import fired, places, repo

TRAIN = "import torch\n\nmodel = torch.nn.Linear(1, 1)\nmodel(torch.ones(1)).backward()\n"


def test_a_starter_templates_empty_data_folder_needs_no_readme(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "torch==2.5.1\n",
        "src/train.py": TRAIN,
        "data/.gitkeep": "",
        "README.md": "# PyTorch-IE-Hydra-Template\n\nA clean template to kickstart a project.\n",
    }
    assert "LAY106" not in fired(repo(tmp_path, files, "template"))
    project = {**files, "README.md": "# Relation extraction\n\nOur model for contracts.\n"}
    assert "LAY106" in fired(repo(tmp_path, project, "project"))


def test_a_repository_of_documents_needs_no_gitignore(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "README.md": "# Recommendation pipeline\n\nThe plan for the project.\n",
        "project_description/README.md": "# Description\n",
    }
    assert "LAY108" not in fired(repo(tmp_path, files, "docs"))
    code = {**files, "pipeline.py": "print('x')\n"}
    assert "LAY108" in fired(repo(tmp_path, code, "code"))


def test_a_pytorch_framework_installs_torch(tmp_path: Path) -> None:
    pyproject = (
        '[project]\nname = "relex"\nversion = "0.1.0"\n'
        'dependencies = ["pytorch-ie>=0.33,<0.34", "hydra-core>=1.3"]\n'
    )
    files: dict[str, str | bytes] = {
        "pyproject.toml": pyproject,
        "relex/__init__.py": "",
        "relex/callbacks.py": "import torch\n\ntorch.ones(1)\n",
    }
    assert places(repo(tmp_path, files, "framework"), "PKG105") == []
    bare = {**files, "pyproject.toml": pyproject.replace('"pytorch-ie>=0.33,<0.34", ', "")}
    assert places(repo(tmp_path, bare, "bare"), "PKG105") == ["relex/callbacks.py:1"]
