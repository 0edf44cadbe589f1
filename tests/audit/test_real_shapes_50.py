"""Shapes met on a fiftieth set of public repositories the audit had never seen.

A credit-risk model whose feature specification names the category tokens its encoder
uses for missing, rare and unknown values (`"missing_token": "__MISSING__"`). The test
writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import places, repo

SPEC = (
    '{\n  "categorical": {\n    "missing_token": "__MISSING__",\n'
    '    "rare_token": "__OTHER__",\n    "unknown_token": "__OTHER__",\n'
    '    "pad_token": "pad-0"\n  }\n}\n'
)


def test_an_encoders_category_tokens_are_no_credentials(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "scikit-learn==1.5.2\n",
        "train.py": "from sklearn.svm import SVC\n\nSVC().fit([[0], [1]], [0, 1])\n",
        "data/artifacts/feature_spec_v1.json": SPEC,
        ".gitignore": ".venv/\n",
    }
    assert places(repo(tmp_path, files, "spec"), "SEC106") == []
    # a credential beside them is still one
    secret = SPEC.replace('"pad_token": "pad-0"', '"api_token": "s3cr3t-Value-42"')
    found = places(
        repo(tmp_path, {**files, "data/artifacts/feature_spec_v1.json": secret}, "key"), "SEC106"
    )
    assert found == ["data/artifacts/feature_spec_v1.json:6"]
