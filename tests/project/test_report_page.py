"""`make report` on real baked projects, looked at in a real browser (headless Chromium).

One project runs its whole pipeline; the page must hold every section, draw every stage,
agree with MLflow on the data hashes, and load without a single network request. Another
has run only its first stage and gained a stage from `mlops-kit add-stage`: the page must
say what is missing and draw the new stage without any change to the report's code.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import bake_project, run
from project.browser import find_or_install_chromium, render

pytestmark = pytest.mark.slow

SECTIONS = ("pipeline", "catalog", "quality", "model", "metrics", "card", "monitoring")
PAGE = Path("reports/site/index.html")
# src/href/url() that a browser would fetch from the network.
FETCHED = re.compile(
    r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//""", re.I
)
MD5_ON_PAGE = re.compile(r'<code class="md5" data-path="([^"]+)">([0-9a-f]{32})</code>')

# Reads the runs of the project's MLflow store in a child process (mlflow's import-time
# warnings stay out of this strict pytest session): per stage tag, the run's dataset inputs
# and every artifact path.
MLFLOW_RUNS = """
import json, sys
from mlflow import MlflowClient

uri, experiment = sys.argv[1:3]
client = MlflowClient(uri)
found = client.get_experiment_by_name(experiment)

def files(run_id, path=None):
    for entry in client.list_artifacts(run_id, path):
        if entry.is_dir:
            yield from files(run_id, entry.path)
        else:
            yield entry.path

runs = {}
for run in client.search_runs([found.experiment_id]):
    runs[run.data.tags.get("stage", "")] = {
        "datasets": [
            {
                "name": item.dataset.name,
                "digest": item.dataset.digest,
                "context": {t.key: t.value for t in item.tags}.get("mlflow.data.context"),
            }
            for item in run.inputs.dataset_inputs
        ],
        "artifacts": sorted(files(run.info.run_id)),
    }
print(json.dumps(runs))
"""


