"""Shapes met on a thirty-seventh set of public repositories the audit had never seen.

A solar-forecasting project whose README describes its dataset under a heading written in
bold. Each test writes the shape here and checks the false finding gone and the real one
kept.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from audit.support import fired, repo


@pytest.mark.parametrize(
    "heading", ["## **Dataset Description**", "### __Data__", "## **Data:**", "## Dataset **"]
)
def test_a_data_heading_written_in_bold(tmp_path: Path, heading: str) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "pandas==2.2.3\n",
        "pipeline.py": "import pandas as pd\n",
        "data/training_data.csv": "a,b\n1,2\n",
        "README.md": f"# Solar\n\n{heading}\n\nFrom Kaggle's HI-SEAS station records.\n",
        ".gitignore": "*.pyc\n",
    }
    assert "LAY106" not in fired(repo(tmp_path, files, "bold"))
    bare = {**files, "README.md": "# Solar\n\n## **Usage**\n\nmake all\n"}
    assert "LAY106" in fired(repo(tmp_path, bare, "bare"))
