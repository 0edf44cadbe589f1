"""Synthetic repositories shaped like real DVC projects, written file by file for the tests.

- `scripts`: the "get started" shape: scripts in src/ (no package), params.yaml, a
  dvc.yaml running `python src/prepare.py`, no pyproject.toml and no .dvc/ yet.
- `package`: a setuptools package under src/, data outside data/ (raw/, features/),
  its own tests with a conftest.py, a GitHub workflow of its own.
- `hydra`: a Poetry project already on Hydra (conf/ with a group), datasets/ for inputs,
  and a stage that writes a Markdown report.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

ROWS = "id,amount,region\n" + "".join(f"{i},{i * 1.5:.1f},{'ns'[i % 2]}\n" for i in range(1, 41))
DVC_CONFIG = "[core]\n    analytics = false\n"
DVC_GITIGNORE = "/config.local\n/tmp\n/cache\n"

SCRIPTS = {
    "README.md": "# Get started\n\nA small DVC pipeline.\n",
    "data/raw.csv": ROWS,
    "params.yaml": "prepare:\n  split: 0.25\n  seed: 7\n",
    "src/prepare.py": '''\
"""Split data/raw.csv into data/prepared/train.csv and test.csv."""

import csv
import random
from pathlib import Path

import yaml

params = yaml.safe_load(Path("params.yaml").read_text())["prepare"]
rows = list(csv.DictReader(Path("data/raw.csv").open()))
random.Random(params["seed"]).shuffle(rows)
cut = int(len(rows) * (1 - params["split"]))
Path("data/prepared").mkdir(parents=True, exist_ok=True)
for name, part in (("train", rows[:cut]), ("test", rows[cut:])):
    with Path(f"data/prepared/{name}.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(part)
''',
    "dvc.yaml": """\
stages:
  prepare:
    cmd: python src/prepare.py
    deps:
      - src/prepare.py
      - data/raw.csv
    params:
      - prepare
    outs:
      - data/prepared
""",
}

PACKAGE = {
    "pyproject.toml": """\
[project]
name = "churn-model"
version = "1.2.0"
description = "Predict which customers leave."
requires-python = ">=3.11"
authors = [{ name = "Ana Lima", email = "ana@example.org" }]

[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"
""",
    "src/churn/__init__.py": '"""Churn prediction."""\n',
    "src/churn/featurize.py": '''\
"""Write features/customers.csv from raw/customers.csv (amount doubled)."""

import csv
from pathlib import Path


def main() -> None:
    """Run the stage."""
    rows = list(csv.DictReader(Path("raw/customers.csv").open()))
    Path("features").mkdir(exist_ok=True)
    with Path("features/customers.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*rows[0], "double"])
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "double": float(row["amount"]) * 2})


if __name__ == "__main__":
    main()
''',
    "raw/customers.csv": ROWS,
    "dvc.yaml": """\
stages:
  featurize:
    cmd: python -m churn.featurize
    deps:
      - src/churn/featurize.py
      - raw/customers.csv
    outs:
      - features/customers.csv
""",
    "tests/conftest.py": '''\
"""Fixtures of the team."""

import pytest


@pytest.fixture
def region() -> str:
    """A region code."""
    return "n"
''',
    "tests/test_region.py": 'def test_region(region: str) -> None:\n    assert region == "n"\n',
    ".github/workflows/test.yml": "on: push\njobs: {}\n",
    ".gitignore": "/features\n__pycache__/\n*.egg-info/\n",
    ".dvc/config": DVC_CONFIG,
    ".dvc/.gitignore": DVC_GITIGNORE,
}

HYDRA = {
    "pyproject.toml": """\
[project]
name = "sales-forecast"
version = "0.3.0"
requires-python = ">=3.12"

[build-system]
requires = ["poetry-core>=2,<3"]
build-backend = "poetry.core.masonry.api"

[tool.poetry]
packages = [{ include = "forecast", from = "src" }]
""",
    "src/forecast/__init__.py": '"""Sales forecasting."""\n',
    "src/forecast/aggregate.py": '''\
"""Sum the sales of each region into data/regions.csv."""

import csv
from collections import Counter
from pathlib import Path

import yaml


def main() -> None:
    """Run the stage."""
    params = yaml.safe_load(Path("params.yaml").read_text())
    totals: Counter[str] = Counter()
    for row in csv.DictReader(Path(params["data"]["sales_path"]).open()):
        totals[row["region"]] += float(row["amount"])
    Path("data").mkdir(exist_ok=True)
    with Path("data/regions.csv").open("w", newline="") as handle:
        handle.write("region,total\\n")
        for region, total in sorted(totals.items()):
            handle.write(f"{region},{total}\\n")


if __name__ == "__main__":
    main()
''',
    "src/forecast/report.py": '''\
"""Write reports/summary.md from data/regions.csv."""

from pathlib import Path


def main() -> None:
    """Run the stage."""
    Path("reports").mkdir(exist_ok=True)
    lines = Path("data/regions.csv").read_text().splitlines()[1:]
    Path("reports/summary.md").write_text("# Sales\\n\\n" + "\\n".join(lines) + "\\n")


if __name__ == "__main__":
    main()
''',
    "conf/config.yaml": "defaults:\n  - _self_\n  - data: sales\n",
    "conf/data/sales.yaml": "sales_path: datasets/sales.csv\n",
    "params.yaml": "data:\n  sales_path: datasets/sales.csv\n",
    "datasets/sales.csv": ROWS,
    "dvc.yaml": """\
stages:
  aggregate:
    cmd: python -m forecast.aggregate
    deps:
      - src/forecast/aggregate.py
      - datasets/sales.csv
    params:
      - data
    outs:
      - data/regions.csv
  report:
    cmd: python -m forecast.report
    deps:
      - src/forecast/report.py
      - data/regions.csv
    outs:
      - reports/summary.md:
          cache: false
""",
    ".gitignore": "/data/regions.csv\n__pycache__/\n",
    ".dvc/config": DVC_CONFIG,
    ".dvc/.gitignore": DVC_GITIGNORE,
}

SHAPES = {"scripts": SCRIPTS, "package": PACKAGE, "hydra": HYDRA}


def write_repo(root: Path, shape: str) -> Path:
    """Write the files of `shape` under root/shape, commit them with git; return the folder."""
    target = root / shape
    for relative, text in SHAPES[shape].items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for command in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "x"]):
        subprocess.run(command, cwd=target, check=True, capture_output=True)
    return target
