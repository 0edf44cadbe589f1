"""Shapes met on a thirty-fourth set of public repositories the audit had never seen.

A course project that committed `kaggle.json`, the credentials file of Kaggle's API. The
test writes the shape here and checks the key found and a placeholder left alone.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import places, repo

# A made-up key of the real format (32 hexadecimal characters), split: the kit audits itself.
KEY = "7f3a9c1e5b2d84a6" + "c0e9f1b3d5a7c9e2"


def test_a_committed_kaggle_credentials_file(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "kaggle.json": '{"username":"ana","key":"' + KEY + '"}',
        "requirements.txt": "kaggle==1.6.17\n",
        ".gitignore": "data/\n",
    }
    assert places(repo(tmp_path, files, "committed"), "SEC101") == ["kaggle.json:1"]
    example = {**files, "kaggle.json": '{"username":"<your-user>","key":"<your-key>"}'}
    assert places(repo(tmp_path, example, "example"), "SEC101") == []
