"""Shapes met on a forty-fourth set of public repositories the audit had never seen.

An LLM fine-tuning pipeline whose `data/` holds only the sample its quick start uses.
The test writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import fired, repo


def test_a_data_folder_of_a_shipped_sample(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "pyproject.toml": '[project]\nname = "ft"\nversion = "0.1.0"\n',
        "scripts/train.py": "from transformers import Trainer\n\nTrainer().train()\n",
        "data/sample/sample_alpaca.json": '[{"instruction": "hi", "output": "hello"}]\n',
        "data/sample/.gitkeep": "",
        ".gitignore": "data/processed/\n",
    }
    assert "LAY106" not in fired(repo(tmp_path, files, "sample"))
    raw = {**files, "data/raw/train.json": '[{"instruction": "a", "output": "b"}]\n'}
    assert "LAY106" in fired(repo(tmp_path, raw, "raw"))
