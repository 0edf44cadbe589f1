# A rule's docstring starts with its title, a statement of the standard (not imperative).
# ruff: noqa: D401
"""Layout: the folders and files every project of the standard has."""

from __future__ import annotations

import posixpath
import re
from bisect import bisect_left
from collections.abc import Iterator

from mlops_kit.audit import facts
from mlops_kit.audit.model import Finding
from mlops_kit.audit.profile import (
    COMPOSE_FILES,
    FIXTURE_FOLDERS,
    TEACHING_FOLDERS,
    azureml_runs_jobs,
    code_files,
    dotted_imports,
    imported_modules,
    is_test_file,
    profile_of,
    test_named_scripts,
    vendored_copies,
)
from mlops_kit.audit.repo import NOT_UTF8, RepoView
from mlops_kit.audit.rule import rule
from mlops_kit.audit.rules.data import MODEL_SUFFIXES, SAMPLE_NAME


@rule("LAY101", family="layout", severity="warning")
def readme_present(repo: RepoView) -> Iterator[Finding]:
    """The project has a README.

    Why: the README is the first thing a colleague or reviewer opens; without it nobody
    knows how to set up, run or reproduce the project.
    A README in `.github/` or `docs/` counts (GitHub shows it on the repository's page),
    and so does the README of the one folder that holds the whole project when the root
    holds nothing else (`translation/README.md` beside `.gitignore` alone).
    Fix: add a README.md that says what the project does, how to install it and how to run
    the pipeline (`dvc repro`).
    """
    if facts.readme(repo) is not None:
        return
    if facts.folder_readme(repo, ".github") or facts.folder_readme(repo, "docs"):
        return  # GitHub shows `.github/README.md` or `docs/README.md` on the repository's page
    visible = [p for p in repo.files if not p.startswith(".")]
    tops = {p.split("/", 1)[0] for p in visible}
    if len(tops) == 1 and all("/" in p for p in visible):
        folder = tops.pop()
        if facts.folder_readme(repo, folder):
            return  # the whole project sits in one folder, with its README
    yield Finding("no README.md at the project root", facts.ROOT)


@rule("LAY102", family="layout", severity="warning")
def license_present(repo: RepoView) -> Iterator[Finding]:
    """The project has a LICENSE file.

    Why: without a licence nobody may legally reuse the code, and the package metadata has
    nothing to point to.
    A REUSE-style `LICENSES/` folder (one file per licence the project uses) counts, and so
    does a `LICENSE/` folder holding the text (`LICENSE/MIT License`), a licence beside
    the manifest of a package kept one folder down (`src/LICENSE.txt` next to
    `src/setup.py`), and so does a
    README whose licence section reserves every right ("## License / Proprietary. All
    rights reserved.") or metadata that does (`license = {text = "Proprietary"}`): no
    reuse is granted, and the statement says so. So does a line anywhere in the README that
    keeps the copyright on purpose ("No license is included; ... normal copyright
    restrictions apply.", "Copyright (c) 2024 Jane Doe. All rights reserved.").
    Fix: add a LICENSE file (or LICENSE.md, LICENSE-CODE, COPYING), even "Proprietary, all
    rights reserved" for internal work.
    """
    names = ("LICENSE", "LICENCE", "COPYING", "UNLICENSE")
    if any("/" not in p and p.upper().startswith(names) for p in repo.files):
        return
    if any(
        p.count("/") == 1
        and p.rsplit("/", 1)[-1].upper().startswith(names)
        and any(f"{p.split('/')[0]}/{m}" in repo.file_set for m in _PACKAGE_MANIFESTS)
        for p in repo.files
    ):
        return  # `src/LICENSE.txt` beside `src/setup.py`: the package's own licence
    if repo.under("LICENSES") or repo.under("LICENSE") or repo.under("LICENCE"):
        return  # REUSE: `LICENSES/Apache-2.0.txt`, one file per licence; `LICENSE/MIT`
    if _declared_proprietary(repo):
        return  # "## License / Proprietary. All rights reserved.": no reuse is granted
    yield Finding("no LICENSE file at the project root", facts.ROOT)


def _declared_proprietary(repo: RepoView) -> bool:
    """Return True when the README's licence section or the metadata reserves every right."""
    project = repo.pyproject.get("project")
    license_text = project.get("license") if isinstance(project, dict) else None
    if isinstance(license_text, dict):
        license_text = license_text.get("text")
    if isinstance(license_text, str) and _PROPRIETARY.search(license_text):
        return True
    path = facts.readme(repo)
    text = (repo.text(path) or "") if path else ""
    section = _LICENSE_SECTION.search(text) if "icen" in text or "izenz" in text else None
    if section is not None and _PROPRIETARY.search(section.group(1)) is not None:
        return True
    return "opyright" in text and _RESERVED_LINE.search(text) is not None


# A README's licence heading and the text below it, up to the next heading.
_LICENSE_SECTION = re.compile(
    r"^#{1,4}[ \t]*+(?:licen[cs]e|licensing|licencia|licen[cç]a|lizenz)\b[^\n]*+\n"
    r"((?:(?!#)[^\n]*+\n?){1,8})",
    re.IGNORECASE | re.MULTILINE,
)
_PROPRIETARY = re.compile(
    r"(?i)\bproprietary\b|\ball rights reserved\b|\binternal use only\b|\bconfidential\b"
    # "remain under the default copyright terms": no licence granted, on purpose
    r"|\bdefault copyright\b"
    # the same in Spanish, French, German, Portuguese; "no open licence is declared"
    r"|\btodos los derechos reservados\b|\btous droits r[ée]serv[ée]s\b"
    r"|\balle rechte vorbehalten\b|\btodos os direitos reservados\b"
    r"|\bno se declara una licencia\b|\bno (?:open[- ])?licen[cs]e is (?:declared|granted)\b"
)
# A line anywhere in the README that keeps the author's copyright on purpose: "No license
# is included; absent an owner-selected license, normal copyright restrictions apply.",
# "Copyright (c) 2024 Jane Doe. All rights reserved."
_RESERVED_LINE = re.compile(
    r"(?im)^[^\n]{0,80}?\bno (?:open[- ])?licen[cs]e is (?:included|declared|granted|provided)"
    r"\b[^\n]{0,200}?\bcopyright\b|^[^\n]{0,10}?(?:©|\(c\)|copyright)[^\n]{0,120}?"
    r"\ball rights reserved\b"
)


@rule("LAY103", family="layout", severity="error", applies=("kit",))
def src_package_present(repo: RepoView) -> Iterator[Finding]:
    """Code lives in an importable package under src/.

    Why: a src/ layout makes tests and pipeline stages run the installed package rather
    than whatever happens to sit in the working directory, and keeps the import name
    unambiguous.
    Fix: move the code to `src/<module>/` with an `__init__.py` and declare it in
    pyproject.toml:

        [tool.poetry]
        packages = [{ include = "<module>", from = "src" }]
    """
    if not facts.src_packages(repo):
        yield Finding("no package (a folder with __init__.py) under src/", facts.ROOT)


@rule(
    "LAY104",
    family="layout",
    severity="warning",
    kit_severity="error",
    applies=("code", "maintained"),
)
def tests_present(repo: RepoView) -> Iterator[Finding]:
    """The project has tests.

    Why: pipeline code that is never tested breaks silently when data, config or a library
    changes; test modules are what pytest and CI run. A Nextflow workflow is tested by
    running it on small data through its test profiles (`conf/test.config`, nf-test files);
    a repository without Python code is not judged by Python's test modules, nor is one
    whose code is mostly MATLAB, R or Julia (at least twice as many files as Python's:
    Python plots and templates around the method). A module
    named like a test that holds no test (a demo script `test_experiment.py` with a
    `__main__` block, `test_grid.py` writing a frame) is no test either (and is not
    reported when every such module is a course's exercise, `chapter-05/flask_test.py`),
    and nor are test modules that only print what a local server answers, asserting
    nothing, under a `__main__` block (smoke scripts run by hand).
    Modules that define tests beside a conftest.py under other names (`faithfulness.py`
    with `async def test_...`) are reported for what they are: tests that a plain
    `pytest` never collects.
    Not asked of a repository whose README opens by calling it an example, a sample, a
    toy or study work (practice code, coursework, a thesis: the profile's `demonstration`).
    Fix: add `tests/test_<stage>.py` files that run each stage on tiny data.
    """
    profile = profile_of(repo)
    if "nextflow" in profile.orchestrators and any(_NEXTFLOW_TEST.search(p) for p in repo.files):
        return  # a Nextflow workflow runs its test profiles (`-profile test`)
    if profile.layout == "none" and not profile.kit:
        return  # no Python code (a .NET or R application): its tests are not pytest's
    if facts.mostly_other_language(repo):
        return  # a MATLAB, R or Julia method with Python glue: its tests are not pytest's
    if facts.checked_test_files(repo):
        return
    if profile.test_files:  # each a script run by hand that prints and asserts nothing
        first, count = profile.test_files[0], len(profile.test_files)
        what = (
            f"{first} asserts nothing"
            if count == 1
            else f"{first} and {count - 1} more assert nothing"
        )
        yield Finding(f"no test: {what} (a script run by hand, not a check)", first)
        return
    unnamed = _tests_pytest_skips(repo)
    scripts = test_named_scripts(repo)
    if unnamed:
        yield Finding(
            f"no test module pytest collects: {unnamed} defines tests but is not named "
            "test_*.py or *_test.py (nor does pytest's `python_files` name it)",
            unnamed,
        )
    elif unnamed is not None:
        return  # pytest's `python_files` names the modules that hold the tests
    elif scripts and all(TEACHING_FOLDERS.search(path) for path in scripts):
        return  # a course's exercises (`chapter-05/flask_test.py`), not a project's tests
    elif scripts:
        # `mlflow/test_experiment.py`: a demo script named like a test, collecting nothing
        yield Finding(
            f"no test: {scripts[0]} is named like a test module but holds no test", scripts[0]
        )
    else:
        yield Finding("no test module (test_*.py or *_test.py) anywhere", facts.ROOT)


