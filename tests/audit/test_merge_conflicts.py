"""QUA113: conflict markers committed in code and configuration, not in prose or tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from audit.support import TRAINING_PROJECT as TRAINING
from audit.support import places, repo
from mlops_kit.audit.rules.quality import conflict_line

CONFLICT = "<<<<<<< HEAD\npandas==2.2.3\n=======\npandas==2.1.0\n>>>>>>> feature/eda\n"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("numpy==1.26.4\n" + CONFLICT, 2),
        (CONFLICT.replace("\n", "\r\n"), 1),  # written on Windows
        ("<<<<<<< ours\na\n||||||| base\nb\n=======\nc\n>>>>>>> theirs\n", 1),  # diff3
        ("<<<<<<<\na\n=======\nb\n>>>>>>>", 1),  # bare markers, no final line break
        ("a\n<<<<<<< HEAD\nb\n<<<<<<< HEAD\nc\n=======\nd\n>>>>>>> x\n", 4),  # the whole one
        ("<<<<<<< HEAD\na\n>>>>>>> x\n", None),  # no divider
        ("<<<<<<< HEAD\na\n=======\nb\n", None),  # never closed
        ("  <<<<<<< HEAD\na\n=======\nb\n  >>>>>>> x\n", None),  # not at a line start
        ("<<<<<<<< HEAD\na\n=======\nb\n>>>>>>>> x\n", None),  # eight: not git's
        ("x = '<<<<<<< HEAD'\n=======\n>>>>>>> x\n", None),
        ("", None),
    ],
)
def test_a_whole_conflict_is_found_at_its_first_marker(text: str, line: int | None) -> None:
    assert conflict_line(text) == line


def test_many_opening_markers_are_read_in_linear_time() -> None:
    text = "<<<<<<< HEAD\n=======\n" * 50_000
    assert conflict_line(text) is None


def test_a_conflict_in_requirements_code_config_or_a_notebook(tmp_path: Path) -> None:
    notebook = '{\n "cells": [],\n' + CONFLICT.replace("pandas", '"pandas') + ' "nbformat": 4\n}\n'
    files: dict[str, str | bytes] = {
        **TRAINING,
        "requirements.txt": "numpy==1.26.4\n" + CONFLICT,
        "src/train.py": "import pandas\n" + CONFLICT.replace("pandas==", "VERSION = "),
        "conf/config.yaml": "seed: 42\n" + CONFLICT.replace("pandas==", "pandas: "),
        "notebooks/eda.ipynb": notebook,
    }
    found = repo(tmp_path, files, "conflicts")
    assert sorted(places(found, "QUA113")) == [
        "conf/config.yaml:2",
        "notebooks/eda.ipynb:3",
        "requirements.txt:2",
        "src/train.py:2",
    ]


def test_prose_and_test_fixtures_that_show_conflicts_are_not_read(tmp_path: Path) -> None:
    guide = "# Resolving conflicts\n\nGit marks them so:\n\n```\n" + CONFLICT + "```\n"
    files: dict[str, str | bytes] = {
        **TRAINING,
        "docs/git.md": guide,
        "docs/git.txt": CONFLICT,
        "tests/fixtures/conflicted.yaml": CONFLICT,
        "tests/test_merge.py": f"TEXT = '''\n{CONFLICT}'''\n",
    }
    assert places(repo(tmp_path, files, "prose"), "QUA113") == []
