"""What a repository is, detected once before any rule judges it ("detect, then judge").

`profile_of(repo)` reads the listing and a few small files of a `RepoView` and returns a
`RepoProfile`: how the project is packaged and locked, its layout, where its Hydra config
lives, whether it uses DVC and MLflow (anywhere in its code), its CI provider, task runners
and git-hook managers, and whether mlops-kit baked or adopted it. Rules declare the facets
they apply to (`RepoProfile.has`); the engine skips a rule where they do not hold. The
`adopt` command reads the same profile to decide what to add.

Cheap by construction: it reads file names, a handful of manifests, and parses with `ast`
only the Python files that mention `hydra` literally.
"""

from __future__ import annotations

import ast
import posixpath
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from mlops_kit.audit import secrets
from mlops_kit.audit.repo import RepoView, normalise

T = TypeVar("T")

# -- vocabulary --------------------------------------------------------------------------
MANIFESTS = (
    "pyproject.toml", "setup.py", "setup.cfg", "Pipfile", "environment.yml",
    "environment.yaml", "conda.yaml", "conda.yml", "pixi.toml",
)  # fmt: skip
LOCKS = (
    "poetry.lock", "uv.lock", "pdm.lock", "Pipfile.lock", "pylock.toml", "conda-lock.yml",
    "pixi.lock",
    "requirements.lock", "requirements-lock.txt", "requirements.lock.txt", "constraints.txt",
)  # fmt: skip
NESTED_MANIFESTS = frozenset({"pyproject.toml", "setup.py", "environment.yml", "conda.yaml"})
CONVENTIONAL_CONFIG_DIRS = ("conf", "configs", "config")
# Course and workshop material (`Labs/`, `exercises/`, `week-2/`, numbered modules like
# `01-intro/` at the top): like examples, it shows notebook outputs, ships the models its
# exercises load and holds tests participants run themselves.
# Folders of tests and the fixtures they read (at any depth, `unit_tests/` too).
FIXTURE_FOLDERS = re.compile(
    r"(?:^|/)(?:[\w.-]*[-_])?(?:tests?|testing|test_utils|testdata|test_data|fixtures?)/"
)
TEACHING_FOLDERS = re.compile(
    r"(?:^|/)(?:labs?|exercises?|exercise_files|lessons?|lectures?|workshops?|homeworks?"
    r"|assignments?|(?:week|module|lesson|session|chapter|unit|lab)[-_ ]?\d{1,2}(?:[-_][\w-]*)?)/"
    r"|^\d{1,2}[-_][A-Za-z][\w-]*/",  # a course's numbered modules: `01-intro/`
    re.IGNORECASE,
)
TEST_DIRS = ("tests", "test", "testing")
# Import names of ML frameworks: code importing one trains or serves models (or builds
# an LLM application on them).
ML_MODULES = frozenset(
    {"sklearn", "torch", "tensorflow", "keras", "xgboost", "lightgbm", "catboost",
     "lightning", "pytorch_lightning", "transformers", "jax", "flax", "statsmodels",
     "prophet", "sktime", "tf_keras", "timm", "fastai", "mlflow", "dvc", "optuna",
     # LLM applications: fine-tuning, retrieval (RAG) and serving frameworks
     "peft", "trl", "diffusers", "sentence_transformers", "vllm", "langchain",
     "langchain_core", "langchain_community", "langchain_openai", "llama_index", "haystack",
     "dspy",
     # vision and NLP frameworks that train their own models
     "ultralytics", "yolov5", "detectron2", "mmdet", "mmseg", "spacy", "gensim",
     "autogluon", "pycaret", "darts", "pytorch_tabnet", "paddle", "paddleocr"}
)  # fmt: skip
# Files whose presence says "this is an ML project, not a library that others import".
_PROJECT_MARKERS = re.compile(
    r"(?:^|/)(?:train|training|fit|main_train|run_train)[\w-]*\.py$|^(?:data|models|notebooks)/"
    r"|^MLproject$|^dvc\.yaml$|\.ipynb$"
)
# Experiment trackers, by the modules that log to them.
TRACKERS: dict[str, tuple[str, ...]] = {
    "mlflow": ("mlflow",), "wandb": ("wandb",), "dvclive": ("dvclive",),
    "neptune": ("neptune",), "comet": ("comet_ml",), "clearml": ("clearml",), "aim": ("aim",),
    # Sacred's experiments record each run's config, metrics and sources to its observers.
    "sacred": ("sacred",),
    "tensorboard": ("tensorboard", "tensorboardX"), "lightning": ("lightning", "pytorch_lightning"),
    # Managed ML platforms that record every run of the jobs they execute.
    "azureml": ("azureml",), "sagemaker": ("sagemaker",),
    # Catalyst's runners write every run's metrics to TensorBoard in their `logdir`.
    "catalyst": ("catalyst",),
    # Ultralytics' trainer writes every run to a folder of its own (`runs/detect/train3`:
    # its arguments `args.yaml`, its metrics per epoch `results.csv`, its weights).
    "ultralytics": ("ultralytics",),
    # Pipeline frameworks that record every run's parameters, metrics and artifacts.
    "metaflow": ("metaflow",), "zenml": ("zenml",),
}  # fmt: skip
# A call that trains a model: scikit-learn's `fit`, Keras/XGBoost `train`, a Lightning or
# Hugging Face `Trainer`, a PyTorch backward pass.
_TRAINS = re.compile(
    r"\.(?:fit|partial_fit|fit_generator|train|train_on_batch)\(|\bTrainer\(|\.backward\("
    r"|\btrain_model\("
)
# The same matches, found fast (a search for `_TRAINS` itself tries all its branches at
# every character of megabytes of notebooks): its branches that start with `.`, and the
# places of the others, found by their literal middle and then tried with `_TRAINS`.
_TRAINS_CALL = re.compile(r"\.(?:fit|partial_fit|fit_generator|train|train_on_batch|backward)\(")
_TRAINS_NAMED = re.compile(r"rain(?:er|_model)\(")


def calls_training(text: str) -> bool:
    """Return True when `_TRAINS` matches somewhere in `text`.

    Fitting a preprocessing step (`OneHotEncoder(...).fit(`, `scaler.fit(`) is no training.
    """
    for call in _TRAINS_CALL.finditer(text):
        start = text.rfind("\n", 0, call.start()) + 1
        if _PREPROCESSOR.search(text, start, call.start()) is None:
            return True
    return any(
        _TRAINS.match(text, named.start() - 1) is not None
        for named in _TRAINS_NAMED.finditer(text, 1)
    )


# The receiver of a `.fit(` that is a preprocessing step, just before the call.
_PREPROCESSOR = re.compile(
    r"(?i)(?:encoder|scaler|imputer|vectorizer|binarizer|discretizer|normalizer|pca"
    r"|columntransformer|selector)\w*+(?:\([^()\n]*+\))?$"
)
# `train.py`, `training_loop.py`; not `training_dataset_assessment.py` (about the data).
TRAINING_SCRIPT = re.compile(r"(?:train|training)(?:[_-](?!data)[\w-]*)?\.py$")
# Pipeline orchestrators, by the modules their flows, DAGs and nodes import.
ORCHESTRATORS: dict[str, tuple[str, ...]] = {
    "kedro": ("kedro",), "metaflow": ("metaflow",), "zenml": ("zenml",),
    "airflow": ("airflow",), "prefect": ("prefect",), "dagster": ("dagster",),
    "flyte": ("flytekit",), "kubeflow": ("kfp",),
}  # fmt: skip
# Orchestrators whose runs keep versioned datasets and artifacts (a data catalog or an
# artifact store), as DVC would.
VERSIONING_ORCHESTRATORS = frozenset({"kedro", "metaflow", "zenml"})
KEDRO_CATALOG = re.compile(r"^conf/[\w-]+/catalog[\w.-]*\.ya?ml$")
CI_PROVIDERS: tuple[tuple[str, str], ...] = (
    (".gitlab-ci.yml", "gitlab"),
    ("azure-pipelines.yml", "azure"),
    ("azure-pipelines.yaml", "azure"),
    (".circleci/config.yml", "circleci"),
    (".circleci/config.yaml", "circleci"),
    ("Jenkinsfile", "jenkins"),
    (".travis.yml", "travis"),
    ("bitbucket-pipelines.yml", "bitbucket"),
    (".drone.yml", "drone"),
    (".woodpecker.yml", "woodpecker"),
    ("cloudbuild.yaml", "cloudbuild"),
    ("cloudbuild.yml", "cloudbuild"),
    ("buildspec.yml", "codebuild"),
    ("appveyor.yml", "appveyor"),
    (".appveyor.yml", "appveyor"),
    (".taskcluster.yml", "taskcluster"),
)
RUNNER_FILES: tuple[tuple[str, str], ...] = (
    ("Makefile", "make"),
    ("makefile", "make"),
    ("GNUmakefile", "make"),
    ("justfile", "just"),
    ("Justfile", "just"),
    (".justfile", "just"),
    ("mise.toml", "mise"),
    (".mise.toml", "mise"),
    ("tox.ini", "tox"),
    ("noxfile.py", "nox"),
    ("tasks.py", "invoke"),
    ("Taskfile.yml", "task"),
    ("Taskfile.yaml", "task"),
)
HOOK_FILES: tuple[tuple[str, str], ...] = (
    (".pre-commit-config.yaml", "pre-commit"),
    (".pre-commit-config.yml", "pre-commit"),
    ("lefthook.yml", "lefthook"),
    ("lefthook.yaml", "lefthook"),
    (".lefthook.yml", "lefthook"),
    (".lefthook.yaml", "lefthook"),
    ("lefthook.toml", "lefthook"),
    (".husky", "husky"),
)
# Git hook scripts committed for `git config core.hooksPath` or a symlink into .git/hooks
# (`.githooks/pre-commit`, `hooks/pre-commit`): hooks the project manages itself.
_HOOK_SCRIPT = re.compile(
    r"^(?:\.?githooks|\.?git-hooks|\.?hooks|scripts/(?:git-)?hooks)/"
    r"(?:pre-commit|pre-push|commit-msg|prepare-commit-msg)(?:\.sh)?$"
)
# A setup script that writes or links a hook (`cat > .git/hooks/pre-commit << 'EOF'`).
_WRITES_HOOK = re.compile(r"\.git/hooks/(?:pre-commit|pre-push|commit-msg)\b")
# A file name holding "requirements" (or "requirement": `requirement.txt`,
# `fastapi-requirement.txt`) and ending in .txt or .in. Written so that a search stays
# linear: the name is scanned once from each `/`, never re-split around each
# "requirement" in it.
# requirements*.txt / *.in anywhere, and any .txt / .in in a requirements/ folder, in
# any case (`REQUIREMENTS.txt`).
REQUIREMENTS = re.compile(
    r"(?i)(?:^|/)(?:(?=[\w.-]*?requirement)|requirements/)[\w.-]*+(?:(?<=\.txt)|(?<=\.in))$"
)
_IMPORT = re.compile(r"^[ \t]*(?:import|from)[ \t]+([A-Za-z_][A-Za-z0-9_]*)", re.MULTILINE)
# A line that `_IMPORT` may match at, from the line break before it: a pattern that starts
# with a literal, so `re` stops only at line breaks (a match never spans one).
_IMPORT_LINE = re.compile(r"\n[ \t]*+(?:import|from)[ \t]")


def _import_matches(text: str) -> list[re.Match[str]]:
    r"""Return the matches of `_IMPORT` in `text`, in order.

    A search for `_IMPORT` tries its line-start anchor at every character; it is tried at
    the start of the text and after the line breaks `_IMPORT_LINE` finds only (`^` in
    MULTILINE mode matches after `\n` only).
    """
    first = _IMPORT.match(text)
    found = [first] if first is not None else []
    for line in _IMPORT_LINE.finditer(text):
        match = _IMPORT.match(text, line.start() + 1)
        if match is not None:
            found.append(match)
    return found


# Matched at a line start; the look-behind keeps a search linear (a blank run is tried
# from its first blank only).
_DOTTED_IMPORT = re.compile(r"(?<![ \t])[ \t]*+(?:import|from)[ \t]++([A-Za-z_][\w.]*+)")


def dotted_imports(text: str) -> list[tuple[str, int]]:
    """Return (module, line) of each import statement's first module, dotted.

    `a.b` of `from a.b import c`; relative imports (`from . import x`) name no module here.
    """
    found = []
    line, counted = 1, 0
    for match in _import_matches(text):
        dotted = _DOTTED_IMPORT.match(text, match.start())
        if dotted is not None:
            line += text.count("\n", counted, match.start())
            counted = match.start()
            found.append((dotted.group(1).rstrip("."), line))
    return found


# The further modules of one `import a as x, b, c.d` statement, after the first.
_MORE_IMPORTS = re.compile(r",[ \t]*([A-Za-z_][A-Za-z0-9_]*)")
_STATEMENT_END = re.compile(r"[\n;#\\\"]")


def _further_imports(text: str, match: re.Match[str]) -> list[str]:
    """Modules after the first in an `import` statement: `import pandas as pd, mlflow`."""
    if not match.group(0).lstrip(' \t"').startswith("import"):
        return []  # `from x import a, b` names members of x, not modules
    end = _STATEMENT_END.search(text, match.end())
    rest = text[match.end() : end.start() if end else len(text)]
    return _MORE_IMPORTS.findall(rest)