def _tests_pytest_skips(repo: RepoView) -> str | None:
    """Return a module that defines tests pytest does not collect by default, if any.

    `context_recall_metric.py` with `async def test_...` beside a conftest.py: tests that
    `pytest` never runs unless they are named `test_*.py` or pytest's `python_files`
    setting names them (then "" : nothing to report). None when no module defines tests.
    """
    if not any(p.rsplit("/", 1)[-1] == "conftest.py" for p in repo.files):
        return None
    for path in facts.runtime_code(repo):
        if _DEFINES_TEST.search(repo.text(path) or ""):
            if _PYTHON_FILES.search(_pytest_settings(repo)):
                return ""  # pytest is told which files hold tests
            return path
    return None


_DEFINES_TEST = re.compile(r"^(?:async[ \t]++)?def[ \t]++test_", re.MULTILINE)
_PYTHON_FILES = re.compile(r"^[ \t]*+python_files\b", re.MULTILINE)


def _pytest_settings(repo: RepoView) -> str:
    """Return the text of the files pytest reads its settings from."""
    names = ("pytest.ini", "pyproject.toml", "setup.cfg", "tox.ini")
    return "\n".join(repo.text(name) or "" for name in names if name in repo.file_set)


_NEXTFLOW_TEST = re.compile(r"(?:^|/)test[\w.-]*\.config$|(?:^|/)tests?/[^/]+\.nf(?:\.test)?$")


@rule(
    "LAY105", family="layout", severity="info",
    applies=("project", "ml", "code", "maintained"), asked_outside_kit=False,
)  # fmt: skip
def hydra_config_present(repo: RepoView) -> Iterator[Finding]:
    """Configuration is composed by Hydra from a config folder.

    Why: one composed configuration (Hydra) is what makes runs comparable and experiments
    switchable from the command line; hard-coded settings cannot be tracked or swept.
    Outside mlops-kit projects, settings kept in other config files (params.yaml, a
    config folder (conf/, configs/, config/, params/, ...) of YAML or TOML, or of JSON files
    (at any depth) or Python modules one per experiment; a
    sub-project's config folder of YAML, JSON or TOML beside its manifest; a hyperparams/
    folder of YAML, JSON or TOML files; a top-level folder of YAML files the code names, such as
    `ROOT / "experiments"`; a `config.ini` of one section per model; Azure ML job and
    component definitions; OmegaConf, MLproject
    parameters, a dbt project, a Mage project's io_config.yaml, a Flower app's
    `[tool.flwr.app.config]`, a settings module such as `config.py` of a dataclass or
    constants that the scripts import) are accepted.
    The audit finds the folder from `@hydra.main(config_path=...)`, `initialize(...)` or
    a conventional conf/, configs/ or config/ folder; the config rules check it.
    Not asked of a repository whose README opens by calling it an example, a sample, a
    toy or study work (practice code, coursework, a thesis: the profile's
    `demonstration`), nor of code that trains nothing (a service that
    serves a pretrained model reads its settings from the environment).
    Fix: create `conf/config.yaml` with a defaults list and one folder per config group
    (`conf/model/`, `conf/data/`, ...), loaded by `@hydra.main(config_path="../conf")` or
    Hydra's compose API.
    """
    profile = profile_of(repo)
    if profile.hydra_config_dir is not None:
        return
    if not (profile.trains or profile.hydra or profile.kit):
        return  # no training run to configure: a service's settings are its own affair
    if profile.hydra:
        yield Finding(
            "the code imports Hydra but no config folder was found (config_path= of "
            "@hydra.main/initialize, or conf/, configs/, config/)",
            facts.ROOT,
        )
    elif profile.kit:
        yield Finding(f"{facts.CONFIG_YAML} is missing", facts.ROOT)
    elif not _config_files_kept(repo):
        yield Finding(
            "no configuration files: no Hydra config, params.yaml or config folder; settings "
            "live in the code"
        )


_CONFIG_NAME = re.compile(
    r"^(?:[\w-][\w.-]*/)*(?:config|configs|settings|params?|parameters?|hparams|"
    r"hyper_?param(?:eter)?s?|conf)"
    r"[\w.-]*\.(?:ya?ml|toml|json|ini)$"
)
_SHALLOW = re.compile(r"^(?:[\w-]*/)?[^/]+$")
# A launch script's option lines (`  --seq_len 96 \`): research code keeps each
# experiment's settings in a shell script that calls the entry point with flags.
_SCRIPT_OPTION = re.compile(r"^[ \t]*--[A-Za-z][\w-]*[ \t=]+[^\s\\]", re.MULTILINE)
_SCRIPT_CALL = re.compile(r"\bpython[\d.]*\b[^\n]*?(?:\.py\b|-m\b)")
_TOOL_YAML = frozenset(
    {".pre-commit-config.yaml", ".gitlab-ci.yml", "environment.yml", "environment.yaml",
     "conda.yaml", "conda.yml", "mkdocs.yml", "mkdocs.yaml", ".readthedocs.yaml",
     ".readthedocs.yml", "codecov.yml", ".codecov.yml", "dvc.yaml", "dvc.lock", "Taskfile.yml",
     "lefthook.yml", ".yamllint.yml", ".yamllint", "renovate.yml", "pnpm-lock.yaml",
     "pnpm-workspace.yaml", "azure-pipelines.yml", "bitbucket-pipelines.yml", ".travis.yml",
     "cloudbuild.yaml", "buildspec.yml", "CITATION.cff", "action.yml", "action.yaml",
     "mlops-kit.yaml", ".pre-commit-hooks.yaml", "docker-compose.yml", "compose.yaml"}
)  # fmt: skip
# Files that are settings wherever they are: MLflow project parameters, DVC params, a dbt
# project (its models' settings and variables), a Mage project's connection settings.
_CONFIG_FILES = frozenset(
    {"MLproject", "params.yaml", "dbt_project.yml", "dbt_project.yaml", "io_config.yaml",
     "io_config.yml", "nextflow.config"}
)  # fmt: skip
# A folder of hyperparameter files (`hyperparams/ppo.yml`, one per algorithm or model;
# `Examples/maml/models/params/all_model_params.yaml`).
_HYPERPARAMS = re.compile(
    r"^(?:[\w.-]+/){0,3}(?:[\w-]*_)?(?:hyperparams|hparams|hyperparameters|hyper_params|params"
    r"|parameters)/"
    r"(?:[\w.-]+/)?[^/]+\.(?:ya?ml|json|toml)$"
)
_CONFIG_LIBRARIES = (
    "omegaconf",
    "dynaconf",
    "pydantic_settings",
    "confuse",
    "gin",
    "ml_collections",
    "pyhocon",
)


