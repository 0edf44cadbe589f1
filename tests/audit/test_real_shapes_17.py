"""Shapes met on a seventeenth set of public repositories the audit had never seen.

A solution that ships its sample features as pickled mappings under sample-data/. The
test reproduces the shape with files written here: the false problem gone, a real
committed model kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import places, repo

PICKLE = b"\x80\x04\x95" + bytes(range(256)) * 40  # about 10 KB, above the small-model floor


def test_pickled_data_in_a_data_folder_is_not_a_model(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "pandas==2.2.3\n",
        "src/recall.py": "import pandas as pd\n",
        "sample-data/feature/action/embed_raw_item_mapping.pickle": PICKLE,
        "data/processed/user_ids.pkl": PICKLE,
        "data/06_models/regressor.pkl": PICKLE,
        "models/ranker.pkl": PICKLE,
    }
    assert places(repo(tmp_path, files), "DAT103") == [
        "data/06_models/regressor.pkl",
        "models/ranker.pkl",
    ]
