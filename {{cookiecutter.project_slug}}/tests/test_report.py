"""The project report: every section present, what is missing said plainly, nothing fetched."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from omegaconf import DictConfig

from {{ cookiecutter.module_name }}.lineage import file_md5
from {{ cookiecutter.module_name }}.report.__main__ import build_report, main
from {{ cookiecutter.module_name }}.stages import {% if cookiecutter.example == "full" %}evaluate, {% endif %}train{% if cookiecutter.example == "full" %}, validate{% endif %}

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SECTIONS = ("pipeline", "catalog", "quality", "model", "metrics", "card", "monitoring")
# A reference the browser would fetch: src/href/url() pointing at a network address.
FETCHED = re.compile(
    r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//"""
)


def project_copy(root: Path) -> Path:
    """Put the files the report reads about the project (not its results) under `root`."""
    for name in ("dvc.yaml", "pyproject.toml", "data/catalog.yaml", "models/card.yaml"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(PROJECT_ROOT / name, root / name)
    return root


def stage_names() -> list[str]:
    import yaml

    return list(yaml.safe_load((PROJECT_ROOT / "dvc.yaml").read_text())["stages"])


def test_a_project_that_never_ran_gets_a_page_saying_what_is_missing(
    cfg: DictConfig, tmp_path: Path
) -> None:
    root = project_copy(tmp_path)

    page, missing = build_report(root, cfg, root / "reports/site/index.html")

    for section in SECTIONS:
        assert f'<section id="{section}">' in page
    for stage in stage_names():
        assert f'data-node="stage:{stage}"' in page
        assert f'id="stage-{stage}"' in page
    assert missing and any("run `dvc repro` first" in sentence for sentence in missing)
    assert "<code>dvc repro</code> first" in page
    assert not FETCHED.search(page)


def test_a_project_that_ran_shows_data_model_plots_and_card(
    tiny_data: DictConfig, tmp_path: Path
) -> None:
    root = project_copy(tmp_path)
{%- if cookiecutter.example == "full" %}
    tiny_data.validate.min_rows = 5
    tiny_data.evaluate.gate = {"min_accuracy": 0.5}
    tiny_data.evaluate.registered_model_name = f"report-{tmp_path.name}"
    validate.run(tiny_data)
    train.run(tiny_data)
    evaluate.run(tiny_data)
{%- else %}
    train.run(tiny_data)
{%- endif %}

    page, missing = build_report(root, tiny_data, root / "reports/site/index.html")

    assert file_md5(tiny_data.data.train_path) in page  # the dataset input's digest
    assert "Permutation importance" in page and "flavanoids" in page
    assert "Intended use" in page
    assert "not run yet" in page  # no dvc.lock in this copy
{%- if cookiecutter.example == "full" %}
    assert "@candidate" in page
    assert page.count("data:image/png;base64,") == 4  # three plots and the importance chart
    assert "Validation passed" in page
    assert not any("plot" in sentence or "metrics" in sentence for sentence in missing)
{%- else %}
    assert page.count("data:image/png;base64,") == 1  # the importance chart
    assert "does not register models" in page
{%- endif %}
    assert not any("no trained model" in s or "no training run" in s for s in missing)
    assert not FETCHED.search(page)


def test_output_that_is_a_folder_is_refused_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(PROJECT_ROOT)
    (tmp_path / "index.html").mkdir()

    assert main(["--output", str(tmp_path / "index.html")]) == 1

    error = capsys.readouterr().err
    assert error.startswith("Error: ") and len(error.strip().splitlines()) == 1