def _config_files_kept(repo: RepoView) -> bool:
    """True when settings live in files another tool composes (not Hydra, but config)."""
    if any(p.rsplit("/", 1)[-1] in _CONFIG_FILES for p in repo.files):
        return True  # at the root or in each sub-project (MLproject parameters are config)
    if any(_CONFIG_NAME.match(p) and _settings_place(repo, p) for p in repo.files):
        return True  # `config.yml` at the root, in a folder, or inside the package
    if _launch_scripts(repo):
        return True
    if any(
        "/" not in p
        and p.endswith((".yaml", ".yml"))
        and p not in _TOOL_YAML
        and "compose" not in p
        for p in repo.files
    ):
        return True  # settings at the root (`recipe.yaml`, `experiment.yml`)
    folders = (
        "conf", "confs", "configs", "config", "configuration", "configurations", "settings",
        "params", "parameters",
    )  # fmt: skip
    if any(
        p.endswith((".yaml", ".yml", ".toml", ".conf", ".hocon"))
        for f in folders
        for p in repo.under(f)
    ):
        return True  # `configs/train.yaml`, `config/training.toml`, `conf/cifar10.conf` (HOCON)
    jsons = [p for f in folders for p in repo.under(f) if p.endswith(".json")]
    if len(jsons) >= 2 or (jsons and _named_by_code(repo, jsons)):
        # `configs/iris_tuning.json`, `params/reduce_dim_100.json`,
        # `config/transformers/classification/DanskBERT_FCD.json`: a JSON file per
        # experiment, or one the code loads (`Path("configs/feature_config.json")`)
        return True
    if any(_subproject_config(repo, p, folders) for p in repo.files):
        return True  # `ml/configs/train.json` beside `ml/pyproject.toml`
    if sum(_config_module(p, folders) for p in repo.files) >= 2:
        return True  # `configs/cfg_resnet.py`, `configs/cfg_vit.py`: a module per experiment
    if any(_HYPERPARAMS.search(p) for p in repo.files):
        return True  # `hyperparams/ppo.yml`, `hyperparams/sac.yml`: a file per algorithm
    if _yaml_folder_loaded(repo):
        return True  # `experiments/keypoints/hrnet.yaml`, read from `ROOT / "experiments"`
    if azureml_runs_jobs(repo):
        return True  # Azure ML job and component definitions: inputs, defaults, compute
    if _settings_module(repo):
        return True  # `config.py` of a dataclass or constants, imported by the scripts
    if "flwr" in repo.pyproject.get("tool", {}):
        return True  # a Flower app's run config: `[tool.flwr.app.config]`
    # A config folder inside the application's package (`app/config/parameters.yml`), or
    # one the scripts beside it load (`eeg/configs/` read by `eeg/run.py`).
    if any(
        p.endswith((".yaml", ".yml"))
        and 0 < p.count("/") <= 3
        and p.split("/")[-2] in folders
        and (_in_package(repo, p.rpartition("/")[0]) or _loaded_beside(repo, p))
        and not is_test_file(p)
        for p in repo.files
    ):
        return True
    return bool(set(_CONFIG_LIBRARIES) & set(facts.imports(repo)))


def _settings_module(repo: RepoView) -> bool:
    """True when a settings module (`config.py`, `settings.py`, `params.py`) holds them.

    It defines a dataclass or a pydantic model of settings, or three or more constants
    (`BATCH_SIZE = 32`), and another module of the project imports it (`from config
    import BATCH_SIZE`, `from src.config import TrainConfig`): one place for every run's
    settings, kept apart from the code.
    """
    stems = {
        match.group(1) or match.group(2)
        for path in {path for path, _, _ in facts.search_sources(repo, _IMPORTS_SETTINGS)}
        for match in _IMPORTS_SETTINGS.finditer(repo.text(path) or "")
    }
    for path in facts.runtime_code(repo):
        stem = path.rsplit("/", 1)[-1].removesuffix(".py")
        if stem not in stems:
            continue
        text = repo.text(path) or ""
        if _SETTINGS_CLASS.search(text) or len(_CONSTANT.findall(text)) >= 3:
            return True
    return False


_SETTINGS_STEMS = r"config|configs|settings|params|parameters|hparams|hyperparams|constants"
_IMPORTS_SETTINGS = re.compile(
    rf"^[ \t]*+from[ \t]++(?:[\w.]*\.)?({_SETTINGS_STEMS})[ \t]++import\b"
    rf"|^[ \t]*+import[ \t]++(?:[\w.]*\.)?({_SETTINGS_STEMS})\b",
    re.MULTILINE,
)
# `@dataclass` / `class Settings(BaseSettings):`
_SETTINGS_CLASS = re.compile(
    r"^@(?:dataclasses\.)?dataclass\b|\(Base(?:Settings|Model)\)", re.MULTILINE
)
_CONSTANT = re.compile(r"^[A-Z][A-Z0-9_]*+[ \t]*+(?::[^=\n]*)?=[^=]", re.MULTILINE)


def _named_by_code(repo: RepoView, paths: list[str]) -> bool:
    """True when a module of the project names one of `paths`' file names."""
    names = {p.rsplit("/", 1)[-1] for p in paths}
    return any(
        any(name in text for name in names)
        for text in (repo.text(path) or "" for path in facts.runtime_code(repo))
    )


def _yaml_folder_loaded(repo: RepoView) -> bool:
    """True when the code names a top-level folder of YAML files: it loads them by path.

    `YAML_EXP_PATH = ROOT / "experiments"` beside `experiments/keypoints/hrnet_32.yaml`:
    one settings file per experiment, in a folder of another name than config/.
    """
    folders = {
        p.split("/", 1)[0]
        for p in repo.files
        if "/" in p and p.endswith((".yaml", ".yml")) and not p.startswith(".")
    } - _NOT_SETTINGS_FOLDERS
    if not folders:
        return False
    quoted = [f"{q}{folder}{end}" for folder in folders for q in "\"'" for end in (q, "/")]
    return any(
        any(name in text for name in quoted)
        for text in (repo.text(path) or "" for path in facts.runtime_code(repo))
    )


# Top-level folders whose YAML files are not the code's settings (deployment, CI, docs, data).
_NOT_SETTINGS_FOLDERS = frozenset(
    {"k8s", "kubernetes", "helm", "charts", "deploy", "deployment", "deployments", "manifests",
     "infra", "infrastructure", "terraform", "docker", "ci", "docs", "doc", "data", "datasets",
     "tests", "test", "workflows", "monitoring", "grafana", "prometheus"}
)  # fmt: skip


def _subproject_config(repo: RepoView, path: str, folders: tuple[str, ...]) -> bool:
    """True for a settings file in the config folder of a sub-project with a manifest."""
    parts = path.split("/")
    if len(parts) != 3 or parts[1] not in folders or not path.endswith(_SETTINGS_SUFFIXES):
        return False
    return any(f"{parts[0]}/{name}" in repo.file_set for name in _MANIFESTS)


_SETTINGS_SUFFIXES = (".yaml", ".yml", ".json", ".toml")
_MANIFESTS = ("pyproject.toml", "setup.py", "setup.cfg")


def _config_module(path: str, folders: tuple[str, ...]) -> bool:
    """True for a Python module in a top-level config folder (or one folder below it).

    One module per experiment (`configs/cfg_resnet.py`) is configuration kept apart from
    the code; a `config` module inside the package (`src/config/runtime.py`) is code.
    """
    if not path.endswith(".py") or path.endswith("/__init__.py"):
        return False
    parts = path.split("/")
    return 1 < len(parts) <= 3 and parts[0] in folders


def _loaded_beside(repo: RepoView, path: str) -> bool:
    """True when a script in the folder above a config folder names that folder."""
    folder, _, _ = path.rpartition("/")
    parent, _, name = folder.rpartition("/")
    depth = folder.count("/")
    scripts = [p for p in repo.under(parent) if p.endswith(".py") and p.count("/") == depth]
    return any(f"{name}/" in (repo.text(p) or "") for p in scripts)


_DATA_FOLDER = re.compile(r"(?:^|/)(?:data|datasets)/")


def _in_package(repo: RepoView, folder: str) -> bool:
    """True when `folder` or the folder holding it is a Python package."""
    parent = folder.rpartition("/")[0]
    return f"{folder}/__init__.py" in repo.file_set or (
        bool(parent) and f"{parent}/__init__.py" in repo.file_set
    )


def _settings_place(repo: RepoView, path: str) -> bool:
    """True for a settings file at most one folder down, or in a Python package's folder."""
    if is_test_file(path):
        return False
    folder = path.rpartition("/")[0]
    return _SHALLOW.match(path) is not None or f"{folder}/__init__.py" in repo.file_set


def _launch_scripts(repo: RepoView) -> bool:
    """True when shell scripts run the entry point with the experiment's settings as flags."""
    scripts = [p for p in repo.files if p.endswith(".sh") and not is_test_file(p)][:200]
    kept = 0
    for path in scripts:
        text = repo.text(path) or ""
        if _SCRIPT_CALL.search(text) and len(_SCRIPT_OPTION.findall(text)) >= 3:
            kept += 1
            if kept >= 2:
                return True
    return False


def _folder(repo: RepoView, name: str) -> bool:
    return name in repo.folders or repo.exists(name)