class PageParts(HTMLParser):
    """Collects element ids, in-page links and the pipeline picture's nodes."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.anchors: set[str] = set()
        self.nodes: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if (found.get("href") or "").startswith("#"):
            self.anchors.add(str(found["href"])[1:])
        if found.get("data-node"):
            self.nodes.add(str(found["data-node"]))


def parse(page: str) -> PageParts:
    parts = PageParts()
    parts.feed(page)
    return parts


@dataclass
class Project:
    path: Path
    env: dict[str, str]

    def run(self, *command: str, check: bool = True) -> Any:
        return run(list(command), cwd=self.path, env=self.env, timeout=900, check=check)

    def stages(self) -> list[str]:
        return list(yaml.safe_load((self.path / "dvc.yaml").read_text("utf-8"))["stages"])

    def make_report(self) -> str:
        start = time.perf_counter()
        result = self.run("make", "report")
        seconds = time.perf_counter() - start
        page = (self.path / PAGE).read_text(encoding="utf-8")
        print(f"\nTIMING make report: {seconds:.1f} s, page {len(page.encode()) / 1024:.0f} KB")
        assert "report: reports/site/index.html" in result.stdout
        return page


def baked(tmp_path_factory: pytest.TempPathFactory, env: dict[str, str], name: str) -> Project:
    project = bake_project(tmp_path_factory.mktemp(name))
    # The project runs from its own src/ (not installed): other sessions may install their
    # own baked wine_classifier into the shared env at any time.
    return Project(project, {**env, "PYTHONPATH": str(project / "src")})


@pytest.fixture(scope="module")
def chromium() -> str:
    return find_or_install_chromium()


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory, project_env: dict[str, str]) -> Project:
    project = baked(tmp_path_factory, project_env, "report-ran")
    project.run("dvc", "repro")
    return project


def assert_complete_offline_page(page: str, stages: list[str]) -> PageParts:
    parts = parse(page)
    for section in SECTIONS:
        assert section in parts.ids, f"section {section!r} missing"
    for stage in stages:
        assert f"stage:{stage}" in parts.nodes, f"stage {stage!r} not in the picture"
        assert f"stage-{stage}" in parts.ids
    assert parts.anchors <= parts.ids, f"links to nowhere: {parts.anchors - parts.ids}"
    assert not FETCHED.search(page), FETCHED.search(page)
    return parts


@pytest.fixture(scope="module")
def ran_page(ran: Project) -> str:
    return ran.make_report()


def test_report_of_a_full_run_in_a_browser(
    ran: Project, ran_page: str, chromium: str, tmp_path: Path
) -> None:
    page = ran_page
    assert_complete_offline_page(page, ran.stages())
    assert '<p class="ok">Every part of the pipeline has results to show.</p>' in page
    assert page.count("data:image/png;base64,") == 4  # three plots, the importance chart
    assert "@candidate" in page and "Permutation importance" in page
    rendered = render(chromium, ran.path / PAGE, tmp_path / "report.png", height=1400)
    assert rendered.requests == []
    assert rendered.screenshot.stat().st_size > 50_000  # a drawn page, not a blank one


def test_mlflow_holds_datasets_images_and_reports_with_the_catalog_hashes(
    ran: Project, ran_page: str
) -> None:
    page = ran_page
    module = ran.path.name
    runs = json.loads(ran.run("python", "-c", MLFLOW_RUNS, "sqlite:///mlflow.db", module).stdout)

    trained = runs["train"]
    for image in ("confusion_matrix", "roc", "precision_recall"):
        assert f"plots/{image}.png" in trained["artifacts"]
    for report in ("validation/validation.json", "validation/validation.html"):
        assert report in trained["artifacts"] and report in runs["validate"]["artifacts"]
    assert "evaluation/metrics.json" in trained["artifacts"]

    on_page = dict(MD5_ON_PAGE.findall(page))
    lock = yaml.safe_load((ran.path / "dvc.lock").read_text(encoding="utf-8"))
    locked = {o["path"]: o["md5"] for o in lock["stages"]["prepare"]["outs"]}
    catalog = yaml.safe_load((ran.path / "data" / "catalog.yaml").read_text("utf-8"))
    names = {entry["path"]: name for name, entry in catalog["datasets"].items()}
    for stage in ("train", "validate"):
        logged = {d["context"]: d for d in runs[stage]["datasets"]}
        assert set(logged) == {"train", "test"}
        for context in ("train", "test"):
            path = f"data/processed/{context}.csv"
            assert logged[context]["digest"] == on_page[path] == locked[path]
            assert logged[context]["name"] == names[path]


def test_report_of_a_partial_run_says_what_is_missing_and_shows_an_added_stage(
    tmp_path_factory: pytest.TempPathFactory,
    project_env: dict[str, str],
    chromium: str,
    tmp_path: Path,
) -> None:
    project = baked(tmp_path_factory, project_env, "report-partial")
    project.run("dvc", "repro", "prepare")
    project.run("mlops-kit", "add-stage", "featurize", "--after", "prepare")

    page = project.make_report()

    stages = project.stages()
    assert "featurize" in stages
    assert_complete_offline_page(page, stages)
    summary = page.split('<div id="summary">', 1)[1].split("</div>", 1)[0]
    assert "Not shown yet" in summary and "<code>dvc repro</code> first" in summary
    for stage in ("validate", "train", "evaluate", "featurize"):
        assert stage in summary.split("have not run yet", 1)[0]
    assert "no validation report" in summary and "no trained model yet" in summary
    rendered = render(chromium, project.path / PAGE, tmp_path / "partial.png")
    assert rendered.requests == []


def test_the_request_check_sees_a_page_that_fetches(chromium: str, tmp_path: Path) -> None:
    page = tmp_path / "fetches.html"
    page.write_text('<img src="https://example.invalid/logo.png">', encoding="utf-8")

    rendered = render(chromium, page, tmp_path / "fetches.png")

    assert rendered.requests == ["https://example.invalid/logo.png"]
    assert FETCHED.search(page.read_text(encoding="utf-8"))