_NOTEBOOK_IMPORT = re.compile(r"\"\s*(?:import|from)[ \t]+([A-Za-z_][A-Za-z0-9_]*)")
NOTEBOOK_SCAN_LIMIT = 1_000_000  # bytes
# Test modules: pytest's default names; and `tests_*.py`/`*_tests.py` (collected through
# `python_files` settings) or a `test.py`/`tests.py` that holds test functions (in research
# code a `test.py` often evaluates a model instead, and `stat_tests.py` holds statistical
# tests: an ADF or a Ljung-Box test).
# Files a scaffolding tool or an agent skill copies into other projects
# (`skills/qa/assets/unit_tests/test_schemas.py`): templates, not this repository's tests.
_SCAFFOLD_ASSET = re.compile(r"(?:^|/)(?:assets|scaffold(?:s|ing)?|skeletons?)/")
# `prepare_train_test.py`, `split_train_dev_test.py`: scripts that make a data split
_TEST_MODULE = re.compile(r"(?:^|/)test_[\w-]*\.py$|(?<!train)(?<!dev)(?<!val)_test\.py$")
_PLAIN_TEST_MODULE = re.compile(r"(?:^|/)tests?(?:_[\w-]*)?\.py$|_tests\.py$")
# unittest's Java-style names in a tests folder (`tests/DifferTest.py`, `TestParser.py`)
# that define a `TestCase`: unittest discovers them with `-p "*Test.py"`.
_CAMEL_TEST_MODULE = re.compile(r"(?:^|/)tests?/(?:[\w-]+/)*+(?:[A-Z]\w*Tests?|Test[A-Z]\w*)\.py$")
_TEST_CASE = re.compile(r"\((?:unittest\.)?TestCase\)")
# What a test runner collects from a `test_*.py`: a `test...` function or method, a
# `Test...` class, a TestCase; or a module that uses a test library (its tests may be
# generated). A `test_grid.py` that opens a video and writes a frame (a scratch script
# named for what it tries) holds none.
HOLDS_TEST = re.compile(
    # not `def test(model, loader)`: an evaluation loop named for the test split
    r"^[ \t]*+(?:async[ \t]++)?def[ \t]++test(?!_step\b|_epoch_end\b|_dataloader\b)"
    r"(?!\([ \t]*+(?!self\b)[A-Za-z_])"
    r"|^[ \t]*+class[ \t]++Test|TestCase\)"
    r"|^(?:import|from)[ \t]++(?:pytest|unittest|hypothesis)\b",
    re.MULTILINE,
)
# (`def test_step` is a Lightning module's hook, not a test)
_TEST_FUNCTION = re.compile(
    r"^[ \t]*(?:async )?def test_(?!step\b|epoch_end\b|dataloader\b)|^import (?:pytest|unittest)",
    re.MULTILINE,
)
_HYDRA_CALLS = frozenset(
    {"main", "initialize", "initialize_config_dir", "initialize_config_module", "compose"}
)


class RepoProfile:
    """What the audit detected about a repository.

    Attributes:
        manifests: packaging files found at the root (pyproject.toml, setup.py, setup.cfg,
            Pipfile, conda environment files) plus every requirements*.txt/.in file.
        locks: lock files found (poetry.lock, uv.lock, pdm.lock, Pipfile.lock, ...).
        package_metadata: True when the project declares a name to build a package from
            (`[project]`, `[tool.poetry]`, setup.py or setup.cfg `[metadata]`).
        layout: "src" (packages under src/), "flat" (packages at the root), "scripts"
            (Python files without a package), "notebooks" (notebooks only) or "none".
        packages: folders of top-level packages (`src/x`, `x`, `cli/x`: an `__init__.py`
            whose parent folder has none), tests and examples left out.
        template: True for a project template (cookiecutter.json or copier.yml at the root);
            files under `{{...}}` folders are template sources, not the repo's code.
        hydra: True when code imports Hydra or a dependency declares hydra-core.
        hydra_config_dir: the Hydra config folder (from `@hydra.main(config_path=...)`,
            `initialize(config_path=...)`/`initialize_config_dir`/
            `initialize_config_module` (a package's module path), or conventional
            conf/, configs/, config/), or None.
        hydra_config_name: the primary config's name (`config_name=`) when the code names
            it; None when unknown (mlops-kit projects use "config").
        hydra_source: "path:line" of the call that named the config folder, if any.
        dvc: True when the repo has dvc.yaml, .dvc/ or `*.dvc` files.
        dvc_pipeline: True when the repo has a dvc.yaml.
        trackers: experiment trackers the code imports (mlflow, wandb, dvclive, ...),
            mlflow when the kedro-mlflow plugin logs runs, and azureml for Azure ML SDK v2
            code (`azure.ai.ml`) or job definitions (azuremlschemas YAML).
        orchestrators: pipeline frameworks the code uses (kedro, metaflow, zenml, airflow,
            prefect, dagster, flyte, kubeflow); kedro also from its conf/<env>/catalog.yml,
            snakemake from a Snakefile and nextflow from main.nf or nextflow.config.
        mlflow: True when any code or notebook imports MLflow, a dependency declares it,
            or an MLflow store (mlflow.db, mlruns/) lies in the repo.
        mlflow_files: the files that import MLflow and use it (not a bare import).
        ml: True when code imports an ML framework (scikit-learn, PyTorch, ...).
        trains: True when the project's code or notebooks call a training routine (`fit`,
            `train`, a `Trainer`, a backward pass) or it has a training script (`train.py`),
            it uses MLflow (runs and recipes train through it) or a DVC pipeline, or the kit
            baked it.
        kind: "template", "library" (a package without training code, data or notebooks),
            "project" (trains or tracks models, or keeps data/notebooks) or "other".
        demonstration: True when the README opens by calling the repository an example,
            a sample or a toy ("Example of how to build ...", "Toy repository to
            experiment with ...", "for learning purposes", a course assignment): the pillars
            of a maintained project (tests, DVC, tracking, CI, config) are not asked of it.
        ci: CI providers ("github", "gitlab", ...).
        ci_files: their configuration files.
        misplaced_ci: CI files in places no CI reads (`github/workflows/`, ...).
        task_runners: make, just, mise, tox, nox, invoke, task, poe, hatch, pdm.
        hook_managers: pre-commit, lefthook, husky (`.husky/`, or husky 4's `.huskyrc`),
            autohooks, or "git hooks" (hook scripts committed in .githooks/ or hooks/).
        test_files: test modules (test_*.py, *_test.py holding a test function, class or
            a pytest/unittest import; tests_*.py, *_tests.py or a test.py with test
            functions; `tests/DifferTest.py` defining a unittest `TestCase`) outside
            template folders: a script named for what it tries (`test_grid.py` writing a
            frame) is no test, nor is a template under an `assets/` or `scaffold/` folder.
        dotenv: True when the project uses `.env` files (an example or an untracked one
            exists, or code loads one).
        kit: True when mlops-kit baked or adopted the project (`[tool.mlops-kit]` stamp).
        kit_version: the template version of the stamp, if any.

    """

    __slots__ = (
        "ci",
        "ci_files",
        "demonstration",
        "dotenv",
        "dvc",
        "dvc_pipeline",
        "hook_managers",
        "hydra",
        "hydra_config_dir",
        "hydra_config_name",
        "hydra_source",
        "kind",
        "kit",
        "kit_version",
        "layout",
        "locks",
        "manifests",
        "misplaced_ci",
        "ml",
        "mlflow",
        "mlflow_files",
        "orchestrators",
        "other_code",
        "package_metadata",
        "packages",
        "task_runners",
        "template",
        "test_files",
        "trackers",
        "trains",
    )  # fmt: skip

    def __init__(self) -> None:
        self.manifests: tuple[str, ...] = ()
        self.locks: tuple[str, ...] = ()
        self.package_metadata = False
        self.layout = "none"
        self.other_code = False  # with no Python: source files in other languages
        self.packages: tuple[str, ...] = ()
        self.template = False
        self.hydra = False
        self.hydra_config_dir: str | None = None
        self.hydra_config_name: str | None = None
        self.hydra_source: str | None = None
        self.dvc = False
        self.dvc_pipeline = False
        self.trackers: tuple[str, ...] = ()
        self.orchestrators: tuple[str, ...] = ()
        self.mlflow = False
        self.mlflow_files: tuple[str, ...] = ()
        self.ml = False
        self.trains = False
        self.kind = "other"
        self.demonstration = False
        self.ci: tuple[str, ...] = ()
        self.ci_files: tuple[str, ...] = ()
        self.misplaced_ci: tuple[str, ...] = ()
        self.task_runners: tuple[str, ...] = ()
        self.hook_managers: tuple[str, ...] = ()
        self.test_files: tuple[str, ...] = ()
        self.dotenv = False
        self.kit = False
        self.kit_version: str | None = None

    # -- facets rules apply to -----------------------------------------------------------
    def has(self, facet: str) -> bool:
        """Return True when the repository has `facet` (see `FACETS`)."""
        return FACETS[facet](self)

    @property
    def packaged(self) -> bool:
        """True when any packaging manifest or requirements file exists."""
        return bool(self.manifests)

    @property
    def requirements(self) -> tuple[str, ...]:
        """The requirements*.txt / .in files (and a `dependencies.txt` pip installs)."""
        return tuple(m for m in self.manifests if m.endswith((".txt", ".in")))

    def as_dict(self) -> dict[str, Any]:
        """Return the profile as plain data (for `--format json`)."""
        data: dict[str, Any] = {}
        for name in sorted(self.__slots__):
            if name == "other_code":
                continue  # what "layout none" means for the "code" facet; layout says enough
            value = getattr(self, name)
            data[name] = list(value) if isinstance(value, tuple) else value
        return data

    def summary(self) -> str:
        """One line of what was detected, for the top of the text report."""
        parts = []
        if self.kit:
            parts.append(f"mlops-kit project ({self.kit_version or 'adopted'})")
        elif self.template:
            parts.append("project template")
        else:
            parts.append(f"{self.kind} (a demonstration)" if self.demonstration else self.kind)
        packaging = ", ".join(_short(self.manifests)) or "no packaging"
        if self.locks:
            packaging += f" + {', '.join(self.locks[:2])}"
        parts.append(packaging)
        parts.append(f"layout {self.layout}")
        if self.hydra:
            folder = f"{self.hydra_config_dir}/" if self.hydra_config_dir else "(no config dir)"
            parts.append(f"Hydra {folder}")
        parts += [name for name, present in (("DVC", self.dvc), ("MLflow", self.mlflow)) if present]
        parts.append(f"CI {'+'.join(self.ci)}" if self.ci else "no CI")
        if self.task_runners:
            parts.append("runner " + "+".join(self.task_runners))
        if self.hook_managers:
            parts.append("hooks " + "+".join(self.hook_managers))
        parts.append(f"{len(self.test_files)} test file(s)")
        return "; ".join(parts)


def _short(manifests: Iterable[str]) -> list[str]:
    items = list(manifests)
    requirements = [m for m in items if REQUIREMENTS.search(m)]
    rest = [m for m in items if m not in requirements]
    if requirements:
        rest.append(
            requirements[0] if len(requirements) == 1 else f"{len(requirements)} requirements files"
        )
    return rest


FACETS: dict[str, Callable[[RepoProfile], bool]] = {
    "python": lambda p: p.layout != "none" or p.packaged,
    "packaged": lambda p: p.packaged,
    "package": lambda p: p.package_metadata,
    "project": lambda p: p.kind == "project" or p.kit,
    "ml": lambda p: p.ml or p.kit,
    # Code to test, lint and run in CI: not notebooks alone, nor a repository without any
    # source file yet (a dataset tracked with DVC, documents).
    "code": lambda p: (
        (
            p.kind in ("project", "library")
            and p.layout != "notebooks"
            and (p.layout != "none" or p.other_code)
        )
        or p.kit
    ),
    # What a README should tell how to set up: a project or library, with code or not yet
    # (not a collection of notebooks, whose notebooks say how they run: Colab links).
    "setup": lambda p: (p.kind in ("project", "library") and p.layout != "notebooks") or p.kit,
    "hydra": lambda p: p.hydra_config_dir is not None,
    "hydra-code": lambda p: p.hydra_config_dir is not None or p.hydra,
    "dvc": lambda p: p.dvc,
    "dvc-pipeline": lambda p: p.dvc_pipeline,
    "pre-commit": lambda p: "pre-commit" in p.hook_managers,
    "mlflow": lambda p: p.mlflow,
    "ci": lambda p: bool(p.ci),
    "tests": lambda p: bool(p.test_files),
    "hooks": lambda p: bool(p.hook_managers),
    "dotenv": lambda p: p.dotenv or p.kit,
    "kit": lambda p: p.kit,
    "not-template": lambda p: not p.template or p.kit,
    # Maintained as a project, not an example of one (see `RepoProfile.demonstration`).
    "maintained": lambda p: not p.demonstration or p.kit,
}


# -- detection ---------------------------------------------------------------------------
def template_source(path: str) -> bool:
    """Return True for files inside a template folder (`{{cookiecutter.x}}/...`)."""
    return "{{" in path or "{%" in path


def code_files(repo: RepoView) -> list[str]:
    """Python files of the repository's own code (not template sources)."""

    def compute() -> list[str]:
        return [p for p in repo.files if p.endswith(".py") and not template_source(p)]

    return _memo(repo, "profile.code_files", compute)