@rule("LAY106", family="layout", severity="warning", applies=("project",))
def data_readme_present(repo: RepoView) -> Iterator[Finding]:
    """data/ has a README saying where data comes from and how to get it.

    Why: data folders are git-ignored, so a fresh clone has an empty data/; the README is
    what tells people to run `dvc pull` or `dvc repro` and where the data originates.
    A Kedro project describes its data in its catalog (conf/base/catalog.yml), and a
    Snakemake workflow in the rules that fetch it; neither is reported. Nor is a notebook
    collection without a pipeline (more notebooks than scripts, no DVC), whose notebooks
    each read and describe their own data. READMEs in data/'s subfolders (one per dataset)
    count too, and so does a note in data/ under another name (`data/dataset_notes.md`,
    `data/source.txt`). A data/ folder that holds only Python code (the dataset classes or
    a generator, beside placeholders), or no dataset at all (served models, a web app's
    static files, settings: `data/models/`, `data/static/`, `data/config.py`), or that is
    a Python package (`data/__init__.py`: the data-loading code), has no data to describe;
    nor has one that only keeps a place for what the application writes
    (`data/predictions/.gitkeep`), nor one that holds only placeholders while a DVC stage
    (of the root's pipeline or one in a sub-folder) or a script of the repository
    (`scripts/download_data.sh`) writes the data there, or compose services keep
    their state there (`./data/postgres:/var/data`), nor one that holds only a
    shipped sample beside placeholders
    (`data/sample/`, `data/sample_data.jsonl`, a toy set or a fixture:
    `data/processed/toy/`; fixtures a mock API serves, `data/seed/api-fixtures/`, need
    no README of their own either), nor the empty `data/`
    of a starter template (a README
    titled "... Template"). A dataset card or data description
    (`docs/dataset-card.md`, `DATASET.md`, `docs/DataDocumentation.txt`,
    `docs/datasets/README.md`), or a data
    contract (`docs/data_contract.md`: the columns and the rules they keep)
    or a "Data" or "Dataset" section of the root README ("Training Data", "1. Get the
    Dataset", "Data Inputs (CSV)", "CICIDS 2017 Dataset", "Préparation des données"; in
    English or another common language: Datos,
    Données, Daten, Dados, Данные, 数据) describes the data as well, and so does a line of
    the README's layout tree that says where an entry of data/ comes from
    (`├── adult.csv  -- Raw UCI Adult Income dataset (DVC-tracked)`), and so does a line
    that names the source (`Data Source: ... kaggle.com/...`, `**Dataset**: [name](link)`),
    and so does a README
    that tells its reader to fetch the data with `dvc pull` (or `dvc get`, `dvc import`,
    `kaggle competitions download`),
    or links a document that does or that has a Data section (`docs/dvc.md`).
    Fix: add `data/README.md` (and keep the datasets themselves out of git).
    """
    profile = profile_of(repo)
    if {"kedro", "snakemake", "nextflow"} & set(profile.orchestrators):
        return
    if profile.layout == "notebooks" and not profile.dvc:
        return
    files = repo.under("data")
    held = [p for p in files if p.rsplit("/", 1)[-1] not in _PLACEHOLDERS]
    if held and all(p.endswith((".py", ".pyi")) for p in held):
        return  # dataset code (`data/dataset.py`, `data/generate.py`), no data to describe
    if held and not any(_dataset_file(p) for p in held):
        return  # `data/models/`, `data/static/logo.png`, `data/config.py`: no dataset
    if "data/__init__.py" in repo.file_set:
        return  # the data-loading package (loaders and a class map beside them)
    if files and all(p in repo.listing.symlinks for p in files):
        return  # `data/geo -> /data/common/geo`: the data lives elsewhere, nothing in git
    if files and all(_output_placeholder(p) for p in files):
        return  # `data/predictions/.gitkeep`: a place the application writes to, no data
    placeholders_only = files and all(p.rsplit("/", 1)[-1] in _PLACEHOLDERS for p in files)
    if placeholders_only and (
        _pipeline_writes_data(repo) or _services_keep_state(repo) or _fetch_script(repo)
    ):
        return  # `data/.gitignore` alone: a pipeline, a script or the services fill it
    samples = [
        p for p in files if _SAMPLE_FOLDER.match(p) or SAMPLE_NAME.search(p.rsplit("/", 1)[-1])
    ]
    if samples and all(p in samples or p.rsplit("/", 1)[-1] in _PLACEHOLDERS for p in files):
        return  # `data/sample/`, `data/sample_data.jsonl`: a sample shipped on purpose
    if facts.starter_template(repo) and all(p.rsplit("/", 1)[-1] in _PLACEHOLDERS for p in files):
        return  # a starter template's empty data/: its users bring and describe their data
    if _folder(repo, "data") and not _data_documented(files) and not _described_elsewhere(repo):
        yield Finding("data/README.md is missing", facts.ROOT)


