"""Shapes met on a forty-third set of public repositories the audit had never seen.

A sentiment service on AWS Lambda whose route declares its text with constraints the
framework checks. The test writes the shape here and checks the false finding gone and
the real one kept.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from audit.support import places, repo

TRAIN = "from sklearn.svm import SVC\n\nSVC().fit([[0], [1]], [0, 1])\n"


@pytest.mark.parametrize(
    "parameter",
    [
        "input_text: str = Query(..., min_length=2)",
        "input_text: Annotated[str, Query(max_length=512)]",
        "input_text: str = Body(..., pattern='^[a-z ]+$')",
    ],
)
def test_a_route_that_declares_constraints(tmp_path: Path, parameter: str) -> None:
    router = (
        "from typing import Annotated\n\nfrom fastapi import APIRouter, Body, Query\n"
        "from sentiment import model\n\nrouter = APIRouter()\n\n\n"
        f"@router.post('/classify')\nasync def predict({parameter}):\n"
        "    return model.predict(input_text)\n"
    )
    files: dict[str, str | bytes] = {
        "requirements.txt": "fastapi==0.115.0\nscikit-learn==1.5.2\n",
        "train.py": TRAIN,
        "classifier_router.py": router,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "constrained"), "SRV101") == []
    bare = router.replace(parameter, "input_text: str")
    assert places(repo(tmp_path, {**files, "classifier_router.py": bare}, "bare"), "SRV101") == [
        "classifier_router.py:9"
    ]
