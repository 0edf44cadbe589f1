# A rule's docstring starts with its title, a statement of the standard (not imperative).
# ruff: noqa: D401
"""Documentation: a README that explains setup and the pipeline; a complete data catalog."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from typing import Any

from mlops_kit.audit import facts
from mlops_kit.audit.model import Finding
from mlops_kit.audit.parsing import line_of
from mlops_kit.audit.profile import code_files
from mlops_kit.audit.repo import RepoView, normalise
from mlops_kit.audit.rule import rule

CATALOG = facts.CATALOG


def _headings(words: str) -> str:
    """A Markdown (`## 2. 🛠 Setup`) or underlined (`Setup` over `-----`) heading of `words`.

    Numbers, emoji and bold markers may open the heading (up to 20 characters).
    """
    lead = r"[^A-Za-z\n]{0,20}"
    return (
        rf"^#+[ \t]*{lead}(?:{words})"
        rf"|^{lead}(?:{words})[^\n]*\n[=\-~^*]{{3,}}[ \t]*$"
    )


_SETUP = re.compile(
    r"pip3? install|poetry install|uv sync|uv run|uv pip install|make install"
    r"|conda (?:env )?(?:create|update)|mlflow run|pixi install|pdm install|hatch env"
    r"|docker[ -]compose up|docker build"
    r"|pipenv (?:install|sync)|docker run|python3? setup\.py (?:install|develop)"
    r"|\binstall(?:ed)? (?:it )?(?:via|with|using|from) `?(?:pip|uv|conda|pypi|poetry)\b"
    r"|^#+[ \t]*+[^\n]{0,40}?\b(?:install|instalation|setup|set up|getting started|quick ?start"
    r"|prerequisites|requirements?|dependencies|how to use|how to run|usage"
    r"|(?:python|virtual|development|dev|conda) environment|environment setup"
    r"|run(?:ning)? locally)"
    # the same headings in Japanese, Chinese, Korean, Spanish and Portuguese
    r"|^#+[ \t]*+[^\n]{0,40}?(?:セットアップ|インストール|環境構築|开发环境|安装|环境配置|快速开始"
    r"|依赖|설치|셋업|instalaci[oó]n|instala[cç][aã]o)"
    # a heading that is "Environment" alone (`## 环境`, `## 2. 運行環境`), not the RL
    # environment a research README explains (`### 2.1 环境层...`)
    r"|^#+[ \t]*+(?:[\d.]+[ \t]*+)?(?:运行|運行|开发|開発|実行)?(?:环境|環境|환경)"
    r"(?:配置|准备|要求|安装|搭建|設定|構築|구성|설정)?[ \t]*+$"
    # a make target that installs (`make build-python-environment`, `make setup-env`)
    r"|\bmake[ \t]++[\w-]*?(?:install|environment|env|setup|venv|deps)\b"
    # a script of the repo that builds the environment (`./start_environment.sh bash`)
    r"|(?:\./|\b(?:ba)?sh[ \t]+)[\w./-]*?(?:install|setup|environment|env|bootstrap|provision)"
    r"[\w-]*\.sh\b|"
    + _headings(
        "install|setup|set up|getting started|quick ?start|prerequisites|requirements"
        "|dependencies|how to use|how to run|usage|required librar(?:y|ies)"
        "|instructions for (?:running|use)"
    ),
    re.IGNORECASE | re.MULTILINE,
)
_PIPELINE = re.compile(
    r"dvc repro|dvc exp run|make repro|make pipeline|"
    + _headings("pipeline|execution|running|how to run|reproduc"),
    re.IGNORECASE | re.MULTILINE,
)

REQUIRED_FIELDS = ("path", "description", "source", "owner", "license", "schema")


@rule("DOC101", family="docs", severity="warning", requires=("LAY101",), applies=("setup",))
def readme_explains_setup(repo: RepoView) -> Iterator[Finding]:
    """The README explains how to set up the project.

    Why: the first hour of a new colleague (or of you in a year) goes into guessing the
    install command, Python version and extras; one section saves it.
    Setup instructions kept in a document of their own (INSTALL.md, SETUP.md,
    README_SETUP.md, docs/installation.md, setup/README.md, QUICKSTART_PRODUCTION.md, a
    getting-started page, or any
    document the README links to) count too, and so do commands that build the environment
    as they run (`uv run ...`), a make target that does (`make build-python-environment`)
    or a script of the repo that does (`./start_environment.sh`, `bash scripts/setup.sh`),
    `pipenv install`, `python setup.py install`, `docker run` of the project's image and a
    "Running locally" section, a section listing the libraries to install ("Needed libs",
    "Packages") beside a "Run" section that gives the commands,
    and so does the README of the one top-level folder that holds all the code
    (`trading-systems/readme.md` beside a root README that only summarises the work).
    A README that is not UTF-8 text (a line appended as UTF-16) is LAY112's finding.
    Fix: add a "Setup" section with the exact commands, e.g.
    `python -m venv .venv && pip install -e . --group dev`.
    """
    readme = _readme(repo)
    if readme is None or _explains_setup(facts.document_text(repo, readme)):
        return
    if repo.text(readme) is None:
        return  # not UTF-8 text (a line appended as UTF-16): LAY112 reports the file
    if any(_SETUP_DOC.match(p) and _explains_setup(repo.text(p) or "") for p in repo.files):
        return
    if any(
        _explains_setup(facts.document_text(repo, p)) for p in facts.linked_documents(repo, readme)
    ):
        return  # "see docs/LOCAL_DEVELOPMENT.md for setup"
    inner = _code_folder_readme(repo)
    if inner is not None and _explains_setup(facts.document_text(repo, inner)):
        return  # `trading-systems/readme.md`: the README of the folder that holds the code
    yield Finding(f"{readme} has no setup section or install command", readme)


def _explains_setup(text: str) -> bool:
    """Return True when a README's text holds setup instructions (see DOC101)."""
    return bool(
        _SETUP.search(text) or (_LISTED_LIBRARIES.search(text) and _RUN_COMMANDS.search(text))
    )