# A note directly in data/ that documents it under another name: any Markdown or
# reStructuredText file, or a text file named for where the data comes from.
_DATA_NOTE = re.compile(
    r"^data/[^/]+\.(?:md|rst)$|^data/(?:sources?|about|info|description|origin)\.txt$",
    re.IGNORECASE,
)
# Empty files that keep a folder in git, and folders the application writes its results to.
_PLACEHOLDERS = frozenset({".gitkeep", ".keep", ".gitignore", ".placeholder", ".empty"})
_OUTPUT_FOLDERS = frozenset(
    {"predictions", "prediction", "outputs", "output", "results", "uploads", "logs", "reports",
     "monitoring", "cache", "tmp", "temp", "artifacts"}
)  # fmt: skip
# A dataset card, data sheet or data contract anywhere (`docs/dataset-card.md`, `DATASET.md`,
# `datasheet.md`, `docs/data_contract.md`, Kaggle's `dataset-metadata.json`: title,
# source, files), or the README of a documentation folder on the datasets
# (`docs/datasets/README.md`).
_DATASET_CARD = re.compile(
    r"(?:^|/)(?:data(?:set)?[-_ ]?(?:card|sheet|documentation|description|dictionary|contract)"
    r"|datasheet|datasets?)\.(?:md|rst|txt)$|(?:^|/)dataset-metadata\.json$"
    r"|^docs?/(?:data|datasets?)/(?:readme|index)\.(?:md|rst)$",
    re.IGNORECASE,
)
_PACKAGE_MANIFESTS = ("setup.py", "pyproject.toml", "setup.cfg")
# A README heading that names the data: `## Data`, `### Dataset`, `## 📊 The datasets`,
# `## Data sources`, `## Data and Model Access`, `## Dataset e Problema`,
# `## Getting the data`, `### 2. Данные`, `## **Dataset Description**` (emphasis marks),
# `## 4. Préparation des données`, `### 1. Data Ingestion & Preprocessing`, `## 数据层`.
_DATA_HEADING = re.compile(
    r"^#{1,4}[ \t]+(?:[^\w\s]+[ \t]*)?_{0,3}(?:\d+[.)]?[ \t]+)?"
    r"(?:(?:get|getting|download|downloading|obtain|obtaining|prepar(?:e|ing|ation)"
    r"|pr[ée]paration|preparaci[óo]n|prepara[çc][ãa]o)[ \t]+"
    r"(?:(?:of|des|de|du|der|dei|do|dos|da)[ \t]+)?)?(?:(?:the|la|les)[ \t]+)?"
    r"(?:(?:training|input|raw|source)[ \t]+)?"
    r"(?:data(?:[ -]?sets?)?|datos|donn[ée]es|daten|dados|данные|датасеты?"
    r"|数据(?:集|层|源|来源|准备|说明|获取|下载|处理)?|データ(?:セット)?)"
    r"(?:[ \t]+(?:and|&|e|y|et|und|и)[ \t]+\w+)?"
    r"(?:[ \t]+(?:description|sources?|card|used|overview|access|download|setup"
    r"|preparation|ingestion|collection|acquisition|references?|links?|formats?|structure"
    r"|strategy|versioning|management|inputs?|information|info|details"
    r"|schema))?"
    r"(?:[ \t]+(?:and|&)[ \t]+\w+)?"
    # its size or format: `Prepare the data (~5 GB)`, `Data Inputs (CSV)`
    r"(?:[ \t]*\((?:~?[ \t]*[\d.,]+[ \t]*[KMGT]i?B|csv|tsv|json|parquet|excel|xlsx)\))?"
    r"[ \t]*[:*_]{0,4}[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)


# A sample shipped with the code (`data/sample/sample_alpaca.json`): DAT102 does not
# report it, and the commands that use it say what it is.
# So is a toy set or a fixture the smoke tests read (`data/processed/toy/queries.jsonl`).
_SAMPLE_FOLDER = re.compile(r"^data/(?:[\w.-]+/)?(?:samples?|sample[-_]data|toy|fixtures?)/")


# `data/dataset.txt` is more likely the data than a description of it.
_BARE_DATASET = re.compile(r"^data/(?:[^/]+/)*datasets?\.\w+$", re.IGNORECASE)


# A script that fetches the data (`scripts/download_data.sh`, `get_dataset.py`,
# `download_kaggle_data.sh`, `download_uci_heart_disease.py`).
_FETCH_SCRIPT = re.compile(
    r"(?:^|/)(?:(?:download|fetch)(?:[_-][\w-]*)?|get[_-]?(?:the[_-])?(?:data|datasets?|corpus|raw)"
    r"[\w-]*)\.(?:sh|py)$",
    re.IGNORECASE,
)


def _fetch_script(repo: RepoView) -> bool:
    """True when a script of the repository fetches the data into its empty data/."""
    return any(_FETCH_SCRIPT.search(p) for p in repo.files if p.count("/") <= 2)


def _services_keep_state(repo: RepoView) -> bool:
    """True when a compose file mounts a folder of data/ (`./data/postgres:/var/data`)."""
    return any(
        "./data/" in (repo.text(name) or "") for name in COMPOSE_FILES if name in repo.file_set
    )


def _pipeline_writes_data(repo: RepoView) -> bool:
    """True when a stage of dvc.yaml writes below data/ (an ingest stage that fetches it).

    A pipeline in a sub-folder (`pipelines/monitor/dvc.yaml`, `src/main/dvc.yaml`) runs
    from its own folder: its stages write data/ through relative paths (`../../data`).
    """
    if any(p.endswith("/dvc.yaml") for p in repo.files):
        return True
    return any(
        out.path is not None and out.path.startswith("data/")
        for stage in facts.stages(repo) or []
        for out in stage.outs
    )


def _output_placeholder(path: str) -> bool:
    """True for `data/<output folder>/.gitkeep`: a kept place for results, no data."""
    parts = path.split("/")
    return parts[-1] in _PLACEHOLDERS and len(parts) > 2 and parts[1].lower() in _OUTPUT_FOLDERS


def _described_elsewhere(repo: RepoView) -> bool:
    """True when a dataset card, a Data section or the layout tree of the README describes it."""
    if any(_DATASET_CARD.search(p) and not _BARE_DATASET.search(p) for p in repo.files):
        return True
    text = facts.readme_text(repo)
    lowered = text.lower()  # "Do DVC pull first"
    if "dvc pull" in lowered or "dvc get " in lowered or "dvc import " in lowered:
        return True  # the README says how to fetch the data DVC tracks
    if "kaggle competitions download" in lowered or "kaggle datasets download" in lowered:
        return True  # the README's command names the source and fetches it
    if _DATA_HEADING.search(text) is not None or _NAMED_DATASET_HEADING.search(text):
        return True
    if _DATA_SOURCE_LINE.search(text) is not None:
        return True
    if _tree_describes_data(repo, text):
        return True
    readme = facts.readme(repo)
    return readme is not None and any(
        "dvc pull" in (linked := facts.document_text(repo, p)).lower()
        or _DATA_HEADING.search(linked) is not None
        for p in facts.linked_documents(repo, readme)
    )  # `[docs/dvc.md](docs/dvc.md)`: the datasets and `dvc pull`, one link away


# A labelled line of the README: `Data Source: ... https://www.kaggle.com/...`,
# `**Dataset origin:** UCI`, `**Dataset**: [name](link)`.
_DATA_SOURCE_LINE = re.compile(
    r"^[ \t>*_-]*+(?:the[ \t]+)?(?:data(?:[ -]?set)?|training[ \t]+data)[ \t]+(?:source|origin)s?"
    r"[*_]{0,2}[ \t]*+:[*_]{0,2}[ \t]*+\S"
    # `- **Dataset**: [Kaggle Crop Recommendation](https://www.kaggle.com/...)`
    r"|^[ \t>*_-]*+data[ -]?set[*_]{0,2}[ \t]*+:[*_]{0,2}[ \t]*+\[[^\]\n]{1,120}\]\(https?://",
    re.IGNORECASE | re.MULTILINE,
)


def _dataset_file(path: str) -> bool:
    """Return True for a file of data/ that may be a dataset (not a model, code or asset)."""
    parts = path.split("/")
    if _NOT_DATA_FOLDERS.intersection(part.lower() for part in parts[1:-1]):
        return False
    return not parts[-1].lower().endswith(_NOT_DATA_SUFFIXES)


# Folders of data/ that hold no dataset: served models, a web app's static files, the
# settings of a generator (`data/config/synthetic_config.csv`).
_NOT_DATA_FOLDERS = frozenset(
    {"models", "model", "checkpoints", "static", "assets", "templates", "css", "js", "fonts",
     "config", "configs", "settings"}
)  # fmt: skip
# Code, documents, a web app's files and models; not a pickle (`data/train.pkl` may hold
# a dataset).
_NOT_DATA_SUFFIXES = (
    ".py", ".pyi", ".css", ".js", ".html", ".ico", ".svg", ".md", ".rst",
    *(suffix for suffix in MODEL_SUFFIXES if suffix not in (".pkl", ".pickle")),
)  # fmt: skip


# A heading that names the dataset (`### **CICIDS 2017 Dataset**`, `## The MovieLens
# datasets`): the section says which data the project uses.
_NAMED_DATASET_HEADING = re.compile(
    r"^#{1,4}[ \t]+[^\n]{0,80}?\bdata[ -]?sets?[ \t]*[:*_]{0,4}[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)


# A line of a layout tree in a README that comments an entry:
# `│   ├── adult.csv   -- Raw UCI Adult Income dataset (DVC-tracked)`,
# `    └── sample/     # 6,000 synthetic transactions, no real data`.
_TREE_ENTRY = re.compile(
    r"^[ \t│|]*+(?:[├└]──|\|--|\+--|`--)[ \t]*([^\s#]+)[ \t]+(?:#|--|—|←|<-)[ \t]*(\S[^\n]*)$",
    re.MULTILINE,
)
# A comment that says where an entry's data comes from or what it is, not only its stage
# ("Raw image data", "Processed test data" say neither).
_DATA_ORIGIN = re.compile(
    r"\b(?:data[ -]?sets?|synthetic|from|download\w*|source\w*|generated|kaggle|uci|https?"
    r"|api|snapshots?)\b",
    re.IGNORECASE,
)


# The same, in a tree drawn by indentation alone, below its `data/` line:
# `data/` then `  corpus/        pinned docs snapshot (tracked in git)`.
_INDENTED_DATA_TREE = re.compile(r"^[ \t]*data/[ \t]*\n((?:[ \t]+\S[^\n]*\n?)+)", re.MULTILINE)
_INDENTED_ENTRY = re.compile(r"^[ \t]+([\w.-]+/?)[ \t]{2,}(\S[^\n]*)$", re.MULTILINE)


def _tree_describes_data(repo: RepoView, text: str) -> bool:
    """True when the README's layout tree says where an entry of data/ comes from."""
    if "──" not in text and "--" not in text and "data/\n" not in text:
        return False
    names = {part for p in repo.under("data") for part in p.split("/")[1:]}
    names |= {name.removesuffix(".dvc") for name in names}
    entries = [(m.group(1), m.group(2)) for m in _TREE_ENTRY.finditer(text)]
    for tree in _INDENTED_DATA_TREE.finditer(text):
        entries += [(m.group(1), m.group(2)) for m in _INDENTED_ENTRY.finditer(tree.group(1))]
    for name, comment in entries:
        entry = name.strip("/")
        if entry in names and not entry.endswith(".dvc") and _DATA_ORIGIN.search(comment):
            return True
    return False


# A dataset folder's note under another name (`data/mnist/dataset.txt`: where it is from).
_FOLDER_NOTE = re.compile(r"(?:sources?|about|info|description|origin|dataset)\.txt$", re.I)


def _data_documented(files: list[str]) -> bool:
    """True when data/ has a README, or every folder of data files has one of its own.

    `data/raw/emnist/readme.md` beside `data/raw/emnist/metadata.toml` documents that
    dataset; a README in one subfolder says nothing about the others. A folder kept only
    by a placeholder (`data/processed/.gitkeep`: what the pipeline writes) holds no data.
    """
    documented = {
        p.rpartition("/")[0]
        for p in files
        if _README.match(p.rpartition("/")[2]) or _FOLDER_NOTE.match(p.rpartition("/")[2])
    }
    if "data" in documented:
        return True
    if any(_DATA_NOTE.match(p) for p in files):
        return True  # `data/descripcion_dataset.md`, `data/source.txt`: data/'s own note
    folders = {
        folder
        for folder, _, name in (p.rpartition("/") for p in files)
        if not _README.match(name) and name not in _PLACEHOLDERS and not _FIXTURES.search(folder)
    } - {"data"}
    return bool(folders or documented) and all(
        any(folder == d or folder.startswith(f"{d}/") for d in documented) for folder in folders
    )


# Fixtures the tests or a mock API serve (`data/seed/api-fixtures/`): no dataset to describe.
_FIXTURES = re.compile(r"(?:^|/)(?:[\w.]+[-_])?fixtures?(?:/|$)", re.IGNORECASE)


@rule("LAY107", family="layout", severity="info", applies=("kit",))
def notebooks_readme_present(repo: RepoView) -> Iterator[Finding]:
    """notebooks/ exists with a README about how notebooks are kept.

    Why: notebooks are for exploration; a dedicated folder and a note on conventions
    (outputs stripped, code promoted to src/) keeps them from becoming the pipeline.
    Fix: add `notebooks/README.md`.
    """
    if _folder(repo, "notebooks") and not repo.is_file("notebooks/README.md"):
        yield Finding("notebooks/README.md is missing", facts.ROOT)


@rule("LAY108", family="layout", severity="warning", kit_severity="error")
def gitignore_present(repo: RepoView) -> Iterator[Finding]:
    """The project has a .gitignore.

    Why: without it data, models, MLflow stores, virtualenvs and `.env` files end up in
    git, where they bloat history or leak secrets.
    A repository whose code all lives in top-level folders that each have their own
    .gitignore is covered, and one of documents only (no code) has nothing to ignore;
    nor has a notebook export (one to three notebooks, no Python modules: a Kaggle kernel
    with its figures and submission), which no tool runs in place.
    Fix: add a `.gitignore` that covers `.env`, `mlflow.db`, `mlruns/`, `mlartifacts/`,
    `.venv/`, `__pycache__/` and the pipeline's output folders.
    """
    if repo.is_file(".gitignore"):
        return
    # A repository whose code all lives in sub-projects that each keep a .gitignore (a
    # course's one project folder, a monorepo of examples) is covered.
    code = [p for p in repo.files if p.endswith((".py", ".ipynb"))]
    if not code:
        return  # documents only: nothing a tool would write next to them
    if len(code) <= _NOTEBOOK_EXPORT and all(p.endswith(".ipynb") for p in code):
        return  # a notebook export (a Kaggle kernel): run elsewhere, nothing written here
    tops = {p.split("/", 1)[0] for p in code if "/" in p}
    if code and all("/" in p for p in code) and all(repo.is_file(f"{t}/.gitignore") for t in tops):
        return
    yield Finding(".gitignore is missing", facts.ROOT)


# Up to this many notebooks and no Python module: a notebook export, not a project tree.
_NOTEBOOK_EXPORT = 3


@rule("LAY109", family="layout", severity="error")
def is_git_repository(repo: RepoView) -> Iterator[Finding]:
    """The project is a git repository.

    Why: DVC pins data versions to git commits and MLflow records the commit of each run;
    outside git neither can tell which code produced which result. Checks about what git
    tracks or ignores need it too (they are skipped without it).
    Fix: `git init && git add . && git commit -m "Initial project"`.
    """
    if not repo.is_git:
        note = repo.listing.git_note
        yield Finding(
            note or "not a git repository; files were listed by walking the tree", facts.ROOT
        )


@rule("LAY110", family="layout", severity="info", applies=("kit",))
def models_readme_present(repo: RepoView) -> Iterator[Finding]:
    """models/ has a README saying where trained models go.

    Why: models are pipeline outputs kept by DVC and registered in MLflow, not committed;
    the README says where to find them.
    Fix: add `models/README.md`.
    """
    if _folder(repo, "models") and not repo.is_file("models/README.md"):
        yield Finding("models/README.md is missing", facts.ROOT)


@rule("LAY111", family="layout", severity="error")
def symlinks_stay_inside(repo: RepoView) -> Iterator[Finding]:
    """Symlinks point inside the repository.

    Why: a link to a path outside the repository (a home folder, /etc, a credentials
    file) works on one machine only, and tools that follow it may read or publish files
    that were never meant to be part of the project. Loops hang naive tools.
    A link to another link of the repository (`bin/python3 -> python`) is judged at the
    link it points to, one finding per chain; links inside a committed virtualenv are
    LAY113's (the whole environment should not be in git). A broken link inside another
    project's repository copied in whole (a folder with its own manifest, licence and
    contributors' guide: `fairseq_lib/`, whose Kaldi recipe links into a Kaldi tree) is
    that project's, and not reported; a link out of the repository is, wherever it is.
    Fix: replace the link with the file itself, a DVC-tracked copy, or a path in config.
    """
    venvs = _virtualenvs(repo)
    copies = vendored_copies(repo)
    for path in sorted(repo.listing.symlinks):
        if venvs and path.startswith(venvs):
            continue  # `.venv/bin/python -> /Users/...`: part of a committed virtualenv
        _, problem = repo.resolve_link(path)
        if problem is None:
            continue
        if copies and path.startswith(copies) and "outside" not in problem:
            continue  # broken inside a library's own repository, kept as it came
        if _ends_further(repo, path):
            continue  # `python3 -> python`: the chain is reported at the link it ends on
        yield Finding(f"{path} {problem}", path)


def _ends_further(repo: RepoView, path: str) -> bool:
    """True when `path` links to another link of the repository whose chain ends (no loop)."""
    seen = {path}
    step = _next_link(repo, path)
    while step in repo.listing.symlinks:
        if step in seen:
            return False  # a loop: each of its links is reported
        seen.add(step)
        step = _next_link(repo, step)
    return len(seen) > 1


def _next_link(repo: RepoView, path: str) -> str | None:
    """The repository path a symlink's own target names, when it is relative and inside."""
    try:
        target = (repo.root / path).readlink()
    except OSError:
        return None
    if target.is_absolute():
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(path), target.as_posix()))
    return None if joined.startswith("../") or joined == ".." else joined


