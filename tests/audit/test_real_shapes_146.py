"""Shapes met on the hundred-and-forty-sixth and later sets of public repositories.

Each test writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import TRAIN_SCRIPT as TRAIN
from audit.support import places, repo

# Fallbacks a module gives credentials it reads from the environment. The values are made
# up for this test.
SETTINGS = """import os

DB_PASSWORD = os.getenv('DB_PASSWORD', 'Qm7rTz2KpW9xLs')
MYSQL_PASSWORD = os.getenv("MYSQL_PASSWORD", default="Vb4nR8cJqX2mZt5kLp9wHd3F")
API_KEY = os.environ.get("API_KEY", "c81f4e2a9b7d3c6e5f0a1b2c3d4e5f6a")
POSTGRES_PASSWORD = os.getenv("POSTGRES_PASSWORD", "postgres")
MINIO_SECRET_KEY = os.getenv("MINIO_SECRET_KEY", "minioadmin")
JWT_SECRET = os.getenv("JWT_SECRET", "your-secret-key-change-in-production")
SMOKE_PASSWORD = os.getenv("SMOKE_PASSWORD", "SmokePass123!")
TOKEN_NAME = os.getenv("HF_TOKEN_NAME", "Uploader2024Token")
SEED = os.getenv("RANDOM_SEED", "Kx83mPq02Lz")
"""


def test_a_literal_fallback_of_a_credential_read_from_the_environment(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.6.1\n",
        "train.py": TRAIN,
        "app/settings.py": SETTINGS,
        "tests/test_settings.py": "import os\n\nPW = os.getenv('PW_PASSWORD', 'Qm7rTz2KpW9xLs')\n",
        ".gitignore": ".venv/\n",
    }
    root = repo(tmp_path, files, "fallbacks")
    assert places(root, "SEC106") == ["app/settings.py:3"]
    assert sorted(places(root, "SEC103")) == ["app/settings.py:4", "app/settings.py:5"]
    allowed = SETTINGS.replace("'Qm7rTz2KpW9xLs')", "'Qm7rTz2KpW9xLs')  # pragma: allowlist secret")
    assert places(repo(tmp_path, {**files, "app/settings.py": allowed}, "allowed"), "SEC106") == []