# A heading naming the libraries to install, a list beneath it (`## Needed libs` / `- numpy`).
_LISTED_LIBRARIES = re.compile(
    r"^#++[ \t]*+[^\n]{0,40}?\b(?:libs|librar(?:y|ies)|packages)\b[^\n]*+\n"
    r"(?:[ \t]*+\n){0,2}[ \t]*+(?:[-*+]|\d{1,2}\.)[ \t]++\S",
    re.IGNORECASE | re.MULTILINE,
)
# A "Run" heading, the commands beneath it (a code block, `$ python train.py`).
_RUN_COMMANDS = re.compile(
    r"^#++[ \t]*+[^\n]{0,20}?\b(?:run(?:ning)?|execut(?:e|ion)|launch(?:ing)?)\b[^\n]*+\n"
    r"(?:[ \t]*+\n){0,2}[ \t]*+(?:```|~~~|\$[ \t]|python3?[ \t]|\./)",
    re.IGNORECASE | re.MULTILINE,
)


def _code_folder_readme(repo: RepoView) -> str | None:
    """Return the README of the one top-level folder that holds the code, if there is one.

    A thesis summary at the root and the project in `regime-aware-ml-trading/`, with its
    own README: that README is where a reader setting up the code looks.
    """
    tops = {p.split("/", 1)[0] if "/" in p else "" for p in code_files(repo)}
    tops -= {"tests", "test", "docs", "examples", "notebooks"}
    if len(tops) != 1 or "" in tops:
        return None
    folder = tops.pop()
    return facts.folder_readme(repo, folder)


# Documents that hold the setup on their own.
_SETUP_DOC = re.compile(
    r"^(?:[\w-]+/)?(?:readme[-_.])?"  # `README_SETUP.md`, `docs/`, `learners/setup.md`
    r"(?:install(?:ation|ing)?|setup|getting[-_ ]?started|quick[-_ ]?start)"
    r"(?:[-_][a-z]{2,12})?"  # `QUICKSTART_PRODUCTION.md`, `INSTALL-gpu.md`
    r"(?:\.(?:md|rst|txt))?$|^setup/readme(?:\.(?:md|rst|txt))?$",
    re.IGNORECASE,
)


def _readme(repo: RepoView) -> str | None:
    return facts.readme(repo)


@rule("DOC102", family="docs", severity="warning", requires=("LAY101",), applies=("dvc-pipeline",))
def readme_explains_pipeline(repo: RepoView) -> Iterator[Finding]:
    """The README explains how to run the pipeline.

    Why: a reader should reproduce the results without reverse-engineering dvc.yaml: what
    the stages are and that `dvc repro` runs them.
    A document the README links to that says it counts too.
    Fix: add a "Pipeline" section listing the stages and the command (`dvc repro`), and
    where metrics and the MLflow UI are.
    """
    readme = _readme(repo)
    if not facts.stages(repo):
        return  # no stages (only artifacts or metrics): nothing to run
    if readme is None or _PIPELINE.search(facts.document_text(repo, readme)):
        return
    if any(
        _PIPELINE.search(facts.document_text(repo, p)) for p in facts.linked_documents(repo, readme)
    ):
        return  # "see the [execution guide](docs/EXECUTION.md)"
    yield Finding(f"{readme} never says how to run the pipeline (dvc repro)", readme)


@rule("DOC103", family="docs", severity="warning", applies=("kit",))
def catalog_present(repo: RepoView) -> Iterator[Finding]:
    """A data catalog (data/catalog.yaml) describes the datasets.

    Why: data folders are git-ignored; the catalog is the committed record of what each
    dataset is, where it comes from, who owns it, its licence, schema and producing stage.
    Fix:

        datasets:
          raw:
            path: data/raw/wine.csv
            description: UCI wine recognition data
            source: scikit-learn (load_wine)
            owner: data-team
            license: CC BY 4.0
            produced_by: prepare
            schema: {columns: {alcohol: float, ...}}
    """
    parsed = repo.yaml(CATALOG)
    problem = facts.missing_or_broken(parsed, CATALOG)
    if problem is not None:
        yield problem
        return
    data = parsed.data if parsed is not None else None
    if not isinstance(data, dict) or not isinstance(data.get("datasets"), dict):
        yield Finding("data/catalog.yaml has no `datasets:` mapping", CATALOG)