# Files tools write next to the code: bytecode, notebook checkpoints, editor scratch
# copies, tool caches, Finder metadata.
GENERATED = re.compile(
    r"(?:^|/)(?:__pycache__|\.ipynb_checkpoints|\.virtual_documents|\.pytest_cache"
    r"|\.mypy_cache|\.ruff_cache|\.hypothesis|\.tox|\.nox|catboost_info|[^/]*?\.egg-info)/"
    r"|\.py[co]$|(?:^|/)(?:\.DS_Store|\.coverage)$"
    # vim's swap files, and the lock files Office (`~$report.docx`) and LibreOffice
    # (`.~lock.slides.pptx#`) keep while a document is open
    r"|(?:^|/)\.[^/]+\.sw[op]$|(?:^|/)~\$[^/]++$|(?:^|/)\.~lock\.[^/]*#$"
    # Emacs's backups (`train.py~`) and auto-saves (`#train.py#`), Windows' thumbnail
    # cache, and a JetBrains IDE's state of one person's workspace
    r"|[^/~]~$|(?:^|/)#[^/]+#$|(?:^|/)Thumbs\.db$"
    r"|(?:^|/)\.idea/(?:workspace\.xml|usage\.statistics\.xml|tasks\.xml|shelf/)"
)
# Every match of GENERATED holds one of these: substring tests rule most paths out at once
# (the pattern, without a literal start, is tried at every character of every path).
GENERATED_WORDS = (
    "__pycache__/", "_checkpoints/", "_documents/", "_cache/", ".pyc", ".pyo", ".DS_Store",
    ".swp", ".swo", "~$", ".~lock.", ".hypothesis/", ".tox/", ".nox/", ".egg-info/", ".coverage",
    "catboost_info/", "~", "#", "Thumbs.db", ".idea/",
)  # fmt: skip


def _virtualenvs(repo: RepoView) -> tuple[str, ...]:
    """Folders of committed virtual environments: each holds the `pyvenv.cfg` venv writes."""
    return tuple(
        p.removesuffix("pyvenv.cfg")
        for p in repo.files
        if p.endswith("/pyvenv.cfg") and p in repo.tracked
    )


def generated(path: str) -> bool:
    """Return True for a path GENERATED matches."""
    return any(word in path for word in GENERATED_WORDS) and GENERATED.search(path) is not None


