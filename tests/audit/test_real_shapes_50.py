"""Shapes met on the fiftieth and fifty-first sets of public repositories never audited.

A credit-risk model whose feature specification names the category tokens its encoder
uses for missing, rare and unknown values (`"missing_token": "__MISSING__"`); a package
named after its distribution that trains on the loan data committed beside it. Each test
writes the shape here and checks the false finding gone and the real one kept.
"""

from __future__ import annotations

from pathlib import Path

from audit.support import audit, places, repo

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


def test_a_package_that_trains_on_committed_datasets_is_a_project(tmp_path: Path) -> None:
    # hold-out 51: a src package named after its distribution, with a training module
    # and the loan data it trains on under data/: an application, not a library
    files: dict[str, str | bytes] = {
        "pyproject.toml": (
            '[project]\nname = "loan-default-ml-pipeline"\nversion = "0.1.0"\n'
            'dependencies = ["scikit-learn>=1.5"]\n'
        ),
        "src/loan_default_ml_pipeline/__init__.py": "",
        "src/loan_default_ml_pipeline/training/__init__.py": "",
        "src/loan_default_ml_pipeline/training/train_model.py": (
            "from sklearn.svm import SVC\n\n\ndef fit(x, y):\n    return SVC().fit(x, y)\n"
        ),
        "data/raw/loans.csv": "id,default\n" + "".join(f"{i},0\n" for i in range(30_000)),
        ".gitignore": ".venv/\n",
    }
    root = repo(tmp_path, files, "trains")
    assert audit(root).profile.kind == "project"
    assert places(root, "DAT102") == ["data/raw/loans.csv"]
    # without the data it stays a library: a package named after its distribution
    library = {k: v for k, v in files.items() if not k.startswith("data/")}
    assert audit(repo(tmp_path, library, "library")).profile.kind == "library"