def _datasets(repo: RepoView) -> dict[Any, Any]:
    data = repo.data(CATALOG)
    table = data.get("datasets") if isinstance(data, dict) else None
    return table if isinstance(table, dict) else {}


def _catalog_paths(repo: RepoView) -> list[str]:
    paths = []
    for entry in _datasets(repo).values():
        if isinstance(entry, dict) and isinstance(entry.get("path"), str):
            clean = normalise(entry["path"])
            if clean:
                paths.append(clean.rstrip("/"))
    return paths


def _covered(path: str, catalog: list[str]) -> bool:
    return any(path == c or path.startswith(c + "/") for c in catalog)


@rule("DOC104", family="docs", severity="warning", requires=("DOC103", "DVC102"), applies=("kit",))
def catalog_covers_datasets(repo: RepoView) -> Iterator[Finding]:
    """The data catalog covers every dataset under data/.

    Why: an output or DVC-tracked file under data/ with no catalog entry is data nobody
    documented: unknown source, licence and owner.
    Fix: add an entry to data/catalog.yaml with the dataset's `path`.
    """
    catalog = _catalog_paths(repo)
    for stage in facts.stages(repo) or []:
        for out in stage.outs:
            if out.path and out.path.startswith("data/") and not _covered(out.path, catalog):
                yield Finding(
                    f"{out.path} (output of stage {stage.name!r}) is not in data/catalog.yaml",
                    facts.DVC_YAML,
                    out.line,
                )
    for path in repo.under("data"):
        if path.endswith(".dvc"):
            target = path[: -len(".dvc")]
            if not _covered(target, catalog):
                yield Finding(f"{target} (tracked by {path}) is not in data/catalog.yaml", path)


@rule("DOC105", family="docs", severity="warning", requires=("DOC103",), applies=("kit",))
def catalog_entries_complete(repo: RepoView) -> Iterator[Finding]:
    """Every catalog entry has path, description, source, owner, license and schema.

    Why: the catalog is only useful when each dataset answers the questions reviewers and
    auditors ask: what is it, where from, whose, under which licence, what shape.
    Fix: fill in the missing fields of the entry.
    """
    table = _datasets(repo)
    for name, entry in table.items():
        at = line_of(table, name)
        if not isinstance(entry, dict):
            yield Finding(f"dataset {name!r} is not a mapping", CATALOG, at)
            continue
        missing = [f for f in REQUIRED_FIELDS if entry.get(f) in (None, "", [], {})]
        if missing:
            yield Finding(f"dataset {name!r} lacks {', '.join(missing)}", CATALOG, at)


@rule("DOC106", family="docs", severity="warning", requires=("DOC103", "DVC102"), applies=("kit",))
def catalog_entries_current(repo: RepoView) -> Iterator[Finding]:
    """Catalog entries point at real datasets and real stages.

    Why: an entry for a file no stage produces and nobody tracks, or naming a stage that
    does not exist (or does not write it), documents data that is not there.
    Fix: correct `path` / `produced_by`, or delete the stale entry.
    """
    table = _datasets(repo)
    stage_map = {s.name: s for s in facts.stages(repo) or []}
    for name, entry in table.items():
        if not isinstance(entry, dict):
            continue
        at = line_of(table, name)
        raw = entry.get("path")
        path = normalise(raw) if isinstance(raw, str) else None
        if isinstance(raw, str) and not path:
            yield Finding(f"dataset {name!r}: path {raw!r} is outside the repository", CATALOG, at)
            continue
        made = facts.producer(repo, path) if path else None
        inside = path is not None and any(
            (o.path or "").startswith(path.rstrip("/") + "/")
            for s in stage_map.values()
            for o in s.outs
        )
        folder = posixpath.dirname(path or "")
        tracked = path is not None and (
            repo.exists(path + ".dvc") or (bool(folder) and repo.exists(folder + ".dvc"))
        )
        if path and not (made or inside or tracked or repo.exists(path)):
            yield Finding(
                f"dataset {name!r}: {path} is neither produced, tracked nor present", CATALOG, at
            )
        stage = entry.get("produced_by")
        if stage in (None, ""):
            continue
        if stage not in stage_map:
            yield Finding(
                f"dataset {name!r}: produced_by {stage!r} is not a stage",
                CATALOG,
                line_of(entry, "produced_by"),
            )
        elif path and made is not None and made[0].name != stage and not inside:
            yield Finding(
                f"dataset {name!r}: {path} is produced by {made[0].name!r}, not {stage!r}",
                CATALOG,
                line_of(entry, "produced_by"),
            )