@rule("LAY113", family="layout", severity="warning", requires=("LAY109",))
def no_generated_files(repo: RepoView) -> Iterator[Finding]:
    """Files that tools generate (bytecode, notebook checkpoints, caches) are not committed.

    Why: `__pycache__/*.pyc`, `.ipynb_checkpoints/`, jupyterlab-lsp's `.virtual_documents/`
    and tool caches are rewritten on every run; committed, they go stale at once, show up
    in every diff, and a checkpoint can hold outputs the real notebook no longer shows.
    Editors' swap files (`.train.py.swp`) and the lock files Office and LibreOffice keep
    beside an open document (`~$report.docx`, `.~lock.slides.pptx#`) are the same, and so
    are test tools' state (`.hypothesis/`, `.tox/`, `.nox/`, `.coverage`), setuptools'
    `*.egg-info/`, CatBoost's training log (`catboost_info/`), Emacs's backups and
    auto-saves (`train.py~`, `#train.py#`), Windows' `Thumbs.db`, a JetBrains IDE's
    personal state (`.idea/workspace.xml`; the shared `.idea/` settings may be kept) and a
    virtual environment
    (a folder holding `pyvenv.cfg`: thousands of installed files for one machine's Python).
    Fix: `git rm -r --cached <path>` and add the folders (`__pycache__/`,
    `.ipynb_checkpoints/`, `.virtual_documents/`, `.DS_Store`) to .gitignore.
    """
    environments = _virtualenvs(repo)
    committed = (
        p
        for p in (*repo.files, *repo.listing.hidden)
        if generated(p) or (environments and p.startswith(environments))
    )
    found = sorted({p for p in committed if p in repo.tracked or p in repo.listing.hidden})
    if found:
        names = ", ".join(found[:3])
        more = f" and {len(found) - 3} more" if len(found) > 3 else ""
        what = "file is" if len(found) == 1 else "files are"
        yield Finding(f"{len(found)} generated {what} committed: {names}{more}", found[0])


@rule("LAY114", family="layout", severity="warning")
def init_modules_named(repo: RepoView) -> Iterator[Finding]:
    """A package's init module is named `__init__.py`.

    Why: `__init___.py`, `__init.py` or `_init_.py` is an ordinary module of that name: the
    folder is no regular package, `find_packages()` leaves it out of the wheel, and its
    imports work only from the repository's root (as a namespace package), if at all.
    Copies of another project kept in the repository (a folder with its own licence and
    manifest) are not judged.
    Fix: `git mv <folder>/<name> <folder>/__init__.py`.
    """
    copies = vendored_copies(repo)
    for path in repo.files:
        if "init" not in path or (copies and path.startswith(copies)):
            continue
        name = path.rsplit("/", 1)[-1]
        if _MISNAMED_INIT.match(name) and name != "__init__.py":
            yield Finding(f"{path} is not named __init__.py: its folder is no package", path)


# An init module's name with its underscores miscounted: `__init___.py`, `_init_.py`,
# `__init.py`, `init__.py`.
_MISNAMED_INIT = re.compile(r"^(?:_{1,3}init_{0,3}|init_{1,3})\.py$")


@rule("LAY115", family="layout", severity="warning")
def no_machine_paths_in_code(repo: RepoView) -> Iterator[Finding]:
    """Code names no file by a path of one machine.

    Why: `pd.read_csv("C:/Users/alice/Desktop/train.csv")` or
    `"/home/alice/projects/x/data"` runs on the author's machine only: a colleague, a CI
    job or a container gets FileNotFoundError, or worse, a default that silently reads
    nothing. String literals of the project's code are read (not comments, docstrings,
    tests, docs, examples, notebooks, or generated and obfuscated modules: over 300 KB, a
    Pyarmor build): a drive letter's folder (`D:/Data`,
    `E:/Semester 8/...`, with either slash; not `C:/Program Files` or `C:/Windows`), a
    macOS home (`/Users/alice/`), a Linux home (`/home/alice/`; not a service account a
    container or cloud image runs as: `/home/airflow`, `/home/jovyan`, `/home/ubuntu`, or
    a user a Dockerfile of the repository names) and Colab's mount of one account's Drive
    (`/content/drive/`).
    One finding for the repository, at the first such literal, naming the other files.
    Fix: take the location from the command line, a config file or an environment
    variable, relative to the project root by default (`Path(__file__).parents[1] /
    "data"`).
    """
    copies = vendored_copies(repo)
    found: list[tuple[str, int, str]] = []
    for path in facts.runtime_code(repo):
        if copies and path.startswith(copies):
            continue
        text = repo.text(path) or ""
        if len(text) > _HAND_WRITTEN or "__pyarmor__(" in text[:2000]:
            continue  # generated or obfuscated code (a Pyarmor build): no one's paths to fix
        if not any(hint in text for hint in _MACHINE_HINTS):
            continue  # most modules name no such path: a substring test is cheaper
        quotes: list[int] | None = None  # where triple quotes stand, found at the first need
        for match in _MACHINE_PATH.finditer(text):
            literal = match.group(1)
            if "#" in text[text.rfind("\n", 0, match.start()) + 1 : match.start()]:
                continue  # in a comment: `# path = "W:/Projekte/old.csv"`
            quotes = _triple_quotes(text) if quotes is None else quotes
            if bisect_left(quotes, match.start(1)) % 2:
                continue  # `>>> load_data("D:/My Data/Dataset")`, `(e.g. 'W:\\Projekte')`
            home = _HOME_USER.match(literal)
            if home and _service_user(repo, home.group(1)):
                continue
            found.append((path, text.count("\n", 0, match.start()) + 1, literal))
            break  # one per file
    if not found:
        return
    path, line, literal = found[0]
    others = sorted({p for p, _, _ in found[1:]})
    more = f" (and in {', '.join(others[:3])}{', ...' if len(others) > 3 else ''})"
    yield Finding(f"`{literal}` is a path of one machine{more if others else ''}", path, line)


def _triple_quotes(text: str) -> list[int]:
    """Return the offsets of the triple quotes of `text`, in order.

    An odd count of them before an offset puts it inside a triple-quoted string (a
    docstring's example).
    """
    found = []
    for quote in ('"""', "'''"):
        start = text.find(quote)
        while start != -1:
            found.append(start)
            start = text.find(quote, start + 3)
    return sorted(found)


def _service_user(repo: RepoView, name: str) -> bool:
    """True for an account a container or cloud image runs as, not a person's home."""
    return name in _SERVICE_USERS or name in _dockerfile_words(repo)


def _dockerfile_words(repo: RepoView) -> frozenset[str]:
    """The words of the repository's Dockerfiles (`useradd svc`, `USER svc`), read once."""
    return facts.memo(
        repo,
        "layout.dockerfile_words",
        lambda: frozenset(
            word for p in facts.dockerfiles(repo) for word in _WORD.findall(repo.text(p) or "")
        ),
    )


_WORD = re.compile(r"[\w.-]++")


_MACHINE_HINTS = (":/", ":\\", "/Users/", "/home/", "/content/drive/")
# Larger modules are generated (a parser's tables, a vendored bundle), not written by hand.
_HAND_WRITTEN = 300_000
# A string literal that opens with a path of one machine.
_MACHINE_PATH = re.compile(
    r"[\"']((?:[A-Za-z]:(?:\\{1,2}|/)(?!(?:Program Files|ProgramData|Windows)\b)[^\W\d_]"
    r"|/Users/(?!Shared/)[A-Za-z][\w.-]*+/|/home/[a-z_][a-z0-9_.-]*+/|/content/drive/(?=[^\"'\n]))"
    r"[^\"'\n]{0,60})"
)
_HOME_USER = re.compile(r"/home/([^/]+)/")
_SERVICE_USERS = frozenset(
    {"airflow", "jovyan", "app", "appuser", "user", "runner", "ray", "spark", "nonroot",
     "mambauser", "vscode", "coder", "node", "worker", "docker", "ubuntu", "ec2-user",
     "azureuser", "opc", "admin", "circleci", "gitpod", "codespace", "sagemaker-user",
     "jenkins", "python", "model-server", "daemon", "builder", "ci"}
)  # fmt: skip


# Text formats checked for encoding; other files may be binary.
TEXT_SUFFIXES = (
    ".py", ".pyi", ".yaml", ".yml", ".toml", ".json", ".md", ".rst", ".txt", ".cfg", ".ini",
    ".sh", ".ipynb", ".lock", ".env", ".sql", ".r", ".R", ".js", ".ts", ".html", ".css",
    ".xml", ".tf", ".properties", ".conf",
)  # fmt: skip
TEXT_NAMES = frozenset(
    {"Makefile", "Dockerfile", "LICENSE", "COPYING", ".gitignore", ".dvcignore",
     ".gitattributes", ".dockerignore", "config", ".env"}
)  # fmt: skip


