"""Shapes met on a twenty-second set of public repositories the audit had never seen.

Notebooks exported as scripts, a dependency installed through another's extra, and a
template's sample_data/ folder. Each test writes the shape here and checks the false
finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import fired, places, repo
from mlops_kit.audit.profile import profile_of
from mlops_kit.audit.repo import RepoView

EXPORTED = (
    "#!/usr/bin/env python\n# coding: utf-8\n\n# In[ ]:\n\n\nimport pandas as pd\n\n\n"
    "# In[ ]:\n\n\ndf = pd.read_csv('train.csv')\n"
)


def test_notebooks_exported_as_scripts_are_a_notebook_collection(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "README.md": "# Kaggle notebooks\n\nNotebooks converted to Python files.\n",
        **{f"converted/kernel_{n}.py": EXPORTED for n in range(6)},
    }
    root = repo(tmp_path, files, "exported")
    assert profile_of(RepoView(root)).layout == "notebooks"
    assert not {"LAY104", "LAY105", "QUA110", "QUA112"} & fired(root)
    # the same files as plain scripts are a project's code
    plain = {f"converted/kernel_{n}.py": EXPORTED.replace("# In[ ]:", "#") for n in range(6)}
    assert profile_of(RepoView(repo(tmp_path, plain, "plain"))).layout == "scripts"


def test_a_dependency_installed_through_an_extra_is_declared(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "snowflake-connector-python[pandas]==3.12.3\ntorch==2.5.1\n",
        "train.py": "import torch\n\ntorch.nn.Linear(1, 1)(torch.ones(1)).backward()\n",
        "reporting.py": "import pandas as pd\n\npd.DataFrame()\n",
    }
    assert places(repo(tmp_path, files, "extra"), "PKG112") == []
    bare = {**files, "requirements.txt": "snowflake-connector-python==3.12.3\ntorch==2.5.1\n"}
    assert places(repo(tmp_path, bare, "bare"), "PKG112") == ["reporting.py:1"]


def test_a_templates_sample_data_is_example_input(tmp_path: Path) -> None:
    rows = "".join(f'{{"prompt": "q{n}", "completion": "a{n}"}}\n' for n in range(2000))
    files: dict[str, str | bytes] = {
        "requirements.txt": "torch==2.5.1\n",
        "train.py": "import torch\n\ntorch.nn.Linear(1, 1)(torch.ones(1)).backward()\n",
        "sample_data/chat-1k.jsonl": rows,
    }
    assert "DAT102" not in fired(repo(tmp_path, files, "sample"))
    kept = {**files, "corpus/chat-1k.jsonl": rows}
    assert places(repo(tmp_path, kept, "kept"), "DAT102") == ["corpus/chat-1k.jsonl"]
