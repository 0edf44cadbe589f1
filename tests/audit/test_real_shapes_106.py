"""Shapes met on the hundred-and-sixth to hundred-and-ninth sets of public repositories.

Each test writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import TRAIN_SCRIPT as TRAIN
from audit.support import places, repo


def test_an_env_example_the_readme_copies_to_dot_env(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "python-dotenv==1.1.0\nscikit-learn==1.6.1\n",
        "train.py": "from dotenv import load_dotenv\n\nload_dotenv()\n" + TRAIN,
        "config.env.example": "DB_USER=app\nDB_PASSWORD=\n",
        "README.md": "# Churn\n\n```bash\ncp config.env.example .env\n```\n",
        ".gitignore": ".venv/\n.env\n",
    }
    assert places(repo(tmp_path, files, "copied"), "SEC104") == []
    bare = {**files, ".gitignore": ".venv/\n"}
    found = places(repo(tmp_path, bare, "bare"), "SEC104")
    assert found == [".gitignore"]
    # Without the copy instruction, config.env is the file the credentials go to.
    plain = {**files, "README.md": "# Churn\n", ".gitignore": ".venv/\n.env\n"}
    assert places(repo(tmp_path, plain, "plain"), "SEC104") == [".gitignore"]