# Code that is not the project's runtime: tests, docs, examples and benchmarks.
_NOT_RUNTIME = re.compile(
    r"(?:^|/)(?:tests?|testing|test_utils|fixtures|docs?|sphinx|tutorials?|benchmarks?)/"
    # `examples/`, `example/`, `examples.template/`
    r"|(?:^|/)examples?(?:\.[\w.-]*)?/"
    # top-level folders of vendored code: another project's files, kept as they came
    r"|^(?:third[_-]?party|3rd[_-]?party|vendor(?:ed)?|external)/"
    # an editor's or a coding assistant's folder (`.claude/skills/x/scripts/optimizer.py`):
    # tooling for the people working on the project, not the project's code
    r"|^\.(?:claude|cursor|codex|gemini|windsurf|aider|continue|agents?|vscode|idea)/"
)


_PROJECT_LICENCE = re.compile(r"^(?:licen[cs]e|copying)(?:\.\w+)?$", re.IGNORECASE)
_CONTRIBUTOR_GUIDE = re.compile(r"^(?:contributing|code_of_conduct)(?:\.\w+)?$", re.IGNORECASE)


def vendored_copies(repo: RepoView) -> tuple[str, ...]:
    """Folders (`fairseq_lib/`) that hold another project whole, as it was published.

    A folder below the root with a licence and a contributors' guide or code of conduct
    of its own, and a packaging manifest in it or below it (`unilm/layoutlm/setup.py`): a
    library's repository copied in, whose files are its authors' (their recipes, their
    tests, their manifests and linter settings), not this project's.
    """

    def compute() -> tuple[str, ...]:
        names: dict[str, set[str]] = {}
        manifests: list[str] = []
        for path in repo.files:
            folder, _, name = path.rpartition("/")
            if folder and folder.count("/") <= 1:
                names.setdefault(folder, set()).add(name)
            if folder and name in ("setup.py", "pyproject.toml", "setup.cfg"):
                manifests.append(f"{folder}/")
        return tuple(
            f"{folder}/"
            for folder, held in sorted(names.items())
            if any(_PROJECT_LICENCE.match(name) for name in held)
            and any(_CONTRIBUTOR_GUIDE.match(name) for name in held)
            and any(m.startswith(f"{folder}/") for m in manifests)
        )

    return _memo(repo, "profile.vendored_copies", compute)


def runtime_files(repo: RepoView) -> list[str]:
    """Python files of the project's own code: not tests, docs, examples or templates."""

    def compute() -> list[str]:
        return [p for p in code_files(repo) if not is_test_file(p) and not _NOT_RUNTIME.search(p)]

    return _memo(repo, "profile.runtime_files", compute)


# The demonstration test a project template writes, to be replaced (Kedro's
# `tests/test_run.py`, which expects "Pipeline contains no nodes"): no test of the project.
_STARTER_TEST = "tests below are here for the demonstration purpose"


def test_named_scripts(repo: RepoView) -> list[str]:
    """Modules named like tests (`test_*.py`, `*_test.py`) that hold no test.

    `mlflow/test_experiment.py` with a `__main__` block, `test_grid.py` writing a frame:
    demo or evaluation scripts a test runner collects nothing from.
    """
    return [
        p
        for p in code_files(repo)
        if _TEST_MODULE.search(p) and not HOLDS_TEST.search(repo.text(p) or "")
    ]


def is_test_file(path: str) -> bool:
    """Return True for test modules and anything under a tests folder (`integration_tests/`)."""
    name = path.rsplit("/", 1)[-1]
    if (name.startswith("test_") and name.endswith(".py")) or name.endswith("_test.py"):
        return True
    if name == "conftest.py" or any(f"/{d}/" in f"/{path}" for d in TEST_DIRS):
        return True
    return "tests/" in path and _KIND_OF_TESTS.search(path) is not None


# A folder of one kind of tests: `integration_tests/`, `e2e-tests/`, `unit_tests/`.
_KIND_OF_TESTS = re.compile(r"(?:^|/)[a-z0-9]++[_-]tests/")


def imported_modules(repo: RepoView) -> dict[str, list[tuple[str, int]]]:
    """Top-level modules imported anywhere in the repo's code and notebooks, with where."""

    def compute() -> dict[str, list[tuple[str, int]]]:
        found: dict[str, list[tuple[str, int]]] = {}
        for path in code_files(repo):
            text = repo.text(path) or ""
            line, counted = 1, 0  # lines counted on from the previous match (in order)
            for match in _import_matches(text):
                line += text.count("\n", counted, match.start())
                counted = match.start()
                for module in (match.group(1), *_further_imports(text, match)):
                    found.setdefault(module, []).append((path, line))
        for path in repo.files:
            if path.endswith(".ipynb") and not template_source(path):
                info = repo.lstat(path)
                if info is None or info.st_size > NOTEBOOK_SCAN_LIMIT:
                    continue  # outputs make it that big; the imports are in any smaller one
                text = repo.text_or_none(path) or ""
                for match in _NOTEBOOK_IMPORT.finditer(text):
                    for module in (match.group(1), *_further_imports(text, match)):
                        found.setdefault(module, []).append((path, 0))
        return found

    return _memo(repo, "profile.imports", compute)


def _memo(repo: RepoView, key: str, compute: Callable[[], T]) -> T:
    if key not in repo.memo:
        repo.memo[key] = compute()
    value: T = repo.memo[key]
    return value


