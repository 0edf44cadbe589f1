"""The project report: every section present, what is missing said plainly, nothing fetched."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from omegaconf import DictConfig

from {{ cookiecutter.module_name }}.lineage import file_md5
from {{ cookiecutter.module_name }}.report.__main__ import (
    build_report,
    main,
)
from {{ cookiecutter.module_name }}.report.sources import (
    Missing,
)
from {{ cookiecutter.module_name }}.stages import (
{%- if cookiecutter.example == "full" %}
    evaluate,
{%- endif %}
    train,
{%- if cookiecutter.example == "full" %}
    validate,
{%- endif %}
)

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


def runnable_copy(root: Path) -> Path:
    """A project copy with its configuration too, where `main()` can run."""
    project_copy(root)
    shutil.copytree(PROJECT_ROOT / "conf", root / "conf")
    shutil.copy(PROJECT_ROOT / "params.yaml", root / "params.yaml")
    return root


def links_land(page: str) -> bool:
    """Whether every in-page link (`href="#x"`) has an element with that id."""
    return set(re.findall(r'href="#([^"]+)"', page)) <= set(re.findall(r' id="([^"]+)"', page))


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
    assert links_land(page)
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
    # The monitor stage (after predict) has not run here; its metrics may be missing.
    assert not any(
        ("plot" in sentence or "metrics" in sentence) and "stage monitor" not in sentence
        for sentence in missing
    )
{%- else %}
    assert page.count("data:image/png;base64,") == 1  # the importance chart
    assert "does not register models" in page
{%- endif %}
    assert not any("no trained model" in s or "no training run" in s for s in missing)
    assert links_land(page)
    assert not FETCHED.search(page)


def test_the_page_is_written_whole_and_readable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(runnable_copy(tmp_path / "project"))
    page = tmp_path / "site" / "index.html"

    assert main(["--output", str(page)]) == 0

    assert page.read_text(encoding="utf-8").endswith("</html>\n")
    assert page.stat().st_mode & 0o444 == 0o444
    assert [p.name for p in page.parent.iterdir()] == ["index.html"]  # no temporary left
    assert "report: " in capsys.readouterr().out


def test_output_that_is_a_folder_is_refused_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(runnable_copy(tmp_path / "project"))
    (tmp_path / "index.html").mkdir()

    assert main(["--output", str(tmp_path / "index.html")]) == 1

    error = capsys.readouterr().err
    assert error.startswith("Error: ") and len(error.strip().splitlines()) == 1


def test_broken_inputs_become_sentences_and_text_stays_text(
    cfg: DictConfig, tmp_path: Path
) -> None:
    root = project_copy(tmp_path)
    (root / "dvc.lock").write_text("stages: [unclosed\n", encoding="utf-8")
    catalog = (root / "data/catalog.yaml").read_text(encoding="utf-8")
    (root / "data/catalog.yaml").write_text(
        catalog.replace("Training split of", "<script>alert(1)</script> Training split of"),
        encoding="utf-8",
    )
    (root / "models/card.yaml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    for name in ("reports/train_metrics.json", "reports/metrics.json"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("{not json", encoding="utf-8")

    page, missing = build_report(root, cfg, root / "reports/site/index.html")

    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert any("dvc.lock is not valid YAML" in sentence for sentence in missing)
    assert any("card.yaml is not UTF-8 text" in sentence for sentence in missing)
    assert any("train_metrics.json" in sentence for sentence in missing)


def test_a_tracking_server_that_is_down_is_named_not_waited_for(
    cfg: DictConfig, tmp_path: Path
) -> None:
    import socket
    import time

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        cfg.tracking.uri = f"http://127.0.0.1:{probe.getsockname()[1]}"
    start = time.perf_counter()

    _, missing = build_report(project_copy(tmp_path), cfg, tmp_path / "index.html")

    assert time.perf_counter() - start < 60
    assert any(cfg.tracking.uri in sentence for sentence in missing)


def test_metrics_and_curves_are_compared_with_the_previous_commit(
    cfg: DictConfig, tmp_path: Path
) -> None:
    import json
    import subprocess

    root = project_copy(tmp_path)
    roc = root / "reports/plots/roc.json"
    roc.parent.mkdir(parents=True)
    metrics = root / "reports/train_metrics.json"

    def write(accuracy: float) -> None:
        metrics.write_text(json.dumps({"cv_accuracy_mean": accuracy}), encoding="utf-8")
        curve = [{"fpr": 0.0, "tpr": 0.0}, {"fpr": 0.1, "tpr": accuracy}, {"fpr": 1, "tpr": 1}]
        roc.write_text(json.dumps(curve), encoding="utf-8")

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
            cwd=root,
            check=True,
            capture_output=True,
        )

    write(0.9)
    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "first results")
    write(0.95)

    page, _ = build_report(root, cfg, root / "index.html")

    assert "0.95" in page and "+0.05" in page
    assert "Compared with <code>HEAD</code>" in page
{%- if cookiecutter.example == "full" %}
    assert "dashed: HEAD" in page  # the committed ROC curve behind the new one
{%- endif %}
    git("commit", "-qam", "better results")
    page, _ = build_report(root, cfg, root / "index.html")
    assert "+0.05" in page  # HEAD holds these results already: against the commit before
    assert "Compared with <code>HEAD~1</code>" in page


def test_a_monitoring_report_is_shown_and_linked(cfg: DictConfig, tmp_path: Path) -> None:
    import json

    root = project_copy(tmp_path)
    monitor = root / "reports" / "monitor"
    monitor.mkdir(parents=True)
    (monitor / "metrics.json").write_text(
        json.dumps({"alarm": 1, "rows": 50, "tests": {"alcohol": {"p_value": 0.0001}}}),
        encoding="utf-8",
    )
    (monitor / "drift.html").write_text("<!doctype html><p>drift</p>", encoding="utf-8")

    page, _ = build_report(root, cfg, root / "reports" / "site" / "index.html")

    monitoring = page.split('<section id="monitoring">', 1)[1]
    assert "The monitor raised an alarm." in monitoring and "tests.alcohol.p_value" in monitoring
    assert 'href="../monitor/drift.html"' in monitoring


def test_a_site_folder_linking_out_of_the_project_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = runnable_copy(tmp_path / "project")
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "reports").mkdir()
    (root / "reports" / "site").symlink_to(outside)
    monkeypatch.chdir(root)

    assert main([]) == 1

    error = capsys.readouterr().err
    assert error.startswith("Error: ") and "out of the project" in error
    assert list(outside.iterdir()) == []


def test_a_long_pipeline_is_laid_out_without_recursion(cfg: DictConfig, tmp_path: Path) -> None:
    from {{ cookiecutter.module_name }}.report.pipeline import (
        build_graph,
        load_pipeline,
    )

    root = project_copy(tmp_path)
    chain = "".join(
        f"  s{i}:\n    cmd: echo\n    deps: [data/f{i}.csv]\n    outs: [data/f{i + 1}.csv]\n"
        for i in range(1200)  # deeper than Python's recursion limit
    )
    (root / "dvc.yaml").write_text(f"stages:\n{chain}", encoding="utf-8")
    pipeline = load_pipeline(root)
    assert not isinstance(pipeline, Missing)

    nodes, _ = build_graph(pipeline, {})
    page, missing = build_report(root, cfg, root / "index.html")

    assert nodes["stage:s1199"].layer == 2 * 1199 + 1
    assert any("too many to draw" in sentence for sentence in missing)
    assert 'id="stage-s1199"' in page