# Documents in binary formats whose names other rules look at (`README.pdf`).
_BINARY_DOCUMENTS = (
    ".pdf", ".doc", ".docx", ".odt", ".rtf", ".xls", ".xlsx", ".ppt", ".pptx", ".png", ".jpg",
    ".jpeg", ".gif", ".svg", ".webp", ".zip", ".gz", ".epub",
)  # fmt: skip
# Code and settings: a multi-megabyte one is a problem in itself (LAY112).
SETTINGS_SUFFIXES = (
    ".py", ".pyi", ".yaml", ".yml", ".toml", ".cfg", ".ini", ".conf", ".properties", ".env",
    ".sh", ".tf", "Makefile", "Dockerfile", ".gitignore", ".dvcignore", ".dockerignore",
)  # fmt: skip


def is_text_name(path: str) -> bool:
    """True for files the standard expects to be text."""
    name = path.rsplit("/", 1)[-1]
    return name in TEXT_NAMES or name.endswith(TEXT_SUFFIXES) or name.startswith(".env")


@rule("LAY112", family="layout", severity="warning")
def files_are_readable_text(repo: RepoView) -> Iterator[Finding]:
    """Text files are readable UTF-8, regular files of a sane size.

    Why: configs and code that are not UTF-8 (UTF-16, Latin-1, binary pasted into a .yaml),
    FIFOs or devices where a file should be, or multi-megabyte "configs" break tools in
    confusing ways; the audit could not check them either. A large dataset or document
    (`data.json`, `corpus.txt`) is not a config: DAT101 reports its size instead; a text
    file in a `data/` or `datasets/` folder keeps the encoding of its source, and a file
    under a test folder (`tests/`, `test/`, `testing/`, `fixtures/`, `testdata/`,
    `test_data/` at any depth) is a fixture a test reads as bytes on purpose (Latin-1
    HTML, a truncated UTF-8 sequence): its encoding is not reported there, while a FIFO or
    an oversize config is, as anywhere else. Nor is the encoding of a `.txt` file other
    than pip's requirement and constraint files (notes, results, a dataset's
    documentation): no tool parses it, nor that of a document in a binary format that
    other rules look at by name (`README.pdf`), nor a Markdown or reStructuredText
    document other than a README that is UTF-8 but for a few legacy-encoded characters (a
    report's multiplication sign in cp1252; UTF-16 and binary ones are reported).
    Mis-encoded Markdown documents of one
    folder are one finding.
    Fix: re-save the file as UTF-8, replace the special file with a regular one, or move
    large data out of git (DVC).
    """
    if repo.listing.truncated:
        yield Finding("the file listing stopped early: too many files to audit them all")
    for path in repo.files:
        if path in repo.listing.symlinks or not (
            is_text_name(path) or path in repo.listing.special
        ):
            continue
        if path.endswith(".ipynb") and path not in repo.listing.special:
            continue  # notebooks are DAT104's: their size is their outputs
        repo.text(path)
    documents: dict[str, list[str]] = {}  # mis-encoded Markdown, by folder
    for path in sorted(repo.problems):
        if path in repo.claimed or path in repo.listing.symlinks:
            continue
        if repo.problems[path].startswith("is too large") and not path.endswith(SETTINGS_SUFFIXES):
            continue  # a large dataset or document, not a config: DAT101 reports its size
        if _DATA_FOLDER.search(path) and not path.endswith(SETTINGS_SUFFIXES):
            continue  # a dataset keeps the encoding of its source (Latin-1 titles, ...)
        if FIXTURE_FOLDERS.search(path) and repo.problems[path].startswith(NOT_UTF8):
            continue  # a test's fixture: non-UTF-8 on purpose, read as bytes
        if _PROSE_TEXT.search(path) and repo.problems[path].startswith(NOT_UTF8):
            continue  # notes or a dataset's documentation in its own encoding: no tool reads it
        if path.lower().endswith(_BINARY_DOCUMENTS) and repo.problems[path].startswith(NOT_UTF8):
            continue  # `README.pdf`: a binary format by design, read only for its name
        if path.lower().endswith((".md", ".rst")) and repo.problems[path].startswith(NOT_UTF8):
            if _STRAY_BYTES in repo.problems[path] and not _README.search(path):
                continue  # a note's few legacy-encoded characters (an em dash in cp1252): trivial
            documents.setdefault(path.rpartition("/")[0], []).append(path)
            continue  # grouped below: one folder of mis-encoded documents is one fact
        yield Finding(f"{path} {repo.problems[path]}", path)
    for folder, paths in sorted(documents.items()):
        if len(paths) == 1:
            yield Finding(f"{paths[0]} {repo.problems[paths[0]]}", paths[0])
        else:
            names = ", ".join(p.rpartition("/")[2] for p in paths[:3])
            more = ", ..." if len(paths) > 3 else ""
            yield Finding(
                f"{len(paths)} documents under {folder or '.'}/ are not UTF-8 text: {names}{more}",
                paths[0],
            )


# A document that decodes but for some bytes (not UTF-16, no NUL byte), and READMEs,
# which every visitor reads first.
_STRAY_BYTES = "(invalid byte at line"
_README = re.compile(r"(?:^|/)readme(?:\.[\w]+)?$", re.IGNORECASE)
# A `.txt` file that no tool parses: notes, results, a dataset's documentation. Pip's
# requirement and constraint files are read by tools, and stay reported.
_PROSE_TEXT = re.compile(r"(?:^|/)(?![^/]*(?:requirement|constraint))[^/]+\.txt$", re.IGNORECASE)


@rule("LAY116", family="layout", severity="error", applies=("code",))
def imported_packages_committed(repo: RepoView) -> Iterator[Finding]:
    """The packages the code imports are committed, not hidden by an ignore pattern.

    Why: an ignore pattern written for artefacts (`data/`, `models/`, `output/`) matches
    such a folder at any depth, the project's own packages included (`src/kws/data/`,
    `src/models/`): their modules never reach git, the author's checkout still works,
    and every clone, CI job and image fails with ModuleNotFoundError.
    Read: the imports of the project's Python files (`from kws.data import ...`) of its
    own packages (a folder at the root or in `src/` holding committed Python files); a
    sub-package that is not in the repository while git ignores its folder is reported,
    once, at the first import. A module git ignores by its file name (a generated
    `_version.py`, `*_pb2.py`) is left alone: it is written by the build.
    Fix: anchor the pattern to the root (`/data/`, `/models/`) or re-include the package
    (`!src/kws/data/`), check with `git check-ignore -v src/kws/data/__init__.py`, then
    `git add` the package.
    """
    roots = _package_roots(repo)
    imported = imported_modules(repo)
    importing = sorted(
        {path for name in roots for path, _ in imported.get(name, []) if path.endswith(".py")}
    )
    missing: dict[str, tuple[str, str, int]] = {}  # folder -> (module, path, line)
    for path in importing:
        for module, line in dotted_imports(repo.text(path) or ""):
            top, _, rest = module.partition(".")
            if rest and top in roots:
                for folder, depth in _missing_folders(repo, roots[top], rest.split(".")):
                    dotted = ".".join(module.split(".")[: depth + 1])
                    missing.setdefault(folder, (dotted, path, line))
    if not missing:
        return
    ignored = repo.ignored([f"{f}/__init__.py" for f in missing] + [f"{f}.py" for f in missing])
    for folder, (module, path, line) in missing.items():
        if f"{folder}/__init__.py" in ignored and f"{folder}.py" not in ignored:
            yield Finding(
                f"`{module}` is imported but git ignores its folder {folder}/: the package is "
                "not committed, so a clone cannot import it",
                path,
                line,
            )


# Suffixes of an importable module file.
_MODULE_SUFFIXES = (".py", ".pyi", ".pyx", ".so", ".pyd")


def _package_roots(repo: RepoView) -> dict[str, list[str]]:
    """The project's top-level packages: name -> folders (at the root, in `src/`)."""
    roots: dict[str, dict[str, None]] = {}  # folders in the order first met, once each
    for path in code_files(repo):
        parts = path.split("/")
        for depth in (1, 2) if parts[0] == "src" else (1,):
            if len(parts) > depth:
                roots.setdefault(parts[depth - 1], {})["/".join(parts[:depth])] = None
    return {name: list(folders) for name, folders in roots.items()}


def _missing_folders(repo: RepoView, bases: list[str], names: list[str]) -> list[tuple[str, int]]:
    """(folder, how many of `names` it takes) of each base where the module is missing.

    Below each base, the first of `names` that is neither a folder nor a module file of
    the repository. None at all when any base holds the module, or a module on the way
    (whose attributes the rest may name).
    """
    found = []
    for base in bases:
        folder = base
        for depth, name in enumerate(names, start=1):
            below = f"{folder}/{name}"
            if below in repo.folders:
                folder = below
                continue
            if any(f"{below}{suffix}" in repo.file_set for suffix in _MODULE_SUFFIXES):
                return []
            found.append((below, depth))
            break
        else:
            return []
    return found