def _string(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def hydra_calls_of(
    repo: RepoView, path: str, text: str
) -> list[tuple[str, dict[str, str | None], int]] | None:
    """Return the Hydra config calls of a Python file's `text` (None: it does not parse).

    Parsed and walked once per file: the profile and CFG104 both read them.
    """
    key = f"profile.hydra_calls:{path}"
    if key not in repo.memo:
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            repo.memo[key] = None
        else:
            repo.memo[key] = hydra_calls(tree, text)
    calls: list[tuple[str, dict[str, str | None], int]] | None = repo.memo[key]
    return calls


def _statements_naming_calls(tree: ast.AST, text: str) -> list[ast.AST] | None:
    r"""Return the top-level statements whose source names a Hydra call, in order.

    A call's name is in the lines of the statement holding it (with its decorators), so
    the other statements hold no Hydra call; leaving them out of a breadth-first walk
    keeps the order of the rest. None (walk everything) for text whose lines or names
    Python may read differently (non-ASCII identifiers, `\r` line ends).
    """
    if not isinstance(tree, ast.Module) or not text.isascii() or "\r" in text:
        return None
    starts = [0]
    at = text.find("\n")
    while at != -1:
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    kept: list[ast.AST] = []
    for statement in tree.body:
        decorators = getattr(statement, "decorator_list", [])
        first = min([statement.lineno, *(d.lineno for d in decorators)])
        last = statement.end_lineno or len(starts)
        segment = text[starts[first - 1] : starts[last] if last < len(starts) else len(text)]
        if any(name in segment for name in _HYDRA_CALLS):
            kept.append(statement)
    return kept


def called_name(func: ast.expr) -> str:
    """Return the name a call uses for what it calls: `f` of `f(x)`, `predict` of `m.predict(x)`."""
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def walk(tree: ast.AST, roots: list[ast.AST] | None = None) -> Iterator[ast.AST]:
    """Yield every node of `tree` in `ast.walk`'s order, in one loop.

    `ast.walk` runs two nested generators per node (`iter_child_nodes`, `iter_fields`);
    this reads the same fields in the same order. With `roots` (children of `tree`, in
    order), only they and what they hold are walked after `tree`, in the same order.
    """
    if roots is not None:
        yield tree
    todo = deque([tree] if roots is None else roots)
    node_type = ast.AST
    while todo:
        node = todo.popleft()
        for field in node._fields:
            value = getattr(node, field, None)
            if isinstance(value, node_type):
                todo.append(value)
            elif isinstance(value, list):
                todo.extend(item for item in value if isinstance(item, node_type))
        yield node


def hydra_calls(
    tree: ast.AST, text: str | None = None
) -> list[tuple[str, dict[str, str | None], int]]:
    """Return (function, literal keyword arguments, line) of Hydra config calls.

    With the source `text`, statements that name no Hydra call are not walked.
    """
    calls = []
    roots = None if text is None else _statements_naming_calls(tree, text)
    for node in walk(tree, roots):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name not in _HYDRA_CALLS:
            continue
        if name == "main" and not (
            isinstance(func, ast.Attribute) and getattr(func.value, "id", None) == "hydra"
        ):
            continue
        arguments: dict[str, str | None] = {
            k.arg: _string(k.value) for k in node.keywords if k.arg is not None
        }
        positional: tuple[str, ...] = ()
        if name in ("main", "initialize"):
            positional = ("config_path", "config_name")
        if name == "initialize_config_dir":
            positional = ("config_dir", "job_name")
        elif name == "initialize_config_module":
            positional = ("config_module", "job_name")
        elif name == "compose":
            positional = ("config_name",)
        for key, argument in zip(positional, node.args, strict=False):
            arguments.setdefault(key, _string(argument))
        calls.append((name, arguments, node.lineno))
    return calls


def _module_folder(repo: RepoView, module: str) -> str | None:
    """Return the folder of a Python module path (`nndet.conf`), at the root or in src/.

    Else the shortest folder that ends with it: a workspace member's package
    (`packages/retrieval-core/src/retrieval_core/configs` for `retrieval_core.configs`).
    """
    relative = module.strip(".").replace(".", "/")
    if not relative:
        return None
    for folder in (relative, f"src/{relative}"):
        if folder in repo.folders:
            return folder
    nested = [f for f in repo.folders if f.endswith(f"/{relative}")]
    return min(nested, key=lambda f: (f.count("/"), f)) if nested else None


def _legacy_script_folder(name: str, arguments: dict[str, str | None]) -> bool:
    """Return True for `@hydra.main(config_name=...)` with Hydra's pre-1.2 defaults.

    Without `config_path` and without `version_base` (or one below 1.2), Hydra adds the
    script's own folder to the config search path; from `version_base="1.2"` (or
    `version_base=None`) it adds none.
    """
    if name != "main" or "config_path" in arguments or not arguments.get("config_name"):
        return False
    if "version_base" not in arguments:
        return True
    version = arguments["version_base"]
    return version is not None and version.startswith(("1.0", "1.1"))


_HYDRA_WORD = re.compile(r"\bhydra\b")


def _hydra_config(repo: RepoView, profile: RepoProfile) -> None:
    """Find the Hydra config folder: from the code's calls first, else a conventional dir."""
    named: list[tuple[str, str, str]] = []  # (config dir, config name, source)
    names: list[str] = []
    literal_paths = False  # a call named its folder (one that may not exist)
    for path in runtime_files(repo):
        if named:
            break
        text = repo.text(path) or ""
        if "hydra" not in text or _HYDRA_WORD.search(text) is None:
            continue  # `dehydrated`, `hydrate()`: no Hydra to parse the file for
        profile.hydra = profile.hydra or bool(
            re.search(r"^[ \t]*+(?:import|from)[ \t]++hydra\b", text, re.MULTILINE)
        )
        if not any(
            word in text
            for word in ("config_path", "config_dir", "config_module", "compose", "main(")
        ):
            continue
        calls = hydra_calls_of(repo, path, text)
        if calls is None:
            continue
        for name, arguments, line in calls:
            config_name = arguments.get("config_name")
            if config_name:
                names.append(config_name)
            raw = arguments.get("config_path") or arguments.get("config_dir")
            if _legacy_script_folder(name, arguments):
                raw = "."  # Hydra before 1.2 reads the config beside the script
            module = arguments.get("config_module") or (
                raw.removeprefix("pkg://") if raw and raw.startswith("pkg://") else None
            )
            if module:
                # `initialize_config_module("nndet.conf")`, `config_path="pkg://nndet.conf"`
                found = _module_folder(repo, module)
                if found is not None:
                    named.append((found, config_name or "", f"{path}:{line}"))
                continue
            if not raw:
                continue
            literal_paths = True
            base = "" if name == "initialize_config_dir" else posixpath.dirname(path)
            folder = normalise(posixpath.join(base, raw.removeprefix("file://")))
            if raw.endswith((".yaml", ".yml")) and folder in repo.file_set:
                # Hydra before 1.0: `config_path` names the primary config file itself
                stem = posixpath.basename(folder).rsplit(".", 1)[0]
                named.append((posixpath.dirname(folder) or ".", stem, f"{path}:{line}"))
                continue
            if folder == "" and config_name:
                # the config path is the root (`"."` beside the script, `"../../"` from
                # `src/dl/`): the primary config sits there
                if f"{config_name}.yaml" in repo.file_set or f"{config_name}.yml" in repo.file_set:
                    named.append((".", config_name, f"{path}:{line}"))
            elif folder and folder in repo.folders:
                named.append((folder, config_name or "", f"{path}:{line}"))
    if named:
        folder, config_name, source = named[0]
        profile.hydra_config_dir = folder
        profile.hydra_source = source
        profile.hydra_config_name = config_name or (names[0] if names else None)
        profile.hydra = True
        return
    if not profile.hydra:
        return
    # A search path a Hydra plugin adds (`("retrieval-core", "pkg://retrieval_core.configs")`
    # in `hydra_plugins/`): the configs the computed `initialize_config_dir` composes.
    for path in runtime_files(repo):
        text = repo.text(path) or ""
        for match in _PKG_SEARCH_PATH.finditer(text) if "pkg://" in text else ():
            found = _module_folder(repo, match.group(1))
            if found is not None and any(p.endswith((".yaml", ".yml")) for p in repo.under(found)):
                profile.hydra_config_dir = found
                if names:
                    profile.hydra_config_name = names[0]
                return
    # A conventional folder at the root, else inside a package (`src/pkg/configs/`, which
    # the code finds through `importlib.resources` and passes to `@hydra.main` computed).
    packaged = [
        f"{package}/{folder}"
        for package in ([] if literal_paths else profile.packages)
        for folder in CONVENTIONAL_CONFIG_DIRS
    ]
    for folder in (*CONVENTIONAL_CONFIG_DIRS, *packaged):
        if any(p.endswith((".yaml", ".yml")) for p in repo.under(folder)):
            profile.hydra_config_dir = folder
            break
    if names:
        # The name whose file the folder holds (`compose(config_name="base")` beside
        # `configs/base.yaml`), before a stale demo's `config_name="defaults"`.
        folder = profile.hydra_config_dir
        present = [
            name
            for name in names
            if folder is not None
            and any(f"{folder}/{name}{suffix}" in repo.file_set for suffix in (".yaml", ".yml"))
        ]
        profile.hydra_config_name = (present or names)[0]


# A `pkg://` config search path a Hydra plugin or a config names.
_PKG_SEARCH_PATH = re.compile(r"[\"']pkg://([A-Za-z_][\w.]{0,200})[\"']")
_GOCD_SUFFIXES = (".gocd.yaml", ".gocd.yml")
_BUILDSPECS = frozenset({"buildspec.yml", "buildspec.yaml"})
_AZURE_FOLDERS = (".pipelines", ".azure-pipelines", "azure-pipelines", ".azuredevops", ".ado")
# What an Azure DevOps pipeline (or one of its templates) holds at its top level.
_AZURE_PIPELINE = re.compile(r"^(?:trigger|pr|pool|stages|jobs|steps|extends|variables)\s*:", re.M)


_AZURE_TRIGGER = re.compile(r"^(?:trigger|pr|schedules)\s*:", re.M)
_AZURE_WORK = re.compile(r"^(?:stages|jobs|steps|extends)\s*:", re.M)


def _azure_pipeline_file(text: str) -> bool:
    """Return True for an Azure DevOps pipeline: what triggers it and what it runs."""
    return _AZURE_TRIGGER.search(text) is not None and _AZURE_WORK.search(text) is not None


# Google Cloud Build: a build config's top-level keys, and those of each of its steps.
_CLOUD_BUILD_KEYS = frozenset(
    {"steps", "timeout", "queueTtl", "logsBucket", "options", "substitutions", "tags",
     "serviceAccount", "secrets", "availableSecrets", "artifacts", "images", "logging"}
)  # fmt: skip
_CLOUD_BUILD_STEP_KEYS = frozenset(
    {"name", "args", "env", "dir", "id", "waitFor", "entrypoint", "secretEnv", "volumes",
     "timeout", "script", "allowFailure", "allowExitCodes", "automapSubstitutions"}
)  # fmt: skip
_TOP_STEPS = re.compile(r"^steps[ \t]*+:", re.MULTILINE)


def _cloud_build(repo: RepoView, path: str) -> bool:
    """Return True for a Cloud Build config: top-level `steps:` run in builder images.

    Each step names its image (`name: gcr.io/cloud-builders/docker`) and holds only a
    step's keys (`args`, `entrypoint`, `env`, `waitFor`...); the file holds only a build's
    keys (`substitutions`, `options`, `timeout`...). Kubernetes, Tekton and Argo files keep
    their steps below `spec:`; Azure pipeline steps are `script:` or `task:` items.
    """
    text = repo.text_or_none(path, quiet=True) or ""
    # A literal search first: the pattern tries its line-start anchor at every character.
    if not (text.startswith("steps") or "\nsteps" in text) or not _TOP_STEPS.search(text):
        return False
    data = repo.data(path)
    if not isinstance(data, dict) or not set(data) <= _CLOUD_BUILD_KEYS:
        return False
    steps = data.get("steps")
    return (
        isinstance(steps, list)
        and bool(steps)
        and all(
            isinstance(step, dict)
            and isinstance(step.get("name"), str)
            and set(step) <= _CLOUD_BUILD_STEP_KEYS
            for step in steps
        )
    )


def _pipelinelib_files(repo: RepoView) -> list[str]:
    """Return Wikimedia PipelineLib's config, the Blubber files it builds and their scripts.

    `.pipeline/config.yaml` names each pipeline's `blubberfile:` (relative to .pipeline/);
    the Blubber file's variants copy the scripts they run (`source: ci_entrypoint.sh`,
    from the repository root): what CI runs is in those.
    """
    config = next((p for p in _PIPELINELIB_CONFIGS if p in repo.file_set), None)
    text = repo.text(config) if config else None
    if config is None or not text or "pipelines:" not in text:
        return []
    files = [config]
    for name in dict.fromkeys(_BLUBBERFILE.findall(text)):
        blubber = f".pipeline/{name}"
        if blubber in repo.file_set and blubber not in files:
            files.append(blubber)
            for script in _COPIED_SCRIPT.findall(repo.text(blubber) or ""):
                if script in repo.file_set and script not in files:
                    files.append(script)
    return files


_PIPELINELIB_CONFIGS = (".pipeline/config.yaml", ".pipeline/config.yml")
_BLUBBERFILE = re.compile(r"^[ \t]*+blubberfile:[ \t]*+['\"]?([\w./-]++)", re.MULTILINE)
_COPIED_SCRIPT = re.compile(r"^[ \t]*+source:[ \t]*+['\"]?([\w./-]++\.sh)\b", re.MULTILINE)


def _ci(repo: RepoView, profile: RepoProfile) -> None:
    providers: list[str] = []
    files: list[str] = []
    workflows = [
        p
        for p in repo.under(".github/workflows")
        if p.endswith((".yml", ".yaml")) and p.count("/") == 2
    ]
    if workflows:
        providers.append("github")
        files += workflows
    for name, provider in CI_PROVIDERS:
        if name in repo.file_set:
            if provider not in providers:
                providers.append(provider)
            files.append(name)
    if any(p.startswith(".buildkite/") for p in repo.under(".buildkite")):
        providers.append("buildkite")

    # AWS CodeBuild projects (a CodePipeline's build stage) read `buildspec.yml`.
    codebuild = [
        p
        for p in repo.files
        if p.rsplit("/", 1)[-1] in _BUILDSPECS and p.count("/") <= 2 and p not in files
    ]
    if codebuild:
        if "codebuild" not in providers:
            providers.append("codebuild")
        files += codebuild
    # Wikimedia's PipelineLib (Jenkins and Zuul on Gerrit): `.pipeline/config.yaml` names
    # each pipeline's stages, built from the Blubber files beside it.
    pipelinelib = _pipelinelib_files(repo)
    if pipelinelib:
        providers.append("pipelinelib")
        files += [p for p in pipelinelib if p not in files]
    # GoCD pipelines as code: `*.gocd.yaml` files, which a config repository scans for.
    gocd = [p for p in repo.files if p.endswith(_GOCD_SUFFIXES) and p.count("/") <= 2]
    if gocd:
        providers.append("gocd")
        files += gocd
    # Azure DevOps pipelines kept in a folder of their own (`.pipelines/ci.yml`), which
    # the project's Azure DevOps settings point at.
    azure = [
        p
        for folder in _AZURE_FOLDERS
        for p in repo.under(folder)
        if p.endswith((".yml", ".yaml")) and _AZURE_PIPELINE.search(repo.text(p) or "")
    ]
    # Pipelines in a `ci/` folder elsewhere (`tests/ci/cpu_unit_tests.yml`): a trigger and
    # the work, each at the top level.
    azure += [
        p
        for p in repo.files
        if p.endswith((".yml", ".yaml"))
        and p.count("/") <= 2
        and p.rsplit("/", 2)[-2:-1] in (["ci"], [".ci"], ["pipelines"])
        and not p.startswith(_AZURE_FOLDERS)
        and _azure_pipeline_file(repo.text(p) or "")
    ]
    if azure:
        if "azure" not in providers:
            providers.append("azure")
        files += azure
    # Cloud Build configs kept anywhere (`build/deploy.yaml`): a trigger names the file.
    cloud = [
        p
        for p in repo.files
        if p.endswith((".yml", ".yaml"))
        and p not in files
        and not p.startswith(".github/")
        and not template_source(p)
        and _cloud_build(repo, p)
    ]
    if cloud:
        if "cloudbuild" not in providers:
            providers.append("cloudbuild")
        files += cloud
    profile.ci = tuple(providers)
    profile.ci_files = tuple(files)
    actions = _local_action_folders(repo)
    misplaced = [
        p
        for p in repo.files
        if p.endswith((".yml", ".yaml"))
        and not template_source(p)
        and posixpath.basename(p) not in ACTION_FILES
        and not any(p.startswith(folder + "/") for folder in actions)
        and (
            re.match(r"^(?:github|\.github/workflow|\.Github|\.github/Workflows)/", p)
            or (p.startswith(".github/workflows/") and p.count("/") > 2)
        )
        and _WORKFLOW_JOBS.search(repo.text(p) or "") is not None
    ]
    if ".gitlab-ci.yaml" in repo.file_set:
        misplaced.append(".gitlab-ci.yaml")
    # CircleCI 1.0's root `circle.yml`: CircleCI 2.0 and later read `.circleci/config.yml`
    # only, and 1.0 builds stopped running in 2018.
    if RETIRED_CIRCLECI in repo.file_set and "circleci" not in providers:
        misplaced.append(RETIRED_CIRCLECI)
    profile.misplaced_ci = tuple(misplaced)


RETIRED_CIRCLECI = "circle.yml"


# A workflow declares its triggers or jobs at the top level; a task runner's file kept
# beside the workflows (`.github/workflows/test/Taskfile.yml`, run with act) declares neither.
_WORKFLOW_JOBS = re.compile(r"^(?:jobs|on|\"on\"|'on')[ \t]*:", re.MULTILINE)


# A local GitHub action is a folder holding one of these (a composite or container action).
ACTION_FILES = ("action.yml", "action.yaml")
# `uses: ./path` in a workflow or action: a local action (a folder) or reusable workflow.
_LOCAL_USES = re.compile(r"^[ \t-]*+uses:[ \t]*+[\"']?\./([^\s\"'#@]++)", re.MULTILINE)


def _local_action_folders(repo: RepoView) -> set[str]:
    """Folders that `.github/` workflows and actions name in `uses: ./...` (local actions)."""
    folders: set[str] = set()
    for path in repo.under(".github"):
        if not path.endswith((".yml", ".yaml")):
            continue
        for match in _LOCAL_USES.finditer(repo.text_or_none(path, quiet=True) or ""):
            folder = normalise(match.group(1).rstrip("/"))
            if folder and folder in repo.folders:
                folders.add(folder)
    return folders


# What makes a tox.ini tox's: its `[tox]` section or an environment (`[testenv:lint]`).
_TOX_ENVS = re.compile(r"^\[(?:tox(?::tox)?|testenv(?::[^\]\n]*+)?)\]", re.MULTILINE)


def _runners(repo: RepoView, profile: RepoProfile) -> None:
    runners: list[str] = []
    for name, runner in RUNNER_FILES:
        if name in repo.file_set and runner not in runners:
            if runner == "invoke" and "invoke" not in (repo.text(name) or ""):
                continue
            if runner == "tox" and not _TOX_ENVS.search(repo.text(name) or ""):
                continue  # a tox.ini of linters' sections (`[flake8]`) only: no tox
            runners.append(runner)
    tool = repo.pyproject.get("tool")
    tool = tool if isinstance(tool, dict) else {}
    if "poe" in tool:
        runners.append("poe")
    hatch = tool.get("hatch")
    if isinstance(hatch, dict) and isinstance(hatch.get("envs"), dict):
        runners.append("hatch")
    pdm = tool.get("pdm")
    if isinstance(pdm, dict) and "scripts" in pdm:
        runners.append("pdm")
    if "tox" in tool and "tox" not in runners:
        runners.append("tox")
    profile.task_runners = tuple(runners)
    hooks: list[str] = []
    for name, manager in HOOK_FILES:
        if (name in repo.file_set or name in repo.folders) and manager not in hooks:
            hooks.append(manager)
    if any(_HOOK_SCRIPT.match(p) for p in repo.files) or any(
        _WRITES_HOOK.search(repo.text(p) or "")
        for p in repo.files
        if p.endswith(".sh") and p.count("/") <= 1 and "hook" in p.lower()
    ):
        hooks.append("git hooks")
    if isinstance(tool.get("autohooks"), dict):
        hooks.append("autohooks")  # `[tool.autohooks] pre-commit = [...plugins]`
    if "husky" not in hooks and any(
        p.count("/") <= 1 and p.rsplit("/", 1)[-1] in _HUSKY_4_FILES for p in repo.files
    ):
        hooks.append("husky")  # husky 4: `.huskyrc` beside the front end's package.json
    profile.hook_managers = tuple(hooks)


_HUSKY_4_FILES = frozenset({".huskyrc", ".huskyrc.json", ".huskyrc.js", "husky.config.js"})


_CONDA_KEYS = re.compile(r"^channels:", re.MULTILINE)
_CONDA_DEPS = re.compile(r"^dependencies:", re.MULTILINE)


def conda_files(repo: RepoView) -> list[str]:
    """Return the conda environment files of the repository.

    The usual names at the root, or any YAML file with top-level `channels:` and
    `dependencies:` at the root (`env.yaml`, `ml-env.yml`) or in a folder of environments
    (`environments/conda_train.yml`, `environments/yml/ml.yml`, and below another folder:
    `data-science/environment/train-conda.yml`, as an Azure ML environment names one).
    """

    def compute() -> list[str]:
        found = [name for name in MANIFESTS if name in repo.file_set and name not in _NOT_CONDA]
        for path in repo.files:
            if path in found or not path.endswith((".yml", ".yaml")):
                continue
            folder = path.rpartition("/")[0]
            # `environments/conda_train.yml`, or one folder below (`environments/yml/`)
            parts = folder.lower().split("/")
            if folder and not _ENVIRONMENT_FOLDERS.intersection(parts[-2:]):
                continue
            text = repo.text(path) or ""
            if _CONDA_KEYS.search(text) and _CONDA_DEPS.search(text):
                found.append(path)
        return found

    if "conda_files" not in repo.memo:
        repo.memo["conda_files"] = compute()
    files: list[str] = repo.memo["conda_files"]
    return files


_NOT_CONDA = frozenset({"pyproject.toml", "setup.py", "setup.cfg", "Pipfile", "pixi.toml"})
# Top-level folders that hold a project's environment files.
_ENVIRONMENT_FOLDERS = frozenset(
    {"environment", "environments", "env", "envs", "conda", "req", "reqs", "requirements", "deps"}
)


def lists_anything(repo: RepoView, path: str) -> bool:
    """Return True when a requirements file has a line that is not blank or a comment."""
    return any(
        line.strip() and not line.lstrip().startswith("#")
        for line in (repo.pip_text(path) or "").splitlines()
    )


def _packaging(repo: RepoView, profile: RepoProfile) -> None:
    manifests = [
        name
        for name in MANIFESTS
        if name in repo.file_set
        and (name != "setup.cfg" or _setup_cfg_declares(repo))
        and (name != "pyproject.toml" or _pyproject_declares(repo))
        and (name != "setup.py" or setup_script(repo, name))
    ]
    manifests += [
        p
        for p in repo.files
        # The rare and cheap tests first: most paths name no manifest.
        if (
            (
                p.count("/") <= 1
                and "requirement" in p.lower()
                and REQUIREMENTS.search(p)
                and lists_anything(repo, p)  # an empty file declares nothing
            )
            # the packages of a monorepo (`apps/api/pyproject.toml`)
            or (
                p.count("/") in (1, 2)
                and p.rsplit("/", 1)[-1] in NESTED_MANIFESTS
                # `pic/utils/setup.py` beside an `__init__.py`: a module of a package
                and not (
                    p.endswith("/setup.py")
                    and (
                        f"{p.rpartition('/')[0]}/__init__.py" in repo.file_set
                        or not setup_script(repo, p)
                    )
                )
            )
        )
        and not template_source(p)
        and not _NOT_RUNTIME.search(p)
    ]
    manifests += [p for p in _pip_installed_lists(repo) if p not in manifests]
    manifests += [p for p in conda_files(repo) if p not in manifests]
    copies = vendored_copies(repo)  # another project's manifests, kept as they came
    profile.manifests = tuple(m for m in manifests if not (copies and m.startswith(copies)))
    profile.locks = tuple(
        p
        for p in repo.files
        if p.count("/") <= 2
        and not template_source(p)
        and (
            p.rsplit("/", 1)[-1] in LOCKS
            or re.fullmatch(r"pylock\.[\w-]+\.toml", p)
            # `requirements-runtime.lock`: pip-compile or `uv export` output, one per use
            or re.fullmatch(r"requirements[\w.-]*\.lock", p.rsplit("/", 1)[-1])
        )
    )
    data = repo.pyproject
    project = data.get("project")
    tool = data.get("tool")
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    profile.package_metadata = (
        (isinstance(project, dict) and "name" in project)
        or (isinstance(poetry, dict) and "name" in poetry)
        or "setup.py" in repo.file_set
        or "[metadata]" in (repo.text("setup.cfg") or "" if "setup.cfg" in repo.file_set else "")
    )
    kit = tool.get("mlops-kit") if isinstance(tool, dict) else None
    if isinstance(kit, dict) and set(kit) - {"audit"}:
        profile.kit = True
        version = kit.get("template-version")
        profile.kit_version = version if isinstance(version, str) else None


def _layout(repo: RepoView, profile: RepoProfile) -> None:
    code = code_files(repo)
    files = set(code)
    # A package: a folder with __init__.py (at most two levels down) whose parent is none.
    roots = sorted(
        p[: -len("/__init__.py")]
        for p in code
        if p.endswith("/__init__.py")
        and p.count("/") <= 2
        and posixpath.dirname(posixpath.dirname(p)) + "/__init__.py" not in files
        and not is_test_file(p)
        and not _NOT_RUNTIME.search(p)
    )
    profile.packages = tuple(roots + _namespace_package(repo, profile, roots, files))
    roots = list(profile.packages)
    runtime = [p for p in code if not is_test_file(p) and not _NOT_RUNTIME.search(p)]
    # Notebooks saved as scripts by `jupyter nbconvert --to script` (`# In[ ]:` cells)
    # are notebooks still.
    exported = sum(1 for p in runtime if _NBCONVERT_CELL in (repo.text(p) or "")[:400])
    scripts = len(runtime) - exported
    notebooks = exported + sum(1 for p in repo.files if p.endswith(".ipynb"))
    if any(p.startswith("src/") for p in roots):
        profile.layout = "src"
    elif roots and not (notebooks > 4 * scripts and not profile.package_metadata):
        profile.layout = "flat"
    elif notebooks > scripts and (
        notebooks > 2 * scripts
        or not any(TRAINING_SCRIPT.match(p.rsplit("/", 1)[-1]) for p in runtime)
    ):
        # Notebooks only, or a collection of notebooks next to a helper folder with an
        # `__init__.py` that no manifest packages (they outnumber its modules four to one).
        # Nearly as many scripts as notebooks, one of them a training script
        # (`pipelines/train.py` beside the exploration), make a code project that explores
        # in notebooks.
        profile.layout = "notebooks"
    elif scripts:
        profile.layout = "scripts"
    if profile.layout == "none":
        # No Python: code in another language (a .NET service, a Nextflow workflow), or
        # none at all yet (a dataset tracked with DVC, documents).
        profile.other_code = any(p.endswith(_OTHER_CODE) for p in repo.files)


_NBCONVERT_CELL = "\n# In["
_OTHER_CODE = (
    ".cs", ".java", ".kt", ".scala", ".go", ".rs", ".js", ".ts", ".jsx", ".tsx", ".r", ".R",
    ".jl", ".c", ".cc", ".cpp", ".h", ".hpp", ".nf", ".smk", ".sh", ".sql", ".rb", ".php",
    ".swift", ".m", ".ipynb",
)  # fmt: skip


def _namespace_package(
    repo: RepoView, profile: RepoProfile, roots: list[str], code: set[str]
) -> list[str]:
    """Return the folder named like the distribution when it holds modules but no `__init__`.

    Poetry and setuptools' namespace discovery build such a folder (PEP 420) as the
    package of the distribution it is named after (`pytorch_tabnet/` of `pytorch_tabnet`).
    """
    name = distribution_name(repo) if profile.package_metadata else None
    if name is None or any(r.rsplit("/", 1)[-1].lower() == name for r in roots):
        return []
    for folder in sorted(repo.folders):
        base, _, leaf = folder.rpartition("/")
        if (
            base in ("", "src")
            and leaf.lower() == name
            and any(posixpath.dirname(p) == folder for p in code)
        ):
            return [folder]
    return []


def distribution_name(repo: RepoView) -> str | None:
    """Return the name of the distribution the repo builds, as a package name, if known."""
    data = repo.pyproject
    project = data.get("project")
    poetry = data.get("tool", {}).get("poetry") if isinstance(data.get("tool"), dict) else None
    for table in (project, poetry):
        if isinstance(table, dict) and isinstance(table.get("name"), str):
            # `name = "src"` installs a project's code folder, not a library for others.
            if table["name"].lower() in _FOLDER_NAMES:
                return None
            return re.sub(r"[-_.]+", "_", table["name"]).lower()
    # setup.py's `name="..."` literal (or the `NAME = "..."` constant it passes), or
    # setup.cfg's `[metadata]` name, of a distribution made for an index (it lists trove
    # classifiers or a long description for the index page).
    for path, pattern in (("setup.py", _SETUP_NAME), ("setup.cfg", _SETUP_CFG_NAME)):
        text = (repo.text(path) or "") if path in repo.file_set else ""
        for_index = "classifiers" in text or "long_description" in text
        found = pattern.search(text) if for_index else None
        # `setup(name="src")` installs a project's code folder (the cookiecutter-data-
        # science layout), not a library for others.
        if found is not None and found.group(1).lower() not in _FOLDER_NAMES:
            return re.sub(r"[-_.]+", "_", found.group(1)).lower()
    return None


_FOLDER_NAMES = frozenset({"src", "source", "lib", "app", "code"})
_SETUP_NAME = re.compile(r"(?:\bname|^NAME)\s*=\s*[\"']([A-Za-z0-9][\w.-]*)[\"']", re.MULTILINE)
_SETUP_CFG_NAME = re.compile(r"^\[metadata\][^\[]*?^name\s*=\s*([A-Za-z0-9][\w.-]*)", re.M | re.S)


def _kind(repo: RepoView, profile: RepoProfile) -> str:
    if profile.template and not profile.kit:
        return "template"
    if _carpentries_lesson(repo):
        return "other"  # a lesson website: its episodes' code is what learners type along
    # A Hydra config folder near the root makes a project; one inside the package is the
    # configuration a library ships (`<package>/conf/`).
    config_dir = profile.hydra_config_dir
    top_config = (
        config_dir is not None
        and config_dir.count("/") <= 1
        and not any(config_dir.startswith(f"{package}/") for package in profile.packages)
    )
    if profile.kit or profile.dvc or top_config or "MLproject" in repo.file_set:
        return "project"
    if _not_a_package(repo):
        return "project"  # `package-mode = false`, `packages = []`: installs no package
    if _kedro_project(repo):
        return "project"  # its package holds the pipelines: an application, not a library
    if profile.packages and _publishes_to_index(repo, profile):
        return "library"  # CI uploads it to PyPI: what others install, whatever it trains
    # A package named like the distribution it builds is a library, even with notebooks
    # and sample data next to it, unless a training entry point sits at the root.
    name = distribution_name(repo)
    own_package = name is not None and any(
        p.rsplit("/", 1)[-1].lower() == name for p in profile.packages
    )
    # A training entry point at the root or in a folder of entry points (`scripts/`,
    # `pipelines/train_model.py`, `jobs/`): the package serves a project that trains.
    root_training = any(_ENTRY_TRAINING.match(p) or _TRAINING_DAG.search(p) for p in repo.files)
    # A package of its own for training (`training/`): an application's part, not a library's.
    root_training = root_training or any(
        p.rsplit("/", 1)[-1] in ("train", "training") for p in profile.packages
    )
    trains_inside = _package_trains(repo, profile)
    if root_training or trains_inside or _deployed_service(repo, profile):
        return "project"
    if own_package:
        return "library"
    markers = any(
        _PROJECT_MARKERS.search(p)
        for p in repo.files
        if not is_test_file(p) and not _NOT_RUNTIME.search(p) and not template_source(p)
    )
    if markers:
        return "project"
    if profile.package_metadata and profile.packages:
        return "library"
    return "project" if profile.ml else "other"


def _not_a_package(repo: RepoView) -> bool:
    """Return True when pyproject.toml says the project builds no package to import.

    Poetry's `package-mode = false` (dependency management only) or setuptools'
    `packages = []` ("code is run with `python -m` from the root"): an application.
    """
    tool = repo.pyproject.get("tool")
    if not isinstance(tool, dict):
        return False
    poetry = tool.get("poetry")
    setuptools = tool.get("setuptools")
    return (isinstance(poetry, dict) and poetry.get("package-mode") is False) or (
        isinstance(setuptools, dict) and setuptools.get("packages") == []
    )


def _demonstration(repo: RepoView) -> bool:
    """Return True when the README's opening calls the repository an example of something.

    "Example of how to build an ML training workflow on AWS by Prefect", "Toy repository
    to experiment with Ray Serve", "This sample demonstrates how to ...": its title and
    first lines, not a word anywhere below (a project's README may show examples). So is
    coursework: a course project or a capstone, by its README's opening or its name, or
    a course's material: most of the code in numbered lesson folders (`Lesson_1_...`);
    and study work: practice code, a learning project, a Master's thesis's code.
    """
    from mlops_kit.audit import facts  # facts builds on this module: imported when used

    path = facts.readme(repo)
    data, _ = repo.read_head(path, 3000) if path else (None, None)
    if _lesson_folders(repo):
        return True
    if data is None:
        return False
    lines = [
        line.strip()
        for line in data.decode("utf-8", "replace").splitlines()
        if line.strip() and not line.strip().startswith(("<", "[!", "![", "[![", "---"))
    ]
    title = lines[0] if lines and lines[0].startswith("#") else ""
    return (
        _DEMONSTRATION.search(" ".join(lines[:4])) is not None
        or _ASSIGNMENT_TITLE.search(title) is not None
        or _COURSEWORK.search(" ".join([repo.root.name, *lines[:12]])) is not None
        or _STUDY.search(" ".join(lines[:12])) is not None
    )


def _lesson_folders(repo: RepoView) -> bool:
    """Return True when most of the code sits in numbered lesson folders.

    Three or more top-level folders named as lessons (`Lesson_3_x`, `week-02`, `lab4`)
    that hold more than half of the .py and .ipynb files: a course's material.
    """
    lessons = {f for f in repo.folders if "/" not in f and _LESSON_FOLDER.match(f)}
    if len(lessons) < 3:
        return False
    code = [p for p in repo.files if p.endswith((".py", ".ipynb"))]
    inside = sum(p.split("/", 1)[0] in lessons for p in code)
    return inside * 2 > len(code)


_LESSON_FOLDER = re.compile(
    r"(?i)(?:lesson|lecture|week|chapter|session|lab|exercise|tutorial|class)[ _-]?\d+(?:[ _.-]|$)"
)
# "Toy repository", "Example of how to", "This sample demonstrates", "This repository
# demonstrates how to detect drift with ...", "This project demonstrates fine-tuning
# Donut", "sample app for",
# "for learning purposes"; an example in Korean, Japanese or Chinese (`MLOps 예제`).
_DEMONSTRATION = re.compile(
    r"(?i)\b(?:toy (?:repo(?:sitory)?|project|example)s?|example of how to"
    r"|this (?:sample|example|demo)(?: repo(?:sitory)?| project)?"
    r" (?:demonstrates|shows|illustrates)"
    # (a repository that shows how to, or a project that shows fine-tuning: not a project
    # that "demonstrates how to build and monitor a model", a product's pitch)
    r"|this repo(?:sitory)? (?:demonstrates|shows|illustrates) how to"
    r"|this (?:repo(?:sitory)?|project) (?:demonstrates|shows|illustrates) [a-z][a-z-]{2,20}ing\b"
    r"|proyecto de ejemplo|ejemplo de proyecto"
    r"|(?:sample|demo|example) (?:repo(?:sitory)?|project|app(?:lication)?)"
    r" (?:for|to|that|showing|demonstrating)|for learning purposes)\b|예제|サンプル|示例"
)
# A title that names a course's assignment or lab (`# CPU Predictor App - MLOps
# Assignment`, `# MLDL25 - Lab3: Setup a project from scratch`).
_ASSIGNMENT_TITLE = re.compile(r"(?i)\bassignment\b|\blab[ _-]?\d{1,2}\b")
# Coursework, in the README's opening or the repository's name: "Course Project",
# "ml-capstone-...", "developed as part of an academic course", "Proyecto final", "our
# submission for the ... course".
_COURSEWORK = re.compile(
    r"(?i)\b(?:course[ _-]?project|capstone|coursework|homework|bootcamp|class project"
    r"|semester project|term project|proyecto[ _-]?final"
    r"|(?:developed|built|created|made|done) (?:for|as part of|during) (?:the |an? |my |our )?"
    r"[\w-]+(?: [\w-]+){0,4} (?:course|class|bootcamp)"
    r"|as part of (?:the |an? |my |our )?[\w-]+(?: [\w-]+){0,5}"
    r" (?:course|specialization|bootcamp|nanodegree|zoomcamp)"
    # "Our final submission for the TU Berlin course 'Computer Vision ...'"
    r"|(?:submission|assignment|project) for (?:the |an? |my |our )?[\w-]+(?: [\w-]+){0,4}"
    r" (?:course|class|lecture|seminar))\b|zoomcamp"
    # "my final project for EECS-433 Pattern Recognition", "HW1_Applied_Deep_learning"
    r"|\b(?:final|course|class) project for [a-z]{2,5}[- ]?\d{2,4}\b"
    r"|(?<![a-z0-9])hw[ _-]?\d{1,2}(?![0-9])"
)


# Study work, in the README's opening: a title that opens "Tutorial:", "Demo",
# "Finished example" or "Demonstration of", "This repository is a complete demo", "the
# practice codes that fine-tune GPT-2", "In this repo, I experiment with MLflow", "a small
# project I created to demonstrate", "code for the Master's Thesis ...", "this work was
# part of my master thesis", "This showcase highlights", a walkthrough, a "collection of
# predictive maintenance solutions", "This is a test project", "This a demo MLOps
# deployment", "this is small exercise at using autogluon", "the companion code of the blog
# post", "a practice exercise for implementing MLOps workflows", a "Learning Path" of
# modules, "a personal learning project" (not a "machine learning project").
_STUDY = re.compile(
    # a title: "# Tutorial: ...", "# Finished example."
    r"(?i)^#*[ \t]*(?:(?:finished|complete|full) )?(?:demonstration|tutorial|demo|example)\b"
    r"(?! app\b)"
    r"|\b(?:(?:is|as|this) an? (?:\w+ )?(?:demo|tutorial)\b"
    r"|this is (?:an? )?(?:small |little |short )?exercise\b"
    r"|(?:companion|accompanying) (?:code|repo(?:sitory)?|blog[ -]?post|article|tutorial)"
    r"(?: (?:of|for|to) (?:the |a |my |our )?(?:blog[ -]?post|post|article|tutorial|talk|video))?"
    r"|practi[cs]e (?:codes?|project|repo(?:sitory)?|exercises?)"
    r"|this is an? (?:test|trial) project"
    r"|(?:created|made|built) (?:it )?to (?:demonstrate|learn|practi[cs]e)|i experiment with"
    r"|(?:master|bachelor|diploma)(?:'?s)? thesis|my thesis|this showcase|walk-?through"
    r"|collection of (?:[\w-]+ ){0,3}(?:solutions|examples|notebooks|demos|tutorials)"
    r"|learning path|for (?:my own |self[- ])?(?:learning|study)"
    r"|(?<!machine )(?<!deep )(?<!reinforcement )(?<!federated )(?<!transfer )"
    r"(?<!supervised )(?<!ml )learning (?:project|exercise|repo(?:sitory)?)"
    r"|personal (?:learning|study) (?:project|repo(?:sitory)?)"
    r"|(?:\d+[- ](?:lesson|module|week|part)s?|free|online|mini|hands-on)[ -]course)\b"
)


def _carpentries_lesson(repo: RepoView) -> bool:
    """Return True for a Carpentries lesson: `carpentry:` in its config, and episodes/.

    The Workbench (`config.yaml`) and the older lesson template (`_config.yml`) build a
    lesson website from `episodes/` (or `_episodes/`); the Python files there are the
    listings learners type along, not a project's code.
    """
    if not any(folder in repo.folders for folder in ("episodes", "_episodes")):
        return False
    return any(
        name in repo.file_set and re.search(r"^carpentry\s*:", repo.text(name) or "", re.M)
        for name in ("config.yaml", "_config.yml")
    )


def _kedro_project(repo: RepoView) -> bool:
    """Return True for a Kedro project: `[tool.kedro]` in pyproject.toml, or a data catalog.

    `kedro new` names the package after the project, which alone would make a library.
    """
    tool = repo.pyproject.get("tool")
    if isinstance(tool, dict) and isinstance(tool.get("kedro"), dict):
        return True
    return any(KEDRO_CATALOG.match(p) for p in repo.under("conf"))


# An orchestrator's DAG that trains (`orchestration/airflow/dags/21_train_lightgbm.py`).
_TRAINING_DAG = re.compile(r"(?:^|/)dags/(?:[\w-]*[_-])?train[\w-]*\.py$")
_ENTRY_TRAINING = re.compile(
    r"(?:(?:scripts|pipelines?|jobs|bin|workflows?|flows?)/)?(?:train|training)[\w-]*\.py$"
)


# CI that uploads the distribution to a package index: what others install is a library.
_PUBLISHES = re.compile(
    r"pypa/gh-action-pypi-publish|\btwine[ \t]+upload\b"
    r"|\b(?:poetry|uv|flit|hatch|pdm)[ \t]+publish\b"
)


def _publishes_to_index(repo: RepoView, profile: RepoProfile) -> bool:
    """Return True when a CI file uploads the distribution to PyPI (or another index)."""
    for path in profile.ci_files:
        text = repo.text(path) or ""
        if ("publish" in text or "upload" in text) and _PUBLISHES.search(text):
            return True
    return False


def _deployed_service(repo: RepoView, profile: RepoProfile) -> bool:
    """Return True for an application: its package starts a web service the repo deploys.

    A package module runs a server (`uvicorn.run(app, ...)`, `app.run(...)` of a Flask
    app), or the root Dockerfile serves on a port (`EXPOSE 8000`, `CMD uvicorn ...`), and
    the repository builds the image or the stack that serves it (a Dockerfile, a compose
    file, a Helm chart), and uploads nothing to a package index: a service that others
    call, not a library that others import.
    """
    deploys = any(name in repo.file_set for name in ("Dockerfile", *COMPOSE_FILES)) or any(
        p.rsplit("/", 1)[-1] == "Chart.yaml" for p in repo.files
    )
    if not deploys or not profile.packages or _publishes_to_index(repo, profile):
        return False
    if "Dockerfile" in repo.file_set and _SERVES.search(repo.text("Dockerfile") or ""):
        return True  # the root image listens on a port: a service the repository deploys
    roots = tuple(f"{package}/" for package in profile.packages)
    return any(
        p.startswith(roots) and _RUNS_SERVER.search(repo.text(p) or "") is not None
        for p in runtime_files(repo)
    )


# A container that serves: a port it listens on, or a web server it starts.
_SERVES = re.compile(
    r"(?im)^[ \t]*+EXPOSE[ \t]|^[ \t]*+(?:CMD|ENTRYPOINT)\b[^\n]*?"
    r"\b(?:uvicorn|gunicorn|hypercorn|daphne|streamlit|flask|fastapi|waitress-serve)\b"
)
# A module that starts a web server: uvicorn's, or a Flask app's development server.
_RUNS_SERVER = re.compile(r"\buvicorn\.run\(|\bapp\.run\(\s*(?:host|port|debug|\))")


def _package_trains(repo: RepoView, profile: RepoProfile) -> bool:
    """Return True for a packaged project: an application whose package trains its model.

    The package holds the training module (`<package>/modeling/train.py`,
    `<package>/components/model_trainer.py`) and the root shows an application around
    it: a `models/` folder for what it writes (the cookiecutter-data-science v2 shape),
    a `main.py` that runs the pipeline, a compose file that deploys the stack, or the
    datasets it trains on under `data/` (`data/raw/loans.csv`), or the data science
    layout's `data/raw/` and `data/processed/` folders waiting for them. A command the
    package installs for training (`churn-train-baseline`, `world-marl-train-e2e` in
    `[project.scripts]`) shows it whatever the root holds.
    """
    if any(_TRAIN_COMMAND.search(name) for name in _console_scripts(repo)):
        return True  # `churn-train-baseline = "churn_ml.models.run_baseline:cli"`
    if not (
        "models" in repo.folders
        or "main.py" in repo.file_set
        or any(name in repo.file_set for name in COMPOSE_FILES)
        or any(_DATASET.match(p) for p in repo.under("data"))
        # the data science layout's stage folders, kept empty (`data/raw/.gitkeep`)
        or any(folder in repo.folders for folder in ("data/raw", "data/processed"))
    ):
        return False
    packages = tuple(f"{root}/" for root in profile.packages)
    return any(p.startswith(packages) and _TRAINING_MODULE.search(p) for p in repo.files)


def _console_scripts(repo: RepoView) -> list[str]:
    """Return the names of the commands pyproject.toml installs (PEP 621 or Poetry)."""
    data = repo.pyproject
    tool = data.get("tool")
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    names: list[str] = []
    for table in (data.get("project"), poetry):
        scripts = table.get("scripts") if isinstance(table, dict) else None
        if isinstance(scripts, dict):
            names.extend(str(name) for name in scripts)
    return names


# A command that trains: `train`, `churn-train-baseline`, `train_model`, `fit-model`.
_TRAIN_COMMAND = re.compile(r"(?:^|[-_.])(?:train|training|fit)(?:$|[-_.])", re.IGNORECASE)


_DATASET = re.compile(r"data/.+\.(?:csv|tsv|parquet|pq|feather|xlsx?|jsonl)$")
_TRAINING_MODULE = re.compile(r"(?:^|/)(?:model_)?(?:train|training|trainer)[\w-]*\.py$")
# The names docker compose reads by default.
COMPOSE_FILES = (
    "docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml",
)  # fmt: skip


def _loads_dot_env(text: str) -> bool:
    """Return True unless python-dotenv only loads files the code names (not `.env`).

    `load_dotenv()`, `find_dotenv()` and a `".env"` literal find or name a `.env`;
    `load_dotenv(f"conf/{env}/.{env}.env")` loads a committed file of job parameters
    (which SEC104 does not judge: SEC103/SEC106 read it like any env file).
    """
    return (
        _BARE_DOTENV_CALL.search(text) is not None
        or "find_dotenv" in text
        or _DOT_ENV_LITERAL.search(text) is not None
        or not _DOTENV_CALL.search(text)  # imported for something else: keep it in use
    )


_DOTENV_CALL = re.compile(r"\b(?:load_dotenv|dotenv_values)\(")
_BARE_DOTENV_CALL = re.compile(
    r"\b(?:load_dotenv|dotenv_values)\(\s*(?:\)|(?:override|verbose|interpolate|encoding)\s*=)"
)
# `.env`, `.env.local`, `.env-dev`; not `.environment.yml` (a conda specification).
_DOT_ENV_NAME = re.compile(r"\.env(?:$|[._-])")
_DOT_ENV_LITERAL = re.compile(r"[\"'](?:[^\"'\n]*/)?\.env[\"']")


def _trains(repo: RepoView, runtime: set[str]) -> bool:
    """Return True when runtime code or a notebook trains a model.

    That is a training script (`train.py`, `training_x.py`) or a call to a training
    routine (`fit`, `train`, a `Trainer`, a backward pass).
    """
    if any(TRAINING_SCRIPT.match(p.rsplit("/", 1)[-1]) for p in runtime):
        return True
    for path in repo.files:
        if path in runtime or (path.endswith(".ipynb") and not template_source(path)):
            info = repo.lstat(path)
            if info is None or info.st_size > NOTEBOOK_SCAN_LIMIT:
                continue
            if calls_training(repo.text_or_none(path) or ""):
                return True
    return False


# Trainers that log to a tracker they name (`TrainingArguments(report_to="wandb")`,
# `Accelerator(log_with="mlflow")`): the code logs runs without importing the tracker.
_TRAINER_MODULES = ("transformers", "trl", "accelerate", "setfit", "sentence_transformers")
_REPORT_TO = re.compile(
    r"\b(?:report_to|log_with)\s*=\s*[\[(]?\s*[\"'](wandb|mlflow|tensorboard|comet_ml|neptune"
    r"|clearml|aim|dvclive)[\"']"
)


def _reported_trackers(
    repo: RepoView,
    imports: dict[str, list[tuple[str, int]]],
    runtime: set[str],
    manifests: tuple[str, ...],
) -> set[str]:
    """Trackers that a Hugging Face trainer or Accelerate logs to by name (or by default)."""
    files = {p for m in _TRAINER_MODULES for p, _ in imports.get(m, []) if p in runtime}
    found = set()
    default_report = False  # `TrainingArguments(...)` without `report_to`
    for path in sorted(files):
        text = repo.text(path) or ""
        for match in _REPORT_TO.finditer(text):
            found.add("comet" if match.group(1) == "comet_ml" else match.group(1))
        default_report = default_report or (
            "TrainingArguments(" in text and "report_to" not in text
        )
    if default_report and "wandb" not in found:
        # Before transformers 5, `report_to` defaults to every integration installed: a
        # declared wandb receives every run.
        declared = " ".join((repo.text(p) or "") for p in manifests)
        if _DECLARES_WANDB.search(declared):
            found.add("wandb")
    return found


_DECLARES_WANDB = re.compile(r"(?im)^[ \t\"'-]*wandb\b")


def _configured_loggers(repo: RepoView, profile: RepoProfile) -> set[str]:
    """Trackers that the Hydra config instantiates as a trainer's logger.

    `_target_: composer.loggers.wandb_logger.WandBLogger`, `_target_:
    lightning.pytorch.loggers.MLFlowLogger`: the trainer logs to them, the code never
    imports the tracker.
    """
    folder = profile.hydra_config_dir
    if folder is None:
        return set()
    found = set()
    for path in repo.under(folder):
        if path.endswith((".yaml", ".yml")):
            text = repo.text(path) or ""
            if "_target_" in text and "ogger" in text:
                found |= {_LOGGER_TRACKERS[m.lower()] for m in _TRACKER_LOGGER.findall(text)}
    return found


_LOGGER_TRACKERS = {
    "wandb": "wandb", "mlflow": "mlflow", "tensorboard": "tensorboard", "comet": "comet",
    "cometml": "comet", "neptune": "neptune", "aim": "aim", "clearml": "clearml",
    "dvclive": "dvclive",
}  # fmt: skip
_TRACKER_LOGGER = re.compile(
    r"_target_:[ \t]*+[\w.]*?"
    r"(?i:(wandb|mlflow|tensorboard|cometml|comet|neptune|aim|clearml|dvclive)_?logger)\b"
)


def _lightning_loggers(
    repo: RepoView, imports: dict[str, list[tuple[str, int]]], runtime: set[str]
) -> set[str]:
    """Trackers a Lightning trainer logs to through its own loggers.

    `MLFlowLogger(experiment_name=...)`, `WandbLogger(project=...)` from
    `lightning.pytorch.loggers`: the code never imports the tracker itself.
    """
    files = {
        p
        for module in ("lightning", "pytorch_lightning")
        for p, _ in imports.get(module, [])
        if p in runtime or p.endswith(".ipynb")
    }
    found = set()
    for path in sorted(files):
        text = repo.text(path) or ""
        if "Logger(" in text:
            found |= {_LOGGER_TRACKERS[m.lower()] for m in _LIGHTNING_LOGGER.findall(text)}
    return found


_LIGHTNING_LOGGER = re.compile(r"\b(MLFlow|Wandb|Comet|Neptune|TensorBoard)Logger\(")


def _visualizer_backends(repo: RepoView, runtime: set[str]) -> set[str]:
    """Trackers an OpenMMLab visualizer or logger hook writes to.

    `vis_backends = [dict(type="TensorboardVisBackend")]` in an MMDetection config, or
    `cfg.visualizer.vis_backends.append({"type": "WandbVisBackend", ...})` in a script;
    mmcv 1.x configs name logger hooks (`log_config = dict(hooks=[dict(type=
    'WandbLoggerHook', ...)])`).
    """
    found = set()
    for path in sorted(runtime):
        if path.endswith(".py"):
            text = repo.text(path) or ""
            if "VisBackend" in text or "LoggerHook" in text:
                found |= {_LOGGER_TRACKERS[m.lower()] for m in _VIS_BACKEND.findall(text)}
    return found


_VIS_BACKEND = re.compile(
    r"\b(Tensorboard|Wandb|MLflow|Mlflow|ClearML|Neptune|DVCLive|Dvclive|Aim)"
    r"(?:VisBackend|LoggerHook)\b"
)


# Frameworks' own TensorBoard writers: the module that brings each, and its name.
_FRAMEWORK_WRITERS = (
    ("torch", "torch.utils.tensorboard"),  # in notebooks
    ("tensorflow", "TensorBoard("),
    ("keras", "TensorBoard("),
    # TensorFlow's summary writers (TF2 `tf.summary.create_file_writer(logdir)`, TF1
    # `tf.summary.FileWriter(logdir)`), written to with `tf.summary.scalar(...)`
    ("tensorflow", "create_file_writer("),
    ("tensorflow", "summary.FileWriter("),
    # Stable-Baselines3's algorithms write every run's curves to TensorBoard
    # (`PPO(..., tensorboard_log="runs/")`), sb3-contrib's too.
    ("stable_baselines3", "tensorboard_log="),
    ("sb3_contrib", "tensorboard_log="),
)


def _tensorboard_through_framework(
    repo: RepoView, imports: dict[str, list[tuple[str, int]]], runtime: set[str]
) -> bool:
    """Return True when code logs to TensorBoard through PyTorch or Keras.

    `from torch.utils.tensorboard import SummaryWriter`, Keras' `TensorBoard(...)`
    callback, TensorFlow's `tf.summary.create_file_writer(...)` (or TF1's
    `tf.summary.FileWriter`) or Stable-Baselines3's `tensorboard_log=`: the framework's
    own writer, with no import of the tensorboard package. A project's code that names
    PyTorch's writer
    module loads it (perhaps through `importlib`, choosing between it and tensorboardX).
    """
    if "torch" in imports and any(
        "torch.utils.tensorboard" in (repo.text(p) or "") for p in runtime if p.endswith(".py")
    ):
        return True
    for module, needle in _FRAMEWORK_WRITERS:
        for path in {p for p, _ in imports.get(module, []) if p in runtime or p.endswith(".ipynb")}:
            if needle in (repo.text(path) or ""):
                return True
    return False


# Vertex AI Experiments: the SDK imported (`from google.cloud import aiplatform as
# vertex_ai`), then runs started or logged through the name it is bound to.
_AIPLATFORM = re.compile(
    r"(?:from[ \t]++google\.cloud[ \t]++import[ \t]++aiplatform"
    r"|import[ \t]++(google\.cloud\.aiplatform))(?:[ \t]++as[ \t]++(\w++))?"
)
# A call that starts or logs a run, or binds a session to an experiment, on some name.
_VERTEX_RUN_CALL = re.compile(
    r"\.(?:start_run|log_metrics|log_params|log_time_series_metrics"
    r"|log_classification_metrics|autolog)[ \t]*+\("
    r"|\.init[ \t]*+\([^)]{0,2000}?\bexperiment[ \t]*+="
)


def _receiver(text: str, end: int) -> str:
    """Return the dotted name that ends at `end` in `text` (`vertex_ai` of `vertex_ai.init`)."""
    start = end
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_."):
        start -= 1
    return text[start:end]


def _vertex_experiments(
    repo: RepoView, imports: dict[str, list[tuple[str, int]]], runtime: set[str]
) -> bool:
    """Return True when code or a notebook logs runs to Vertex AI Experiments."""
    files = {p for p, _ in imports.get("google", []) if p in runtime or p.endswith(".ipynb")}
    for path in sorted(files):
        text = repo.text(path) or ""
        if "aiplatform" not in text:
            continue
        names = {
            match.group(2) or match.group(1) or "aiplatform" for match in _AIPLATFORM.finditer(text)
        }
        if any(_receiver(text, call.start()) in names for call in _VERTEX_RUN_CALL.finditer(text)):
            return True
    return False


def _pipeline_metrics(repo: RepoView, imports: dict[str, list[tuple[str, int]]]) -> bool:
    """Return True when a Kubeflow/Vertex AI pipeline component logs metrics artifacts.

    `metrics: Output[Metrics]` then `metrics.log_metric(...)`: the pipeline records each
    run's metrics with its inputs and outputs, and Vertex AI compares runs by them.
    """
    for path in sorted({p for p, _ in imports.get("kfp", [])}):
        text = repo.text(path) or ""
        if "Metrics]" in text and _KFP_METRICS.search(text):
            return True
    return False


_KFP_METRICS = re.compile(r"\bOutput\[\s*(?:Classification|SlicedClassification)?Metrics\s*\]")


# Azure ML's job, component and asset definitions name their schema
# (`$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json`).
_AZUREML_SCHEMA = re.compile(r"azuremlschemas\.azureedge\.net/(?:[\w.-]++/)*+(\w++)\.schema\.json")
AZUREML_SCAN_LIMIT = 256_000  # bytes: definitions are small; larger YAML is something else
# Azure ML SDK v2 (`from azure.ai.ml import MLClient`, `import azure.ai.ml`).
_AZURE_AI_ML = re.compile(r"^[ \t]*+(?:from|import)[ \t]++azure\.ai\.ml\b", re.MULTILINE)
# Code that submits jobs to Azure ML (SDK v2 `ml_client.jobs.create_or_update(...)`,
# SDK v1 `ScriptRunConfig(...)` or `PythonScriptStep(...)`).
_AZUREML_SUBMITS = re.compile(
    r"\.jobs\.(?:begin_)?create_or_update[ \t]*+\("
    r"|\bScriptRunConfig[ \t]*+\(|\bPythonScriptStep[ \t]*+\("
)
# The types of Azure ML data assets (each registration is a new version of the asset).
AZUREML_DATA_TYPES = frozenset({"uri_file", "uri_folder", "mltable"})


def azureml_schemas(repo: RepoView) -> dict[str, list[str]]:
    """Azure ML schema names (`pipelineJob`, `data`, ...) -> the YAML files declaring them."""

    def compute() -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for path in repo.files:
            if not path.endswith((".yml", ".yaml")) or template_source(path):
                continue
            info = repo.lstat(path)
            if info is None or info.st_size > AZUREML_SCAN_LIMIT:
                continue
            text = repo.text(path) or ""
            if "azuremlschemas" not in text:  # a quick literal test before the pattern
                continue
            match = _AZUREML_SCHEMA.search(text)
            if match is not None:
                found.setdefault(match.group(1), []).append(path)
        return found

    return _memo(repo, "profile.azureml_schemas", compute)


def _azure_ai_ml_files(repo: RepoView) -> list[str]:
    """Code and notebooks that import Azure ML (SDK v2 `azure.ai.ml`, SDK v1 `azureml`)."""

    def compute() -> list[str]:
        imports = imported_modules(repo)
        runtime = set(runtime_files(repo))
        found = {p for p, _ in imports.get("azureml", [])}
        for path in sorted({p for p, _ in imports.get("azure", [])}):
            text = repo.text(path) or ""
            if "azure.ai.ml" in text and (
                path.endswith(".ipynb") or _AZURE_AI_ML.search(text) is not None
            ):
                found.add(path)
        return sorted(p for p in found if p in runtime or p.endswith(".ipynb"))

    return _memo(repo, "profile.azure_ai_ml_files", compute)


def azureml_runs_jobs(repo: RepoView) -> bool:
    """Return True when Azure ML runs the project's scripts as jobs.

    A job or component definition (`commandJob`, `pipelineJob`, `commandComponent`, ...
    azuremlschemas YAML), or code that submits jobs (`ml_client.jobs.create_or_update`,
    `ScriptRunConfig`). Azure ML sets MLFLOW_TRACKING_URI for the scripts it runs.
    """

    def compute() -> bool:
        if any(name.endswith(("Job", "Component")) for name in azureml_schemas(repo)):
            return True
        for path in _azure_ai_ml_files(repo):
            text = repo.text(path) or ""
            if ("create_or_update" in text or "Step" in text or "RunConfig" in text) and (
                _AZUREML_SUBMITS.search(text) is not None
            ):
                return True
        return False

    return _memo(repo, "profile.azureml_jobs", compute)


def azureml_data_assets(repo: RepoView) -> list[str]:
    """Return where Azure ML data assets are defined.

    azuremlschemas YAML (`data.schema.json`, `type: uri_file`), or code that registers
    one with SDK v2 (`ml_client.data.create_or_update(Data(...))`).
    """

    def compute() -> list[str]:
        found = []
        for path in azureml_schemas(repo).get("data", []):
            data = repo.data(path)
            kind = data.get("type") if isinstance(data, dict) else None
            if isinstance(kind, str) and kind.lower() in AZUREML_DATA_TYPES:
                found.append(path)
        for path in _azure_ai_ml_files(repo):
            if ".data.create_or_update(" in (repo.text(path) or ""):
                found.append(path)
        return found

    return _memo(repo, "profile.azureml_data", compute)


def fits_models(repo: RepoView) -> bool:
    """Return True when the code or notebooks train a model themselves.

    Narrower than the profile's `trains`, which also counts any MLflow use: a tracking
    platform that logs runs but fits nothing does not.
    """
    return _memo(repo, "profile.fits", lambda: _trains(repo, set(runtime_files(repo))))


def _orchestrators(
    repo: RepoView,
    profile: RepoProfile,
    imports: dict[str, list[tuple[str, int]]],
    runtime: set[str],
) -> None:
    found = [
        name
        for name, modules in ORCHESTRATORS.items()
        if any(p in runtime for m in modules for p, _ in imports.get(m, []))
    ]
    catalogs = [p for p in repo.under("conf") if KEDRO_CATALOG.match(p)]
    if catalogs and "kedro" not in found:
        found.insert(0, "kedro")
    # A Snakemake workflow: `Snakefile` (or `workflow/Snakefile`) and its `.smk` rules.
    if any(p.rsplit("/", 1)[-1] == "Snakefile" for p in repo.files):
        found.append("snakemake")
    # A Nextflow workflow: `main.nf` and `nextflow.config` at the root.
    if "nextflow.config" in repo.file_set or "main.nf" in repo.file_set:
        found.append("nextflow")
    profile.orchestrators = tuple(found)
    # kedro-mlflow logs every run through hooks and catalog datasets, not imports.
    plugin = any(
        "kedro-mlflow" in text or "kedro_mlflow" in text
        for text in (repo.pip_text(p) or "" for p in (*profile.manifests, *catalogs))
    )
    if plugin and "mlflow" not in profile.trackers:
        profile.trackers = tuple(sorted((*profile.trackers, "mlflow")))


# The key of the profile in `RepoView.memo` (the engine puts an empty one there when
# detection fails, so that rules asking for it go on).
PROFILE_MEMO = "profile"


def _optional_undeclared_mlflow(repo: RepoView, files: list[str]) -> bool:
    """Return True when every import of MLflow is optional and no manifest names it.

    `try: import mlflow` / `except ImportError: mlflow = None` in each file, and no
    requirements file, pyproject.toml, setup script or environment file that installs
    it: a dormant integration the project runs without, not a tool it uses.
    """
    for path in files:
        text = repo.text(path) or ""
        imports = len(_MLFLOW_IMPORT_LINE.findall(text))
        if path.endswith(".ipynb") or imports != len(_GUARDED_MLFLOW_IMPORT.findall(text)):
            return False
    return not any(
        _installs_dependencies(p.rsplit("/", 1)[-1]) and "mlflow" in (repo.text(p) or "").lower()
        for p in repo.files
        if p.count("/") <= 3
    )


def _pip_installed_lists(repo: RepoView) -> list[str]:
    """Return the root `.txt` files a root document, Dockerfile, Makefile or script installs.

    `pip install -r dependencies.txt`: a requirements file under another name.
    """
    found: list[str] = []
    sources = [
        p
        for p in repo.files
        if "/" not in p
        and (p.lower().endswith((".md", ".rst", ".sh")) or p in ("Dockerfile", "Makefile"))
    ]
    for source in sources:
        text = repo.text(source) or ""
        if "-r" not in text:
            continue
        for match in _PIP_REQUIREMENT_LIST.finditer(text):
            name = match.group(1).removeprefix("./")
            if name in repo.file_set and "/" not in name and name not in found:
                found.append(name)
    return found


# `pip install --user -r dependencies.txt`, `pip3 install -r deps.txt`
_PIP_REQUIREMENT_LIST = re.compile(
    r"\bpip3?[ \t]++install\b[^\n]*?[ \t](?:-r|--requirement)[ \t]++([\w./-]++)(?<=\.txt)"
)


def _setup_cfg_declares(repo: RepoView) -> bool:
    """Return True for a setup.cfg that describes a package, not one of tool settings only.

    `[metadata]` or `[options]` make it setuptools' manifest; `[flake8]` and `[isort]`
    alone are lint settings that happen to live in a file of that name.
    """
    text = repo.text("setup.cfg") or ""
    return "[metadata]" in text or "[options" in text


def setup_script(repo: RepoView, path: str) -> bool:
    """Return True for a setup.py that builds a package, not a script of that name.

    `tools/setup.py` that downloads data and scaffolds a workspace calls no `setup()`;
    a file that does not read is kept: the packaging rules judge it.
    """
    text = repo.text(path)
    return text is None or any(word in text for word in _SETUP_SCRIPT_WORDS)


# What a packaging setup.py holds: the call, or the build tool it comes from.
_SETUP_SCRIPT_WORDS = ("setup(", "setuptools", "distutils", "skbuild", "setup (")


def _pyproject_declares(repo: RepoView) -> bool:
    """Return True for a pyproject.toml that describes a project, not tool settings only.

    `[project]`, `[build-system]`, `[dependency-groups]` or a packaging tool's table
    (Poetry, PDM, pixi, Flit, uv) make it a manifest; `[tool.black]` and `[tool.isort]`
    alone are formatter settings that happen to live in a file of that name. A file
    that does not parse is kept: PKG101 reports it.
    """
    data = repo.pyproject
    if not data:
        return True  # empty or unreadable: judged by the packaging rules as it is
    if {"project", "build-system", "dependency-groups"} & set(data):
        return True
    tool = data.get("tool")
    return not isinstance(tool, dict) or bool(set(tool) & _PACKAGING_TOOLS)


# `[tool.<name>]` tables that declare what to install (or how to build).
_PACKAGING_TOOLS = frozenset(
    {"poetry", "pdm", "pixi", "flit", "uv", "hatch", "setuptools", "mlops-kit", "maturin"}
)


def _installs_dependencies(name: str) -> bool:
    """Return True for a file name that declares dependencies to install.

    Requirements files, pyproject.toml, setup scripts, a Pipfile, conda environments.
    """
    if name in ("pyproject.toml", "setup.py", "setup.cfg", "Pipfile"):
        return True
    if "requirements" in name and name.endswith((".txt", ".in")):
        return True
    return ("environment" in name or name.startswith("conda")) and name.endswith((".yml", ".yaml"))


_MLFLOW_IMPORT_LINE = re.compile(r"^[ \t]*+(?:import|from)[ \t]++mlflow\b", re.MULTILINE)
# `try:`, up to four lines, the import, up to six lines, `except ImportError` (or
# ModuleNotFoundError, or Exception) at the `try`'s indentation.
_GUARDED_MLFLOW_IMPORT = re.compile(
    r"^([ \t]*+)try:[ \t]*+\n(?:\1[ \t]++[^\n]*+\n){0,4}?\1[ \t]++(?:import|from)[ \t]++mlflow\b"
    r"[^\n]*+\n(?:\1[ \t]++[^\n]*+\n){0,6}?\1except\b[^\n]*?"
    r"(?:ImportError|ModuleNotFoundError|Exception)",
    re.MULTILINE,
)


def _uses_mlflow(text: str) -> bool:
    """Return True when code does more with MLflow than import it.

    `import mlflow` and `import mlflow.sklearn` left in a practice script that never
    calls MLflow make no tracking; `from mlflow import ...` and an alias are used.
    """
    if "from mlflow" in text:
        return True
    for line in text.splitlines():
        if "mlflow" in line:
            stripped = line.lstrip()
            if not stripped.startswith("import mlflow") or " as " in stripped:
                return True
    return False


def profile_of(repo: RepoView) -> RepoProfile:
    """Detect what the repository is (memoised on the view: computed once per audit)."""

    def compute() -> RepoProfile:
        profile = RepoProfile()
        files = repo.file_set
        profile.template = bool({"cookiecutter.json", "copier.yml", "copier.yaml"} & files)
        _packaging(repo, profile)
        _layout(repo, profile)
        _ci(repo, profile)
        _runners(repo, profile)
        imports = imported_modules(repo)
        runtime = set(runtime_files(repo))
        mlflow_files = sorted(
            {
                p
                for p, _ in imports.get("mlflow", [])
                if p.endswith(".ipynb") or (p in runtime and _uses_mlflow(repo.text(p) or ""))
            }
        )
        if mlflow_files and _optional_undeclared_mlflow(repo, mlflow_files):
            mlflow_files = []  # `try: import mlflow / except ImportError:`, installed by none
        profile.mlflow_files = tuple(mlflow_files)
        profile.mlflow = bool(mlflow_files) or any(
            repo.exists(store) for store in ("mlflow.db", "mlruns", "MLproject")
        )
        # DVC in use: a pipeline or a `.dvc` pointer anywhere (`pipelines/spark/dvc.yaml`
        # is a pipeline too: DVC finds dvc.yaml files in every folder of the repository).
        profile.dvc = (
            "dvc.yaml" in files
            or ".dvc/config" in files
            or any(
                (p.endswith(".dvc") or p.endswith("/dvc.yaml")) and not template_source(p)
                for p in repo.files
            )
        )
        profile.dvc_pipeline = "dvc.yaml" in files
        profile.trackers = tuple(
            sorted(
                name
                for name, modules in TRACKERS.items()
                if (name != "mlflow" or profile.mlflow)  # a bare `import mlflow` tracks nothing
                and any(
                    any(p in runtime or p.endswith(".ipynb") for p, _ in imports.get(m, []))
                    for m in modules
                )
            )
        )
        reported = _reported_trackers(repo, imports, runtime, profile.manifests)
        if _azure_ai_ml_files(repo) or azureml_runs_jobs(repo):
            reported.add("azureml")  # SDK v2 (`azure.ai.ml`) or job definitions (YAML)
        if _vertex_experiments(repo, imports, runtime) or _pipeline_metrics(repo, imports):
            reported.add("vertex-ai")
        if _tensorboard_through_framework(repo, imports, runtime):
            reported.add("tensorboard")
        reported |= _lightning_loggers(repo, imports, runtime)
        reported |= _visualizer_backends(repo, runtime)
        profile.trackers = tuple(sorted({*profile.trackers, *reported}))
        _orchestrators(repo, profile, imports, runtime)
        _hydra_config(repo, profile)
        configured = _configured_loggers(repo, profile)
        if configured - set(profile.trackers):
            profile.trackers = tuple(sorted({*profile.trackers, *configured}))
        used = {
            module
            for module, places in imports.items()
            if any(p in runtime or p.endswith(".ipynb") for p, _ in places)
        }
        profile.ml = bool(ML_MODULES & used) or profile.dvc or profile.mlflow
        # A DVC pipeline alone is no evidence: a data pipeline (ETL, features) trains nothing.
        profile.trains = profile.kit or profile.mlflow or _trains(repo, runtime)
        copies = vendored_copies(repo)  # a library copied in whole: its tests are its own
        profile.test_files = tuple(
            p
            for p in code_files(repo)
            if not _SCAFFOLD_ASSET.search(p)
            and not (copies and p.startswith(copies))
            and (
                (_TEST_MODULE.search(p) and HOLDS_TEST.search(repo.text(p) or ""))
                or (_PLAIN_TEST_MODULE.search(p) and _TEST_FUNCTION.search(repo.text(p) or ""))
                or (_CAMEL_TEST_MODULE.search(p) and _TEST_CASE.search(repo.text(p) or ""))
            )
            and _STARTER_TEST not in (repo.text(p) or "")
        )
        # `.env` in use: an example of one, an untracked one, code that loads one, or a
        # committed one that holds credentials (one without is configuration the project
        # chose to share: `COMPOSE_PROJECT_NAME=...`).
        profile.dotenv = (
            any(
                (
                    _DOT_ENV_NAME.match(p.rsplit("/", 1)[-1]) is not None
                    or p.endswith((".env.example", ".env.sample", ".env.template", ".env.dist"))
                )
                and not template_source(p)
                and (p.rsplit("/", 1)[-1] != ".env" or p not in repo.tracked)
                for p in repo.files
            )
            or any(
                path in runtime  # not a template's or an example's code
                and (m != "dotenv" or _loads_dot_env(repo.text(path) or ""))
                for m in ("dotenv", "environs", "decouple")
                for path, _ in imports.get(m, [])
            )
            or any(
                p.rsplit("/", 1)[-1] == ".env"
                and not template_source(p)
                and next(secrets.credential_assignments(repo.text(p) or ""), None) is not None
                for p in repo.tracked
            )
        )
        profile.kind = _kind(repo, profile)
        profile.demonstration = not profile.kit and _demonstration(repo)
        return profile

    result: RepoProfile = _memo(repo, PROFILE_MEMO, compute)
    return result
