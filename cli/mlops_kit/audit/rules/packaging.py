# A rule's docstring starts with its title, a statement of the standard (not imperative).
# ruff: noqa: D401
"""Packaging: a PEP 621 pyproject that declares what the project needs."""

from __future__ import annotations

import posixpath
import re
import sys
from collections.abc import Iterator

from mlops_kit.audit import facts
from mlops_kit.audit.model import Finding
from mlops_kit.audit.parsing import line_of
from mlops_kit.audit.profile import (
    REQUIREMENTS,
    TEACHING_FOLDERS,
    code_files,
    conda_files,
    distribution_name,
    imported_modules,
    lists_anything,
    profile_of,
    setup_script,
    vendored_copies,
)
from mlops_kit.audit.repo import RepoView, normalise
from mlops_kit.audit.rule import rule

PYPROJECT = "pyproject.toml"


def _line(repo: RepoView, pattern: str) -> int | None:
    text = repo.text(PYPROJECT) or ""
    match = re.search(pattern, text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def entry_line(text: str, entry: str, quote: str = "required") -> int | None:
    r"""Return the first line that starts (after blanks) with `entry`, quoted, else None.

    What `^[ \t]*+["']<entry>` (or, with quote "optional", `^[ \t]*+["']?<entry>`) finds
    with `re.MULTILINE`, from the occurrences of the text itself: no pattern is compiled
    for each dependency name.
    """
    at = text.find(entry)
    while at != -1:
        start = text.rfind("\n", 0, at) + 1
        before = text[start:at]
        if before[-1:] in ("'", '"'):
            before = before[:-1]
        elif quote == "required":
            before = "?"
        if not before.strip(" \t"):
            return text.count("\n", 0, start) + 1
        at = text.find(entry, at + 1)
    return None


@rule("PKG101", family="packaging", severity="error", applies=("python",))
def pyproject_parses(repo: RepoView) -> Iterator[Finding]:
    """The dependencies are declared in a manifest, and pyproject.toml is valid TOML.

    Why: every tool (pip, build backends, pytest, ruff, mypy, this audit) reads its
    settings from pyproject.toml; if it is broken nothing installs, and a project with no
    manifest at all (pyproject.toml, requirements.txt, environment.yml, pixi.toml) cannot
    be set up.
    Manifests in sub-folders count (a conda file beside the pipeline that uses it), and
    code that imports only the standard library and its own modules needs none (an
    import in a `try:` block is an optional extra), nor does a project of a compiled
    language whose Python scripts are helpers (C++ with a `CMakeLists.txt` and three
    times as many sources as Python's), nor does one whose experiments run in an
    Apptainer/Singularity container whose definition pip-installs pinned packages, or in
    a Docker image whose Dockerfile (or a shell script the README says to run:
    `sh install_dependencies.sh`) installs the packages by name (`RUN pip install
    numpy pandas`, `conda install -y rdkit`; PKG110 judges their versions), nor does one
    whose steps run in an image a step file names and pip-install pinned packages there
    (Valohai's `valohai.yaml`: `image: python:3.9`, `command: pip install pandas==2.2.1`;
    not a CI file's jobs), nor does a Home Assistant integration, whose
    `custom_components/<domain>/manifest.json` lists the `"requirements"` Home Assistant
    installs.
    A setup.cfg counts when it describes a
    package (`[metadata]`, `[options]`), not when it holds tool settings alone (`[flake8]`),
    and so does a pyproject.toml (`[project]`, `[build-system]`, a packaging tool's table;
    not `[tool.black]` and `[tool.isort]` alone), and so does a setup.py that builds a
    package (`setup(`, setuptools), not a script of that name that scaffolds a workspace.
    An empty requirements file (nothing but blanks and comments) declares nothing, and
    the manifests of another project's repository copied in whole (`unilm/`, with its own
    licence and contributors' guide) declare that project's dependencies, not these.
    Fix: add a pyproject.toml with a `[project]` table, or fix the TOML error reported.
    """
    profile = profile_of(repo)
    copies = vendored_copies(repo)  # a library's repository copied in declares its own
    anywhere = any(
        (
            p.rsplit("/", 1)[-1] in ("pyproject.toml", "setup.py", "Pipfile", "pixi.toml")
            and (p != PYPROJECT or p in profile.manifests)  # not `[tool.black]` alone
            and (not p.endswith("setup.py") or setup_script(repo, p))  # not a script
        )
        or (REQUIREMENTS.search(p) and lists_anything(repo, p))
        or (_CONDA_NAME.search(p) and "dependencies:" in (repo.text(p) or ""))
        or (p.endswith(".def") and _container_installs(repo.text(p) or ""))
        or (_HA_MANIFEST.match(p) and '"requirements"' in (repo.text(p) or ""))
        for p in repo.files
        if not (copies and p.startswith(copies))
    )
    if (
        not profile.packaged
        and not profile.template
        and not anywhere
        and not facts.native_project(repo)  # C++ with Python helper scripts
        and not any(_installs_by_name(repo.text(p) or "") for p in facts.dockerfiles(repo))
        and not any(_installs_by_name(repo.text(p) or "") for p in _readme_scripts(repo))
        and not _step_files_install(repo)
        and _imports_others(repo)
    ):
        empty = next((p for p in repo.files if REQUIREMENTS.search(p) and "/" not in p), None)
        what = f"{empty} is empty: " if empty is not None else ""
        yield Finding(
            f"{what}no pyproject.toml, setup.py, requirements*.txt or environment.yml "
            "declares the dependencies",
            empty or facts.ROOT,
        )
        return
    parsed = repo.toml(PYPROJECT)
    if parsed is not None:
        problem = facts.missing_or_broken(parsed, PYPROJECT)
        if problem is not None:
            yield problem


# A Home Assistant integration's manifest: Home Assistant installs its `"requirements"`.
_HA_MANIFEST = re.compile(r"^custom_components/[\w-]+/manifest\.json$")


def _readme_scripts(repo: RepoView) -> list[str]:
    """Shell scripts the README tells its reader to run (`sh install_dependencies.sh`)."""
    readme = facts.readme(repo)
    text = (repo.text(readme) or "") if readme is not None else ""
    return [p for p in repo.files if p.endswith(".sh") and p.rsplit("/", 1)[-1] in text]


def _installs_by_name(text: str) -> bool:
    """True when a container file pip- or conda-installs packages it names.

    `RUN pip install --no-cache-dir numpy pandas torch`, `conda install -y rdkit`: the
    image the project runs in declares them (whether their versions are pinned is
    PKG110's concern); `pip install -r requirements.txt` and `pip install .` name none.
    """
    for line in text.replace("\\\n", " ").splitlines():
        for command in _INSTALL_COMMAND.finditer(line):
            rest = line[command.end() :]
            words = re.split(r"[ \t]+", re.split(r"&&|;|\|", rest, maxsplit=1)[0].strip())
            skip = False
            for word in words:
                if skip:
                    skip = False
                elif word.startswith("-"):
                    skip = word in _OPTIONS_WITH_VALUE
                elif _PACKAGE_WORD.match(word) and not word.endswith(_FILE_ENDINGS):
                    return True
    return False


# `pip install`, `conda install`, and `conda create -n env python=3.6 scipy pandas`
_INSTALL_COMMAND = re.compile(
    r"\b(?:pip3?[ \t]++install|(?:conda|mamba|micromamba)[ \t]++(?:install|create))\b"
)
_OPTIONS_WITH_VALUE = frozenset(
    {"-r", "--requirement", "-c", "--constraint", "-i", "--index-url", "--extra-index-url",
     "-f", "--find-links", "-e", "--editable", "-n", "--name", "-p", "--prefix", "--target",
     "-t", "--channel"}
)  # fmt: skip
_PACKAGE_WORD = re.compile(
    r"^[\"']?(?!(?:pip|setuptools|wheel|uv|poetry|pipenv)\b)[A-Za-z][\w.-]*+"
    r"(?:\[[\w,.-]*+\])?(?:[=<>~!]=?[^\s\"']*+)?[\"']?$"
)
_FILE_ENDINGS = (".txt", ".in", ".whl", ".gz", ".zip", ".toml", ".cfg", ".py", ".yml", ".yaml")


def _container_installs(text: str) -> bool:
    """True for an Apptainer/Singularity definition whose `%post` pip-installs packages.

    `Bootstrap: docker` ... `%post` / `pip install torch==2.2.1 transformers==4.37.2`: the
    container the experiments run in declares their dependencies.
    """
    return text.lstrip().startswith(("Bootstrap:", "BootStrap:")) and any(
        _PINNED_INSTALL.search(command) for command in text.replace("\\\n", " ").splitlines()
    )


# `pip install` of a package at a version (`torch==2.2.1`), not only of a file (`-r`).
_PINNED_INSTALL = re.compile(r"\bpip3?[ \t]+install\b[^\n]*?[A-Za-z0-9][\w.-]*==[\w.]")


def _step_files_install(repo: RepoView) -> bool:
    """True when a step file pins the packages its steps install in their own image.

    `valohai.yaml` (or an Argo or Kubeflow step) with `image: python:3.9` and a command
    `pip install evidently==0.4.16 pandas==2.2.1`: like a Dockerfile, it declares the
    environment the code runs in. A CI file's jobs install their tools, not the project's.
    """
    ci = set(profile_of(repo).ci_files)
    for path in repo.files:
        if not path.endswith((".yaml", ".yml")) or path in ci or path.startswith(".github/"):
            continue
        text = repo.text(path) or ""
        if "install" in text and _STEP_IMAGE.search(text) and _PINNED_INSTALL.search(text):
            return True
    return False


# A step's own image (`image: python:3.9`, `- image: "pytorch/pytorch:2.2.1"`).
_STEP_IMAGE = re.compile(r"(?m)^[ \t]*+(?:-[ \t]++)?image[ \t]*+:[ \t]*+[\"']?+[\w.-]")


def _imports_others(repo: RepoView) -> bool:
    """Return True when the code or a notebook imports a module from outside the repo.

    The standard library and the repo's own modules (a file or folder of that name) need
    no manifest; nor does an import in a `try:` block, nor text that only looks like an
    import (`from daily_usage` in an SQL string, `from the catalog` in a docstring).
    """
    own = {p.rsplit("/", 1)[-1].removesuffix(".py") for p in code_files(repo)}
    own.update(folder.rsplit("/", 1)[-1] for folder in repo.folders)
    for module, places in imported_modules(repo).items():
        if module in sys.stdlib_module_names or module in own:
            continue
        for path, line in places:
            if not path.endswith(".py"):
                return True  # a notebook's import
            lines = (repo.text(path) or "").splitlines()
            statement = lines[line - 1] if 0 < line <= len(lines) else ""
            if _IMPORT_STATEMENT.match(statement) and not _optional_import(repo, path, line):
                return True
    return False


# A whole import statement: `from x.y import z`, `import x as y`, `import x, y`.
_IMPORT_STATEMENT = re.compile(
    r"^[ \t]*+(?:from[ \t]++[\w.]++[ \t]++import\b|import[ \t]++[\w.]++[ \t]*+(?:$|[,;#]|as[ \t]))"
)


# A conda environment file in a sub-folder (`pipeline/conda_dependencies.yml`).
_CONDA_NAME = re.compile(r"(?:^|/)[\w.-]*(?:conda|environment)[\w.-]*\.ya?ml$", re.IGNORECASE)


def _project(repo: RepoView) -> dict[str, object] | None:
    project = repo.pyproject.get("project")
    return project if isinstance(project, dict) else None


def _other_metadata(repo: RepoView) -> bool:
    """True when setup.py, setup.cfg or Poetry 1 (`[tool.poetry]`) names the package."""
    poetry = repo.pyproject.get("tool", {}).get("poetry")
    return (
        (isinstance(poetry, dict) and "name" in poetry)
        or "setup.py" in repo.file_set
        or "[metadata]" in (repo.text("setup.cfg") or "")
    )


@rule("PKG102", family="packaging", severity="error", requires=("PKG101",))
def pep621_project_table(repo: RepoView) -> Iterator[Finding]:
    """pyproject.toml has a PEP 621 `[project]` table with a name and a version.

    Why: the standard `[project]` table is what pip, uv, Poetry 2 and every build backend
    read; tool-specific tables alone lock the project to one tool. An empty pyproject.toml
    (nothing but blanks or comments) without a setup.py is reported whatever else the repo
    holds: it declares nothing, yet pip and every tool take it for the project's manifest.
    A pyproject.toml of tool settings and a `[build-system]` table is reported when the
    project is installed (`pip install .` in CI, a runner or the README; a committed
    `*.egg-info`) or a package sits beside a build tool's table (`[tool.flit.metadata]`,
    `[tool.poetry]`), not for the build table alone.
    Fix: delete an empty pyproject.toml, or give it a `[project]` table:

        [project]
        name = "my_project"
        version = "0.1.0"
        dependencies = ["dvc>=3.50,<4", "hydra-core>=1.3.2,<1.4", "mlflow>=3.5,<4"]
    """
    if PYPROJECT not in repo.file_set:
        return
    if not repo.pyproject and "setup.py" not in repo.file_set:
        # It parsed (PKG101) to nothing: blanks or comments only.
        yield Finding(
            f"{PYPROJECT} is empty: it declares no project, dependencies or build backend",
            PYPROJECT,
        )
        return
    project = _project(repo)
    if project is None:
        # A pyproject.toml that only configures tools, or metadata kept elsewhere, is fine
        # unless it asks to be built (a build backend, and a package at the root or an
        # install of the project itself) or the kit manages the project.
        profile = profile_of(repo)
        # The project is installed (CI, a runner or the README runs `pip install .`, or a
        # build left its `*.egg-info` in git); a package folder alone, beside Dockerfiles
        # that install requirements.txt, asks for no build.
        tools = repo.pyproject.get("tool")
        builds = (
            _installed(repo)
            or any(f.endswith(".egg-info") for f in repo.folders)
            # a package beside a build tool's own table (`[tool.flit.metadata]`,
            # `[tool.poetry]`): the backend would build it
            or (
                profile.layout in ("src", "flat")
                and isinstance(tools, dict)
                and bool(_BUILD_TOOLS & set(tools))
            )
        )
        asks = "build-system" in repo.pyproject and not _other_metadata(repo) and builds
        if profile.kit or asks:
            yield Finding("no [project] table", PYPROJECT, facts.line_in(repo, PYPROJECT, r"^\["))
        return
    dynamic = project.get("dynamic")
    dynamic = dynamic if isinstance(dynamic, list) else []
    for key in ("name", "version"):
        if key not in project and key not in dynamic:
            yield Finding(f"[project] has no {key}", PYPROJECT, _line(repo, r"^\[project\]"))


@rule("PKG103", family="packaging", severity="error", requires=("PKG101",))
def build_backend_declared(repo: RepoView) -> Iterator[Finding]:
    """pyproject.toml declares its build backend.

    Why: without `[build-system]` pip falls back to legacy setuptools behaviour, and the
    package (which the stages import) may not install the way you expect.
    Fix:

        [build-system]
        requires = ["poetry-core>=2,<3"]
        build-backend = "poetry.core.masonry.api"
    """
    if _project(repo) is None or "setup.py" in repo.file_set:
        return
    profile = profile_of(repo)
    if not profile.kit and not _installed(repo):
        return  # a virtual project (uv, PDM) or a script collection: nothing is built
    system = repo.pyproject.get("build-system")
    if (
        not isinstance(system, dict)
        or not system.get("build-backend")
        or not system.get("requires")
    ):
        yield Finding(
            "[build-system] with requires and build-backend is missing",
            PYPROJECT,
            facts.line_in(repo, PYPROJECT, r"^\[build-system\]")
            or facts.line_in(repo, PYPROJECT, r"^\[project\]"),
        )


_INSTALLS_ITSELF = re.compile(r"pip install (?:-e |--editable )?\.(?:\[|\s|$)|python -m build\b")


_BUILD_TOOLS = frozenset(
    {"flit", "setuptools", "hatch", "pdm", "poetry", "maturin", "scikit-build"}
)


def _installed(repo: RepoView) -> bool:
    """True when CI, a task runner or the README installs the project itself."""
    name = facts.readme(repo)
    readme = facts.document_text(repo, name) if name is not None else ""
    return bool(_INSTALLS_ITSELF.search(facts.task_text(repo)) or _INSTALLS_ITSELF.search(readme))


@rule("PKG104", family="packaging", severity="warning", requires=("PKG102",))
def requires_python_set(repo: RepoView) -> Iterator[Finding]:
    """The project states which Python versions it supports.

    Why: ML libraries drop old Pythons quickly; `requires-python` makes installers refuse
    an interpreter the project was never tested with instead of failing deep in a stage.
    Fix: `requires-python = ">=3.11"` in `[project]`.
    A `[project]` table that nothing installs (no dependencies, no build system: a name
    and version beside tool settings) is not reported.
    """
    project = _project(repo)
    if project is None or project.get("requires-python"):
        return
    if project.get("dependencies") or "build-system" in repo.pyproject:
        yield Finding("[project] has no requires-python", PYPROJECT, _line(repo, r"^\[project\]"))


# Import name -> distributions that provide it.
IMPORT_PROVIDERS = {
    "mlflow": ("mlflow", "mlflow-skinny"),
    "hydra": ("hydra-core",),
    "omegaconf": ("omegaconf", "hydra-core"),
    "dvc": ("dvc",),
    "sklearn": ("scikit-learn",),
    "pandas": ("pandas",),
    "pandera": ("pandera",),
    "torch": ("torch", "pytorch", "torchvision", "lightning", "pytorch-lightning", "fastai"),
    "tensorflow": (
        "tensorflow", "tensorflow-cpu", "tensorflow-gpu", "tensorflow-macos",
        "tensorflow-intel", "tensorflow-rocm", "intel-tensorflow", "tf-nightly", "keras",
    ),
    "xgboost": ("xgboost",),
    "lightgbm": ("lightgbm",),
    "wandb": ("wandb",),
}  # fmt: skip
_OPTIONAL_LOGGERS = frozenset({"wandb"})


# Declared tools that always install an imported helper (`geopandas` brings pandas). Not
# scikit-learn: a model file depends on its version, which only its own declaration pins.
ALSO_INSTALLED_BY = {
    "pandas": (
        "geopandas", "seaborn", "statsmodels", "sktime", "prophet", "darts", "pycaret",
        "evidently", "great-expectations", "pandera", "streamlit", "gradio", "zenml",
        "datasets", "mlflow", "gluonts", "shap",
    ),
    "tensorflow": ("tfx", "tensorflow-transform", "tensorflow-data-validation",
                   "tensorflow-model-analysis", "tf-keras"),
    "torch": ("torchaudio", "timm", "torchmetrics", "sentence-transformers", "accelerate",
              "peft", "ultralytics", "rfdetr", "trl", "kornia", "segmentation-models-pytorch",
              "stable-baselines3", "torchgeo", "monai", "speechbrain", "easyocr",
              "neuralforecast"),
    "mlflow": ("azureml-mlflow", "dbx"),
    "sklearn": ("ogb", "imbalanced-learn", "imblearn"),
}  # fmt: skip


# Distributions named as PyTorch frameworks (`pytorch-ie`, `pytorch-tabnet`, `torch-optimizer`).
_TORCH_FRAMEWORK = re.compile(r"^(?:py)?torch[-_.]\w|[-_.](?:py)?torch$")


@rule("PKG105", family="packaging", severity="error", requires=("PKG101",), applies=("packaged",))
def tools_declared(repo: RepoView) -> Iterator[Finding]:
    """The ML tools the project's package imports are declared as dependencies.

    Why: installing the package (`pip install .`, `poetry install`) must give everything
    its modules import; a library that only happens to be installed on one laptop breaks
    CI, colleagues and every image built from the manifest.
    This rule reads the modules of the packages that pyproject.toml, setup.py or setup.cfg
    builds; imports in scripts, notebooks and repositories without package metadata are
    PKG112's. A top-level folder named as a package the project requires
    (`ultralytics/` beside `ultralytics>=8.0` in setup.py) is that library's code kept
    in-tree: its imports are the library's. An import inside a `try:` block, or under a
    check that the module is installed (`if find_spec("wandb"):`), is an optional extra
    the code does without,
    and is not reported, nor are that module's lazy imports inside functions of the same
    file (they run after the guard); nor is a package that a Dockerfile, setup script, CI job, the
    README or a setup document (get_started.md) installs from the PyTorch index (`--index-url https://download.pytorch.org/...`)
    or conda channel (`-c pytorch`), or that the README tells its reader to install from
    pytorch.org (a CUDA build chosen on purpose), or that a setup file installs as a ZenML
    integration (`zenml integration install sklearn mlflow`), or that a script which
    writes the environment file lists (`tools/generate_conda_file.py` holding
    `"pandas>=0.24.2"`), or that the Dockerfiles the package runs in install at an exact
    version (`pip install xgboost==${XGBOOST_VERSION}` beside the package's own wheel: one
    version per image, on purpose).
    A declared distribution that always installs the imported one counts (`geopandas`
    brings pandas, `lightning` brings torch, and so does a distribution named as a
    PyTorch framework, `pytorch-ie` or `torch-optimizer`), and so does one that the
    committed lock file (uv.lock, poetry.lock, pdm.lock) records a declared distribution
    requiring, directly or through others (`imodelsx` requires scikit-learn).
    A distribution the code imports at run time but declares only in a dev or test group (or a
    `requirements-dev.txt`) is reported too: installing the project leaves it out (not
    for examples, notebooks, docs, benchmarks, experiments and course material, run in
    the dev environment).
    A manifest that requires a distribution from a location (`gnn_tracking @
    git+https://...`) is not judged: the audit cannot see what that distribution installs.
    Fix: add the missing distribution to `[project].dependencies` (runtime imports) or to
    a dependency group (tools such as dvc), with a version range.
    """
    kit = profile_of(repo).kit
    if kit and repo.is_file(facts.DVC_YAML):
        _, everything = facts.declared_names(repo)
        if not {"dvc", "dvc-s3", "dvc-gs"} & everything:
            manifest = facts.first_manifest(repo)
            yield Finding(f"dvc.yaml exists but no dependency declares dvc ({manifest})", manifest)
    if _depends_on_a_location(repo):
        return  # what a `lib @ git+https://...` dependency installs is not known here
    for in_package, finding in _undeclared_imports(repo):
        if in_package:
            yield finding


def _depends_on_a_location(repo: RepoView) -> bool:
    """Return True when the package's manifest requires a distribution from a URL.

    `gnn_tracking @ git+https://github.com/...` in setup.cfg: the library the project
    builds on, whose own requirements (torch, say) install with it, unseen by the audit.
    """
    return any(
        _LOCATION_REQUIREMENT.search(repo.text(name) or "")
        for name in ("pyproject.toml", "setup.cfg", "setup.py")
        if name in repo.file_set
    )


# `name @ git+https://...`, `name @ https://.../name-1.0.tar.gz` (PEP 508 direct references),
# not in a comment (`# lib @ git+...`): `#` ends the part of the line searched.
_LOCATION_REQUIREMENT = re.compile(
    r"(?m)^[^#\n@]*+@[ \t]*+(?:git\+|hg\+|svn\+|bzr\+)?(?:https?|ssh)://"
)


@rule("PKG112", family="packaging", severity="warning", requires=("PKG101",), applies=("packaged",))
def script_tools_declared(repo: RepoView) -> Iterator[Finding]:
    """The ML tools that scripts and notebooks import are declared in the environment files.

    Why: a colleague or CI job that builds the environment from requirements.txt, a conda
    file or the manifest's dependencies gets an ImportError when a script imports a tool
    none of them lists. A warning, not an error: scripts are often run in an environment
    the repository does not describe (a container, a managed runtime, a course's setup),
    which the audit cannot see. A tool declared only in a dev group (Pipfile
    `[dev-packages]`, `requirements-dev.txt`) counts: scripts run in the dev environment.
    Modules of a package the manifest builds are PKG105's (bar Weights & Biases, an
    optional logger as often as not: reported here);
    the same exceptions apply (`try:` imports, imports under `if find_spec("wandb"):`
    and, in a file that has one, the module's
    lazy imports inside functions, the PyTorch index, nested projects with
    their own manifest, Databricks notebooks, examples), and a package that a Kubeflow or
    Vertex AI pipeline component installs in its own container
    (`packages_to_install=["xgboost"]`) counts as declared, and so does one that a setup
    script, Dockerfile or CI job installs at an exact version
    (`pip install tensorflow==2.13.0` in a cluster's initialisation script), and so does
    one a script's inline metadata lists (PEP 723: `# /// script` ...
    `dependencies = ["datasets==4.3.0"]`).
    Fix: add the distribution to requirements.txt, the conda environment file or the
    manifest's dependencies, with a version range.
    """
    for in_package, finding in _undeclared_imports(repo):
        if not in_package:
            yield finding


@rule("PKG113", family="packaging", severity="warning", requires=("PKG101",))
def requirements_install_anywhere(repo: RepoView) -> Iterator[Finding]:
    """Requirements files install on another machine.

    Why: `pip install -r requirements.txt` stops at the first line it cannot satisfy, and
    a colleague, a CI job or an image build gets nothing. Lines that install only on the
    machine that wrote them: a path of that machine's build (`numpy @
    file:///home/conda/feedstock_root/...`, what `pip freeze` prints in a conda
    environment), `pkg-resources==0.0.0` (a bug of Debian's pip in `pip freeze`: no such
    release exists), the `sklearn` package (withdrawn: its releases since 0.0 fail their
    install on purpose; the distribution is `scikit-learn`), and one distribution pinned
    to a version another entry of it excludes (`scikit_learn==1.4.1.post1` and
    `scikit-learn~=1.4.2`; not entries for different Python versions, under environment
    markers). So does a file
    that holds the table `conda list` prints, or its `--export` (`absl-py=0.10.0=pypi_0`),
    instead of requirements. One finding per
    file, at its first such line.
    Fix: write the file from the environment's intent (`pip-compile`, `uv pip compile`,
    `pip list --format=freeze`) and fix or drop the lines named.
    """
    for path in profile_of(repo).requirements:
        if _package_listing(repo.pip_text(path) or ""):
            what = "a package listing (`conda list`, `micromamba list`), not requirements"
            if _CONDA_EXPORT in (repo.pip_text(path) or "")[:2000].lower():
                what = "a conda export (`conda list --export`), which pip cannot read"
            yield Finding(f"{path} does not install: it is {what}", path, 1)
            continue
        problems: list[tuple[int, str]] = []
        seen: dict[str, tuple[str, int]] = {}  # name: (entry, line) of its first entry
        for number, entry in facts.requirements_in(repo, path):
            name = facts.requirement_name(entry) or ""
            if _MACHINE_PATH.search(entry):
                problems.append((number, f"`{entry.split()[0]}` is a path of one machine's build"))
            elif name == "pkg-resources" and "0.0.0" in entry:
                problems.append((number, "`pkg-resources==0.0.0` is no release (a pip freeze bug)"))
            elif name == "sklearn" and not _FIRST_SKLEARN.search(entry):
                problems.append((number, "`sklearn` is withdrawn (the package is scikit-learn)"))
            elif name and ";" not in entry:  # not one entry per Python version (markers)
                first, line = seen.setdefault(name, (entry, number))
                if line != number and _conflicting(first, entry):
                    problems.append(
                        (number, f"`{entry}` contradicts `{first}` (line {line})")
                    )  # fmt: skip
        if problems:
            number, what = problems[0]
            more = f" (and {len(problems) - 1} more such line(s))" if len(problems) > 1 else ""
            yield Finding(f"{path} does not install elsewhere: {what}{more}", path, number)


def _package_listing(text: str) -> bool:
    """Return True for the table `conda list` or `micromamba list` prints, saved as a file.

    `# packages in environment at /opt/conda:` or `List of packages in environment: ...`,
    then rows of name, version, build and channel: no line pip can read; or what
    `conda list --export` writes (`absl-py=0.10.0=pypi_0`), which only conda reads.
    """
    head = text[:2000].lstrip().lower()
    return head.startswith(
        ("# packages in environment at", "list of packages in environment", _CONDA_EXPORT)
    )


# What `conda list --export` writes first: `name=version=build` lines follow, for conda.
_CONDA_EXPORT = "# this file may be used to create an environment using:"


# A local build path of the machine that wrote the file (`@ file:///home/...`,
# `@ file:///C:/...`), not a path inside the checkout (`file:///${PWD}/wheels`, `./wheels`).
_MACHINE_PATH = re.compile(r"@[ \t]*+file:///(?![$.])")
# The first `sklearn` release (2017), which only requires scikit-learn: it still installs.
_FIRST_SKLEARN = re.compile(r"===?[ \t]*+0\.0[ \t]*+(?:$|[;#])")
_SPECIFIER = re.compile(r"(===?|~=|>=|<)[ \t]*+(\d++(?:\.\d++)*+)")


def _conflicting(first: str, second: str) -> bool:
    """Return True when one entry pins a version (`==`) the other excludes.

    `x==1.4.1.post1` and `x==1.4.2`, `x~=1.4.2` (1.4.2 up to 1.5), `x>=1.5` or `x<1.4`:
    no version satisfies both. Release numbers only (`1.4.1.post1` counts as 1.4.1).
    """
    pins = [_SPECIFIER.findall(entry) for entry in (first, second)]
    for own, other in (pins, pins[::-1]):
        exact = [_release(version) for op, version in own if op.startswith("==")]
        if len(exact) != 1:
            continue
        for op, version in other:
            bound = _release(version)
            width = max(len(exact[0]), len(bound))
            pinned, limit = (exact[0] + (0,) * width)[:width], (bound + (0,) * width)[:width]
            if op.startswith("==") and pinned != limit:
                return True
            if op == ">=" and pinned < limit:
                return True
            if op == "<" and pinned >= limit:
                return True
            if op == "~=" and (pinned < limit or exact[0][: len(bound) - 1] != bound[:-1]):
                return True
    return False


def _release(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def _copy_of_declared(path: str, declared: set[str]) -> bool:
    """Return True for a file of an in-tree copy of a package the project also requires.

    `ultralytics/nn/autobackend.py` in a repository whose setup.py requires `ultralytics`:
    the library's own code, kept as it came, with the library's optional imports.
    """
    top = path.split("/", 1)[0]
    return "/" in path and facts.canonical(top) in declared


def _undeclared_imports(repo: RepoView) -> list[tuple[bool, Finding]]:
    """One finding per imported ML tool that no manifest declares (or only a dev group).

    Paired with True when a module of a package that the manifest builds imports it (the
    finding is placed there), False when only scripts or notebooks do.
    """

    def compute() -> list[tuple[bool, Finding]]:
        _, everything = facts.declared_names(repo)
        dev_only = facts.dev_only_names(repo)
        profile = profile_of(repo)
        name = distribution_name(repo)
        own = {facts.canonical(name)} if name else set()  # `mypkg[dev]` names the project
        roots = tuple(f"{root}/" for root in profile.packages) if profile.package_metadata else ()
        found = facts.imports(repo)
        library = profile.kind == "library"
        from_index = _installed_from_pytorch_index(repo) | _zenml_integrations(repo)
        results: list[tuple[bool, Finding]] = []
        locked: set[str] | None = None  # what the declared distributions install, if locked
        for module, providers in IMPORT_PROVIDERS.items():
            declared = set(providers) & (everything | from_index)
            if set(ALSO_INSTALLED_BY.get(module, ())) & everything:
                continue  # a declared tool installs it
            if module == "torch" and any(_TORCH_FRAMEWORK.search(name) for name in everything):
                continue  # `pytorch-ie`, `torch-audiomentations`: built on torch, they install it
            if module not in found or (declared and not declared <= dev_only):
                continue
            if declared and set(providers) & facts.locked_installs(repo, everything - dev_only):
                continue  # only in a dev group, but a runtime dependency installs it (lock)
            if not declared:
                if locked is None:
                    locked = facts.locked_installs(repo, everything)
                if set(providers) & locked:
                    continue  # a declared distribution installs it (the lock file says so)
            # A file that imports the module under `try:` somewhere treats it as optional:
            # its lazy imports inside functions run only after that guard.
            guarded = {path for path, line in found[module] if _optional_import(repo, path, line)}
            places = [
                (path, line)
                for path, line in found[module]
                if not _provided_elsewhere(repo, path, line, providers, library)
                and not _optional_import(repo, path, line)  # `try: import torch`: optional
                and not _optional_backend(repo, path)  # its importers guard it: a backend
                and not (path in guarded and _inside_function(repo, path, line))
                and not (declared and _MATERIAL.search(path))  # readers install what they need
                and not _copy_of_declared(path, everything - own)  # a library kept in-tree
            ]
            if not places:
                continue
            in_package = [place for place in places if place[0].startswith(roots)] if roots else []
            if in_package and set(providers) & _pinned_by_setup_scripts(repo, containers=True):
                in_package = []  # the images the package runs in pin it (a version per image)
            if declared and not in_package:
                continue  # scripts and notebooks run in the dev environment, which declares it
            if not in_package and set(providers) & _pinned_by_setup_scripts(repo):
                continue  # the scripts' environment is built by a setup script that pins it
            path, line = (in_package or places)[0]
            if declared:
                message = (
                    f"{path} imports {module} but {' and '.join(sorted(declared))} is declared "
                    "only as a dev dependency (an install of the project lacks it)"
                )
            else:
                message = (
                    f"{path} imports {module} but no dependency declares {' or '.join(providers)}"
                )
                if module == "sklearn" and "sklearn" in everything:
                    message += " (the deprecated `sklearn` package it lists no longer installs)"
            # A tracker's client is often an optional logger the package reaches for when
            # configured: a script tool's warning, never PKG105's error.
            results.append(
                (bool(in_package) and module not in _OPTIONAL_LOGGERS, Finding(message, path, line))
            )
        return results

    return list(facts.memo(repo, "packaging.undeclared_imports", compute))


# Examples, tutorials and course exercises, which their readers run in their own environment.
_MATERIAL = re.compile(
    r"(?:^|/)(?:examples?|tutorials?|docs?|benchmarks?|notebooks?|experiments?)/|"
    + TEACHING_FOLDERS.pattern,
    re.IGNORECASE,
)


# Where a project says how to build its environment besides its manifests: container
# files, task runners, shell scripts, CI and install instructions.
# A name, matched from the last `/` on (one try, not one per character of the path); the
# look-behind keeps a search of a whole path linear as well.
_SETUP_NAME = re.compile(
    r"(?<![^/])(?:Dockerfile[\w.-]*|[\w.-]*\.Dockerfile|Makefile|[\w.-]+\.sh|README[\w.-]*"
    r"|INSTALL[\w.-]*|SETUP\.md|\.gitlab-ci\.yml|Jenkinsfile"
    r"|(?i:get(?:ting)?[-_]?started|install(?:ation)?|quick[-_]?start)\.(?:md|rst))$"
)
_WORKFLOW_FILE = re.compile(r"\.github/workflows/[\w.-]+\.ya?ml$")


def is_setup_file(path: str) -> bool:
    """True for a file that says how to build the environment (see `_SETUP_NAME`)."""
    return bool(_SETUP_NAME.match(path, path.rfind("/") + 1) or _WORKFLOW_FILE.match(path))


def _setup_files(repo: RepoView) -> list[str]:
    return facts.memo(
        repo, "packaging.setup_files", lambda: list(filter(is_setup_file, repo.files))
    )


_PYTORCH_INDEX = re.compile(r"download\.pytorch\.org|\s-c\s+pytorch\b|--channel\s+pytorch\b")
_INSTALL = re.compile(r"\binstall\b(.*)")
_README = re.compile(r"(?:^|/)(?:README|INSTALL)[\w.-]*$", re.IGNORECASE)
# Install instructions that send the reader to PyTorch's own installer for their build.
_INSTRUCTION = re.compile(r"\b(?:install|requires?|required|prerequisites?|depends)\b", re.I)
_TORCH = frozenset({"torch", "torchvision", "torchaudio"})
# Options of pip/uv/conda install that take a value (the value is not a package).
_VALUED_OPTIONS = frozenset(
    {"-i", "--index-url", "--extra-index-url", "-f", "--find-links", "-r", "--requirement",
     "-c", "--channel", "-t", "--target", "--constraint", "--platform", "--python-version"}
)  # fmt: skip


# `zenml integration install sklearn mlflow -y` installs each integration's packages.
_ZENML_INSTALL = re.compile(r"\bzenml[ \t]+integration[ \t]+install[ \t]+([\w \t-]+)")
_ZENML_PACKAGES = {
    "sklearn": "scikit-learn", "mlflow": "mlflow", "pytorch": "torch",
    "tensorflow": "tensorflow", "xgboost": "xgboost", "lightgbm": "lightgbm",
    "pandas": "pandas",
}  # fmt: skip


def _zenml_integrations(repo: RepoView) -> set[str]:
    """Distributions that a setup file installs as ZenML integrations."""

    def compute() -> set[str]:
        names: set[str] = set()
        for path in _setup_files(repo):
            text = repo.text(path) or ""
            if "zenml" not in text:
                continue
            for match in _ZENML_INSTALL.finditer(text):
                names |= {
                    _ZENML_PACKAGES[w] for w in match.group(1).split() if w in _ZENML_PACKAGES
                }
        return names

    return facts.memo(repo, "packaging.zenml_integrations", compute)


def _points_to_pytorch_site(text: str) -> bool:
    """Return True when a line tells the reader to install PyTorch from pytorch.org."""
    return any(_INSTRUCTION.search(line) for line in text.splitlines() if "pytorch.org" in line)


def _installed_from_pytorch_index(repo: RepoView) -> set[str]:
    """Distributions an install command fetches from the PyTorch index or conda channel.

    PyTorch builds for a CUDA version come from their own index
    (`pip install torch --index-url https://download.pytorch.org/whl/cu118`, `conda install
    pytorch -c pytorch`), which a Dockerfile, a setup script, the README or a comment of
    a requirements file (`#pip install torch==2.2.0 --index-url https://download...`)
    names on purpose instead of a manifest line that would pull the default build.
    """

    def compute() -> set[str]:
        names: set[str] = set()
        requirements = [p for p in profile_of(repo).requirements if p in repo.file_set]
        for path in (*_setup_files(repo), *requirements):
            text = repo.text(path) or ""
            if "pytorch" not in text:  # in every mention of the site, index or channel
                continue
            if _README.search(path) and _points_to_pytorch_site(text):
                names.update(_TORCH)  # "requires [PyTorch](https://pytorch.org)"
            for command, arguments in _install_commands(text):
                if _PYTORCH_INDEX.search(command) is None:
                    continue
                for word in _package_words(arguments):
                    name = facts.requirement_name(word)
                    if name:
                        names.add(name)
        return names

    return facts.memo(repo, "packaging.pytorch_index", compute)


def _pinned_by_setup_scripts(repo: RepoView, containers: bool = False) -> set[str]:
    """Distributions a setup script, Dockerfile or CI job installs at an exact version.

    `pip install tensorflow==2.13.0` in the script that builds a cluster's environment
    (a Dataproc initialisation action, a job's container): the scripts that run there have
    their environment written down, if not in a manifest. READMEs do not count here.
    With `containers`, only Dockerfiles count: an image that installs the package beside
    `xgboost==${XGBOOST_VERSION}` (one version per image) declares what the package needs.
    """

    def compute() -> set[str]:
        names: set[str] = set()
        for path in facts.dockerfiles(repo) if containers else _setup_files(repo):
            if _README.search(path):
                continue
            text = repo.text(path) or ""
            if "install" not in text or "==" not in text:
                continue
            for _, arguments in _install_commands(text):
                for word in _package_words(arguments):
                    name = facts.requirement_name(word) if "==" in word else None
                    if name:
                        names.add(name)
        return names

    key = "packaging.pinned_by_containers" if containers else "packaging.pinned_by_scripts"
    return facts.memo(repo, key, compute)


def _install_commands(text: str) -> Iterator[tuple[str, str]]:
    """(command, what follows `install`) of each install command of a setup file's text.

    Continued lines (a trailing backslash) are joined; `&&`, `;` and `||` separate commands.
    """
    for line in text.replace("\\\n", " ").splitlines():
        for command in re.split(r"&&|;|\|\|", line):
            install = _INSTALL.search(command)
            if install is not None:
                yield command, install.group(1)


def _package_words(arguments: str) -> Iterator[str]:
    """The packages an install command names: its options and their values left out."""
    skip = False
    for word in arguments.split():
        if skip:
            skip = False
        elif word.split("=", 1)[0] in _VALUED_OPTIONS and "=" not in word:
            skip = True
        elif not word.startswith("-"):
            yield word.strip("\"'`")


# Manifests a sub-project keeps next to its code (a workspace member, a course's sample
# project, a template's rendered manifest), by file name.
_LOCAL_MANIFESTS = frozenset(
    {"pyproject.toml", "setup.py", "setup.cfg", "Pipfile", "environment.yml",
     "environment.yaml", "conda.yaml", "conda.yml", "pixi.toml"}
)  # fmt: skip
_TEMPLATE_SUFFIXES = (".jinja", ".jinja2", ".j2", ".tmpl")
_MLPROJECT_ENV = re.compile(r"^(?:conda_env|python_env)[ \t]*:[ \t]*[\"']?([\w./-]+)", re.MULTILINE)
# First line of a notebook exported from Databricks: it runs on a managed runtime that
# provides the ML stack (sklearn, mlflow, torch, ...), not on a manifest of the repository.
_DATABRICKS = "# Databricks notebook source"


def _provided_elsewhere(
    repo: RepoView, path: str, line: int, providers: tuple[str, ...], library: bool
) -> bool:
    """Return True when an import needs no declaration in the repository's main manifests.

    That is when a manifest in one of the file's own folders declares a provider (a nested
    project, at any depth), the file is a Databricks notebook or job module (it imports
    `databricks.sdk.runtime`), or a library imports the
    module inside a function or block (an optional integration left to its users).
    """
    text = repo.text(path) or ""
    if text.startswith(_DATABRICKS) or _DATABRICKS_RUNTIME.search(text):
        return True  # a notebook or job step the Databricks runtime runs, with its libraries
    if library:
        lines = text.splitlines()
        if 0 < line <= len(lines) and lines[line - 1][:1] in (" ", "\t"):
            return True
    wanted = {facts.canonical(p) for p in providers}
    folder = path.rpartition("/")[0]
    while folder:
        for manifest in _local_manifests(repo).get(folder, ()):
            if wanted & _names_in(repo, manifest):
                return True
        folder = folder.rpartition("/")[0]
    return False


# A module written for the Databricks runtime (`from databricks.sdk.runtime import dbutils`):
# the cluster's runtime brings pyspark, scikit-learn and the rest.
_DATABRICKS_RUNTIME = re.compile(
    r"^[ \t]*from[ \t]+databricks\.sdk\.runtime[ \t]+import\b", re.MULTILINE
)
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _names_in(repo: RepoView, manifest: str) -> set[str]:
    """Every word of a manifest that could be a distribution name, normalised.

    Read as words, not parsed: a template's `pyproject.toml.jinja` is not valid TOML.
    """
    return facts.memo(
        repo,
        f"packaging.names:{manifest}",
        lambda: {facts.canonical(w) for w in _NAME.findall(repo.pip_text(manifest) or "")},
    )


def _local_manifests(repo: RepoView) -> dict[str, list[str]]:
    """Manifests below the root, by folder (a `requirements/` folder counts for its parent)."""

    def compute() -> dict[str, list[str]]:
        by_folder: dict[str, list[str]] = {}
        for path in repo.files:
            folder, _, name = path.rpartition("/")
            if folder and name == "MLproject":
                # The environment file the MLflow project names (`conda_env: my_env.yaml`).
                for match in _MLPROJECT_ENV.finditer(repo.text(path) or ""):
                    env = normalise(f"{folder}/{match.group(1)}")
                    if env in repo.file_set:
                        by_folder.setdefault(folder, []).append(env)
            rendered = path
            for suffix in _TEMPLATE_SUFFIXES:
                rendered = rendered.removesuffix(suffix)
            folder, _, name = rendered.rpartition("/")
            if folder and (name in _LOCAL_MANIFESTS or REQUIREMENTS.search(rendered)):
                if folder == "requirements" or folder.endswith("/requirements"):
                    folder = folder.rpartition("/")[0]
                if folder:
                    by_folder.setdefault(folder, []).append(path)
        return by_folder

    return facts.memo(repo, "packaging.local_manifests", compute)


def _inside_function(repo: RepoView, path: str, line: int) -> bool:
    """Return True when the import on `line` is indented: a lazy import inside a function."""
    lines = (repo.text(path) or "").splitlines()
    return 0 < line <= len(lines) and lines[line - 1][:1] in (" ", "\t")


def _optional_backend(repo: RepoView, path: str) -> bool:
    """Return True when every module that imports `path`'s module does so in a `try:`.

    `models/tf_segmentation.py` imports tensorflow at its top, and `models/__init__.py`
    registers it inside `try: from .tf_segmentation import ... except ImportError:`: a
    backend the package works without, the user's to install.
    """
    if not path.endswith(".py") or path.endswith("__init__.py"):
        return False
    module = path.removesuffix(".py").rsplit("/", 1)[-1]
    folder = path.rpartition("/")[0]
    importers = 0
    for other in facts.runtime_code(repo):
        text = repo.text(other) or ""
        if other == path or module not in text:
            continue
        for match in re.finditer(_IMPORTS_MODULE.format(re.escape(module)), text, re.M):
            dotted = match.group(1) or ""
            relative = dotted.startswith(".")
            if relative and other.rpartition("/")[0] != folder:
                continue  # `from .x import`: only a module of the same folder means this one
            line = text.count("\n", 0, match.start()) + 1
            if not _optional_import(repo, other, line):
                return False
            importers += 1
    return importers > 0


# `from pkg.models.tf_segmentation import X`, `from .tf_segmentation import X`,
# `import pkg.models.tf_segmentation`: an import of the module named in `{}`.
_IMPORTS_MODULE = (
    r"^[ \t]*+(?:from[ \t]++((?:\.++|[\w.]+\.)?){0}[ \t]++import|import[ \t]++(?:[\w.]+\.)?{0}\b)"
)


# `if find_spec("wandb"):`, `elif importlib.util.find_spec("mlflow") is not None:`,
# `if is_wandb_available():`: a block that runs only where the module is installed.
_INSTALLED_GUARD = re.compile(r"^(?:el)?if\b.*(?:\bfind_spec\(|\bis_\w+_available\(\))")


def _optional_import(repo: RepoView, path: str, line: int) -> bool:
    """Return True when the import on `line` is optional (an extra the code can do without).

    It sits in a `try:` block, or in a block that runs only where the module is installed
    (`if find_spec("wandb"):`, `if is_wandb_available():`).
    """
    if line < 1 or not path.endswith(".py"):
        return False
    lines = (repo.text(path) or "").splitlines()
    if line > len(lines):
        return False
    own = lines[line - 1]
    indent = len(own) - len(own.lstrip())
    for above in reversed(lines[max(0, line - 40) : line - 1]):
        stripped = above.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if len(above) - len(above.lstrip()) < indent:
            return stripped.startswith("try:") or bool(_INSTALLED_GUARD.match(stripped))
    return False


@rule(
    "PKG106", family="packaging", severity="warning", requires=("PKG101",),
    applies=("package", "code"),
)  # fmt: skip
def dev_group_declared(repo: RepoView) -> Iterator[Finding]:
    """Development tools are declared in a dev dependency group.

    Why: pytest, ruff, mypy and pre-commit versions decide whether CI and a colleague see
    the same failures you do; a dev group installs them in one step.
    Fix:

        [dependency-groups]
        dev = ["pytest>=8", "ruff>=0.6", "mypy>=1.10", "pre-commit>=3.7"]

    then `pip install -e . --group dev`.
    A pyproject.toml whose dependencies are dev tools alone is the dev environment itself
    and is not reported, nor is a Pipfile's `[dev-packages]` (Pipenv's dev group) or a
    conda environment for development (`conda-environment-dev.yml`), nor
    is a project whose tox or nox environments list the tools
    (`deps = pytest` in tox.ini, `session.install("ruff")` in noxfile.py), nor one that
    uses no development tool at all (no tests, or tests of the standard library's
    unittest only, no tool configured or declared, or only Jupyter beside the notebooks
    it runs): LAY104 reports missing tests; nor is a monorepo's root that declares no
    dependency while its services' pyproject.toml files hold their dev groups, nor one
    whose dev tools sit among the runtime dependencies (PKG111's finding: moving them
    into a dev group fixes both), nor one whose requirements file lists them while no
    manifest declares a runtime dependency (the one environment of every task: `pytest`
    and `ruff` in requirements.txt beside a pyproject.toml of settings), nor one that
    declares them in uv's older `[tool.uv] dev-dependencies`.
    """
    data = repo.pyproject
    if _declares_dev_group(data):
        return
    pixi = data.get("tool", {}).get("pixi", {})
    if "pixi.toml" in repo.file_set:
        pixi = repo.data("pixi.toml", "toml")
    features = pixi.get("feature") if isinstance(pixi, dict) else None
    if isinstance(features, dict) and any(_dev_group(str(name)) for name in features):
        return
    if any(_DEV_FILE.search(p) for p in repo.files) or "extras_require" in (
        repo.text("setup.py") or ""
    ):
        return
    if "options.extras_require" in (repo.text("setup.cfg") or ""):
        return
    pipfile = repo.data("Pipfile", "toml") if "Pipfile" in repo.file_set else None
    if isinstance(pipfile, dict) and pipfile.get("dev-packages"):
        return  # Pipenv's dev group: `pipenv install --dev`
    if _TOX_DEPS.search(repo.text("tox.ini") or "") or _NOX_INSTALL.search(
        repo.text("noxfile.py") or ""
    ):
        return  # tox and nox build the test and lint environments from their own lists
    if _tools_only(list(facts.runtime_requirements(repo))):
        return  # the project is the dev environment (a monorepo root's tooling)
    if not _uses_dev_tools(repo):
        return  # nothing to group: the missing tests are LAY104's finding
    if not facts.runtime_requirements(repo) and any(
        _declares_dev_group(repo.data(p, "toml"))
        for p in repo.files
        if p.endswith("/pyproject.toml") and p.count("/") <= 3
    ):
        return  # a monorepo's root stub: each service declares its own dev group
    if _dev_tools_in_runtime(repo):
        return  # the tools are declared, among the runtime's: PKG111's one finding
    if _manifest_declares_nothing(repo) and any(
        facts.requirement_name(entry) in DEV_TOOLS
        for path in profile_of(repo).requirements
        for _, entry in facts.requirements_in(repo, path)
    ):
        return  # the tools are declared, in the requirements file of the one environment
    place = PYPROJECT if PYPROJECT in repo.file_set else facts.first_manifest(repo)
    yield Finding("no `dev` dependency group ([dependency-groups] dev = [...])", place)


def _manifest_declares_nothing(repo: RepoView) -> bool:
    """True when no setup script and no pyproject.toml declares a runtime dependency.

    A pyproject.toml of tool settings and a name: the requirements file is the project's
    one environment, not an export of a package's dependencies.
    """
    if any(p in repo.file_set for p in ("setup.py", "setup.cfg")):
        return False
    project = repo.pyproject.get("project")
    tool = repo.pyproject.get("tool")
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    poetry_deps = poetry.get("dependencies") if isinstance(poetry, dict) else None
    return not (isinstance(project, dict) and project.get("dependencies")) and not (
        isinstance(poetry_deps, dict) and set(poetry_deps) - {"python"}
    )


def _declares_dev_group(data: object) -> bool:
    """Return True when a parsed pyproject.toml declares a group or extra for development."""
    if not isinstance(data, dict):
        return False
    groups = data.get("dependency-groups", {})
    project = data.get("project", {})
    extras = project.get("optional-dependencies", {}) if isinstance(project, dict) else {}
    tool = data.get("tool", {})
    poetry = tool.get("poetry", {}) if isinstance(tool, dict) else {}
    tables = (groups, extras, poetry.get("group", {}) if isinstance(poetry, dict) else {})
    if any(isinstance(t, dict) and any(_dev_group(str(name)) for name in t) for t in tables):
        return True
    uv = tool.get("uv", {}) if isinstance(tool, dict) else {}
    return (isinstance(poetry, dict) and "dev-dependencies" in poetry) or (
        isinstance(uv, dict) and bool(uv.get("dev-dependencies"))
    )  # Poetry's and uv's older dev tables (`[tool.uv] dev-dependencies = [...]`)


def _uses_dev_tools(repo: RepoView) -> bool:
    """Return True when the repository uses a development tool a dev group would install.

    Test modules, a tool's configuration (`.pre-commit-config.yaml`, `[tool.ruff]`,
    `.flake8`, `pytest.ini`) or a tool declared anywhere (`pytest` in requirements.txt).
    """
    if _needs_test_runner(repo) or any(
        p.rsplit("/", 1)[-1] in _TOOL_CONFIGS for p in repo.files if p.count("/") <= 1
    ):
        return True
    tools = repo.pyproject.get("tool", {})
    if isinstance(tools, dict) and _CONFIGURED_TOOLS & set(tools):
        return True
    setup_cfg = (repo.text("setup.cfg") or "") if "setup.cfg" in repo.file_set else ""
    if _TOOL_SECTIONS.search(setup_cfg):
        return True
    _, declared = facts.declared_names(repo)
    if (DEV_TOOLS | _LOAD_TOOLS) & declared:
        return True
    # Jupyter beside notebooks is what runs them (`research/01_ingestion.ipynb`): the
    # project's working environment, not a tool a dev group would set apart.
    notebooks = any(p.endswith(".ipynb") for p in repo.files)
    return bool(_NOTEBOOK_TOOLS & declared) and not notebooks


def _needs_test_runner(repo: RepoView) -> bool:
    """True when the tests need a runner installed: not only the standard library's unittest.

    `tests/suite.py` of `unittest.TestCase`s run by `python -m unittest` needs nothing a
    dev group would install; a module that names pytest (or any other test) does, and so
    does a suite whose runner the project declares (`nose`, `mock` in requirements.txt).
    """
    texts = [repo.text(p) or "" for p in profile_of(repo).test_files]
    if texts and _TEST_RUNNERS & facts.declared_names(repo)[1]:
        return True  # `nose`, `mock` in requirements.txt: the unittest suite's runner
    return any("pytest" in text or "unittest" not in text for text in texts)


_TEST_RUNNERS = frozenset({"pytest", "nose", "nose2", "mock", "coverage", "tox"})


# Tools of the development desk, not of the running code: notebooks, load tests.
_NOTEBOOK_TOOLS = frozenset({"ipykernel", "jupyter", "jupyterlab", "notebook", "ipython"})
_LOAD_TOOLS = frozenset({"locust", "pytest-asyncio"})
_TOOL_CONFIGS = frozenset(
    {".pre-commit-config.yaml", ".pre-commit-config.yml", ".flake8", "ruff.toml", ".ruff.toml",
     "mypy.ini", ".mypy.ini", "pytest.ini", "conftest.py", ".pylintrc", "pylintrc",
     ".isort.cfg", "tox.ini", "noxfile.py", ".coveragerc", "lefthook.yml", ".lefthook.yml"}
)  # fmt: skip
_CONFIGURED_TOOLS = frozenset(
    {"ruff", "black", "isort", "mypy", "pylint", "pytest", "coverage", "pyright", "flake8",
     "bandit", "pydocstyle", "yapf"}
)  # fmt: skip
_TOOL_SECTIONS = re.compile(r"^\[(?:flake8|tool:pytest|mypy|isort|pycodestyle|pylint)\b", re.M)


# `deps = pytest` in a tox environment, `session.install("pytest")` in a nox session.
_TOX_DEPS = re.compile(r"^deps[ \t]*=", re.MULTILINE)
_NOX_INSTALL = re.compile(r"\bsession\.install\(")


DEV_GROUPS = frozenset({"dev", "develop", "development", "test", "tests", "testing", "lint"})
_DEV_WORDS = DEV_GROUPS | {"linting", "linters", "typing", "qa", "ci"}


def _dev_group(name: str) -> bool:
    """A group named for development (`dev`, `dev-dependencies`, `test_tools`, `linting`)."""
    return any(word in _DEV_WORDS for word in re.split(r"[-_.]+", name.lower()))


_DEV_FILE = re.compile(
    r"^(?:requirements?[-_/.]?(?:dev|test|tests|lint|ci)[\w.-]*"
    r"|(?:dev|test|tests|unit|integration|lint|ci)[-_]requirements?[\w.-]*)"
    r"\.(?:txt|in)$|^requirements/(?:requirements[-_.])?(?:dev|test|tests|lint|ci)[\w.-]*"
    r"\.(?:txt|in)$"
    # the test suite's own requirements file: `tests/requirements.txt`
    r"|^(?:tests?|testing)/requirements[\w.-]*\.(?:txt|in)$"
    # a dev word after others: `requirements-notebook-test.txt`
    r"|^requirements[\w-]*[-_](?:dev|test|tests|testing|lint|ci)(?:[-_.][\w.-]*)?\.(?:txt|in)$"
    # a conda environment for development: `conda-environment-dev.yml`, `environment.dev.yml`
    r"|^(?:conda[-_])?environment[-_.](?:dev|test|ci)\.ya?ml$"
)


LOCK_FILES = (
    "poetry.lock", "uv.lock", "pylock.toml", "pdm.lock", "Pipfile.lock", "conda-lock.yml",
    "pixi.lock", "requirements.lock", "requirements-lock.txt", "constraints.txt",
)  # fmt: skip


@rule("PKG107", family="packaging", severity="warning", applies=("packaged", "project"))
def lock_file_present(repo: RepoView) -> Iterator[Finding]:
    """Resolved dependency versions are locked in a committed file.

    Why: version ranges resolve differently next month; a lock file is what lets you rerun
    a pipeline from an old commit with the library versions it used. A requirements file
    that pins every runtime package with `==` (or to its patch releases, `~=2.27.1`)
    counts as one, test and lint tools left as
    ranges at its end (`pytest>=7.0`) and bare installers and notebook front-ends
    (`jupyter`, `ipykernel`) included; not the list a documentation build
    installs (`docs-requirements.txt`). Direct
    dependencies pinned in pyproject.toml (`"torch==2.9.0"`, Poetry's
    `pydantic = "2.5.2"`) are no lock: what they require still floats. A URL to one
    release's archive
    (`https://.../en_core_web_sm-2.3.1.tar.gz`) pins that release.
    Requirements files that each pin two thirds of their runtime lines or more and name
    the others bare
    (`torch` among `==` pins) are PKG110's one finding: pinning those lines makes them a
    lock. The export of a built conda environment (`conda env export`: its `prefix:` and
    `name=version=build` entries) is one too, a pip entry in it left loose included
    (PKG110 reports that entry).
    Fix: commit a lock file: `poetry lock`, `uv lock`, `pip lock` (pylock.toml) or a
    `requirements.lock` from `pip freeze`.
    """
    profile = profile_of(repo)
    if profile.locks or any(
        _fully_pinned(repo, path) for path in profile.requirements if not _DOCS_LIST.search(path)
    ):
        return
    environments = {*conda_files(repo), *(p for p in profile.manifests if _CONDA_NAME.search(p))}
    if any(_fully_pinned(repo, path, conda=True) for path in sorted(environments)):
        return  # `conda env export`: every package at `name=version=build`
    if any(_conda_export(repo.data(path)) for path in sorted(environments)):
        return  # the export of a built environment (its `prefix:`), a pip entry left loose
    listed = [
        p for p in profile.requirements if not _DOCS_LIST.search(p) and not _DEV_FILE.search(p)
    ]
    if listed and all(_pinned_but_bare(repo, path) for path in listed):
        return  # most lines pinned, the rest bare names: PKG110 names them, one fix for both
    yield Finding(
        f"none of {', '.join(LOCK_FILES[:4])}, ... found, and no requirements file pins "
        "every version (==)",
        facts.first_manifest(repo),
    )


def _pinned_but_bare(repo: RepoView, path: str) -> bool:
    """True when two thirds or more of the runtime lines pin one version, the rest none.

    `pandas==2.2.3`, `numpy==1.26.4`, ..., and a bare `torch`: pinning what PKG110 reports
    makes the file a lock, so that one finding says all there is to fix.
    """
    lines = [line for _, line in facts.requirements_in(repo, path)]
    runtime = [line for line in lines if not _dev_tool_line(line)]
    pinned = [line for line in runtime if _pins_one(line)]
    bare = [line for line in runtime if _BARE_NAME.match(line)]
    return bool(bare) and len(pinned) >= 2 * len(bare) and len(pinned) + len(bare) == len(runtime)


# A requirement that is a name alone (`torch`, `uvicorn[standard]`): what PKG110 reports.
_BARE_NAME = re.compile(r"^[ \t]*+[A-Za-z0-9][A-Za-z0-9._-]*+(?:\[[\w,. -]*+\])?[ \t]*+(?:#|$)")


def _conda_export(data: object) -> bool:
    """True for what `conda env export` writes: `prefix:` and `name=version=build` entries."""
    if not isinstance(data, dict) or "prefix" not in data:
        return False
    entries = [r for r in data.get("dependencies") or [] if isinstance(r, str)]
    return len(entries) >= 5 and sum(r.count("=") >= 2 for r in entries) * 2 > len(entries)


# The list a documentation build installs (`docs-requirements.txt`, `requirements-docs.txt`,
# `requirements_sphinx.txt`): Sphinx and its themes, not the project's runtime.
_DOCS_LIST = re.compile(
    r"(?i)(?:^|[/_-])(?:docs?|sphinx|mkdocs)[_.-][^/]*$|[_-](?:docs?|sphinx)\.txt$"
)


def _fully_pinned(repo: RepoView, path: str, conda: bool = False, depth: int = 0) -> bool:
    """True when every requirement of a requirements/conda file pins one version."""
    if path not in repo.file_set:
        return False
    if conda:
        # pip's options in the `pip:` list (`--find-links https://...`) name no package; the
        # C libraries beside the interpreter need no version (see PKG110)
        entries = [
            r
            for r, _, _ in facts.conda_requirements(repo.data(path))
            if not r.lstrip().startswith("-")
            and facts.requirement_name(r.split("::")[-1].strip()) not in _CONDA_SYSTEM
            and facts.requirement_name(r.split("::")[-1].strip()) not in _SKIP_UNPINNED
        ]  # nor the installer (`- pip`, `pip<=22.3.1`): its version changes no result
        return bool(entries) and all(_CONDA_PIN.match(r) for r in entries)
    lines = [line for _, line in facts.requirements_in(repo, path)]
    # Test and lint tools at the end of a pinned file (`pytest>=7.0`) change no result the
    # file's environment computes: the runtime it pins is what counts.
    runtime = [line for line in lines if not _dev_tool_line(line)]
    if not (bool(runtime) and all(_pins_one(line) for line in runtime)):
        return False
    # `-r requirements.txt` installs that file too: it must pin every version as well.
    included = _INCLUDED.findall(repo.pip_text(path) or "")
    folder = path.rpartition("/")[0]
    return all(
        _fully_pinned(repo, posixpath.normpath(posixpath.join(folder, name)), depth=depth + 1)
        for name in included
        if depth < 3
    )


# One version of a conda or pip entry (`numpy=1.18.1=py37h7687784_1`, `pkg==0.7.5`), not a
# range (`pandas>=2.2,<3.1`).
_CONDA_PIN = re.compile(
    r"^[ \t]*+(?:[\w.-]++::)?[\w.-]++[ \t]*+==?[ \t]*+[\w.!+*]++(?:=[\w.+*]++)?[ \t]*+$"
)
# `-r base.txt`, `--requirement base.txt`: another requirements file this one installs.
_INCLUDED = re.compile(r"^[ \t]*+(?:-r|--requirement)[ \t=]++([^\s#]++)", re.MULTILINE)


def _pins_one(line: str) -> bool:
    """Return True when a requirement line installs one version.

    `pkg==1.2.3`, a direct URL (`pkg @ https://...`), a URL to one release's archive
    (`https://.../en_core_web_sm-2.3.1.tar.gz#egg=en_core_web_sm`), or a compatible
    release to the patch (`requests~=2.27.1`: 2.27.x only, bug fixes).
    """
    return (
        "==" in line
        or "@" in line
        or _PATCH_RELEASE.search(line) is not None
        or _RELEASE_ARCHIVE.match(line) is not None
    )


# A URL to one release's archive: `https://.../name-2.3.1.tar.gz`, `.../name-1.0-py3-none-any.whl`.
_RELEASE_ARCHIVE = re.compile(
    r"^[ \t]*+(?:https?|file)://[^\s#]*?[-_]v?\d++(?:\.\d++)++[^/\s#]*?"
    r"\.(?:tar\.gz|zip|whl|tgz)(?:#|[ \t]|$)"
)


# `~=2.27.1`: three numbers or more, so only the last (the patch) may grow.
_PATCH_RELEASE = re.compile(r"~=[ \t]*+\d++\.\d++\.\d")


def _dev_tool_line(line: str) -> bool:
    """Return True for a line of a tool whose version changes no result.

    A test or lint tool (`pytest-asyncio>=0.23`), an installer or a notebook front-end
    (`jupyter`, `ipykernel`: PKG110 asks no version of them either).
    """
    name = facts.requirement_name(line) or ""
    return name in DEV_TOOLS or name.startswith("pytest-") or name in _SKIP_UNPINNED


_SPEC = re.compile(r"(>=|==|~=|===|>|<|!=|@)")


@rule("PKG108", family="packaging", severity="warning", requires=("PKG102",), applies=("project",))
def dependencies_bounded(repo: RepoView) -> Iterator[Finding]:
    """Every runtime dependency has a version constraint.

    Why: a bare name accepts any future major release; the next breaking MLflow, DVC or
    pandas release then fails your pipeline without any change on your side. Dependencies
    that `[tool.uv.sources]` takes from a workspace member, a path or git are pinned there;
    outside mlops-kit projects, a committed lock file (uv.lock, poetry.lock, ...) is
    accepted as pinning every one of them. One finding names the unbounded dependencies.
    Fix: give each dependency a range you tested, e.g. `"pandas>=2.2,<3"`.
    """
    profile = profile_of(repo)
    if profile.locks and not profile.kit:
        return  # the lock pins every version; ranges only matter when it is re-resolved
    project = repo.pyproject.get("project", {})
    deps = project.get("dependencies") if isinstance(project, dict) else None
    tool = repo.pyproject.get("tool", {})
    uv = tool.get("uv") if isinstance(tool, dict) else None
    sources = uv.get("sources") if isinstance(uv, dict) else None
    # A workspace member, a local path or a git revision: the source pins it, not a range.
    sourced = {facts.canonical(str(n)) for n in sources} if isinstance(sources, dict) else set()
    names = [
        requirement.strip()
        for requirement in (deps if isinstance(deps, list) else [])
        if isinstance(requirement, str)
        and not _SPEC.search(requirement.split(";")[0])
        and facts.requirement_name(requirement) not in sourced
    ]
    if not names:
        return
    first = _line(repo, rf"[\"']{re.escape(names[0])}[\"']")  # a list on one line too
    if len(names) == 1:
        yield Finding(f"dependency {names[0]!r} has no version constraint", PYPROJECT, first)
        return
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    yield Finding(
        f"{len(names)} dependencies have no version constraint: {shown}", PYPROJECT, first
    )


# Lowest versions of the stack this standard is tested with (older MLflow releases have
# known path-traversal vulnerabilities).
STACK_FLOORS = {"mlflow": (3, 5), "mlflow-skinny": (3, 5), "dvc": (3, 50), "hydra-core": (1, 3)}
# The tool a distribution of the stack belongs to.
_STACK_TOOL = {"mlflow-skinny": "mlflow"}
_LOWER = re.compile(r"(?:>=|==|~=|===)\s*(\d+)(?:\.(\d+))?")


@rule("PKG109", family="packaging", severity="warning", requires=("PKG101",))
def stack_floors_respected(repo: RepoView) -> Iterator[Finding]:
    """MLflow, DVC and Hydra are required at versions the standard is tested with.

    Why: older MLflow releases have known path-traversal vulnerabilities in the tracking
    server, DVC 2 and Hydra 1.1 behave differently from what the template's pipeline and
    config composition rely on.
    Poetry's dependencies are read too (`mlflow = "^1.25.1"` starts at 1.25.1), and so
    are requirements files (`mlflow==2.13` in `.pipelines/requirements.txt`); one
    distribution below its floor in several files is one finding, naming the others (and
    `mlflow-skinny` pinned beside `mlflow` is one finding with it).
    Outside mlops-kit projects, a pyproject.toml range whose committed lock (uv.lock,
    poetry.lock, pdm.lock) resolved a version at or above the floor is not reported: what
    is installed is new enough, until the lock is resolved again; nor is a tool of the
    stack the repository declares but never uses (`dvc==2.9.3` in a pip freeze, and no
    dvc.yaml, `.dvc/` or `dvc` command anywhere): an unused dependency, not an old stack.
    Fix: raise the lower bounds, e.g. `"mlflow>=3.5,<4"`, `"dvc>=3.50,<4"`,
    `"hydra-core>=1.3.2,<1.4"`.
    """
    text = repo.text(PYPROJECT) or ""
    found: list[tuple[str, Finding]] = []  # (distribution, finding), in reading order
    project = _project(repo)
    listed = project.get("dependencies") if project is not None else None
    locked = {} if profile_of(repo).kit else facts.locked_versions(repo)
    unused = set() if profile_of(repo).kit else _stack_unused(repo)
    for requirement in listed if isinstance(listed, list) else []:
        name = facts.requirement_name(requirement)
        if _locked_above_floor(name, locked):
            continue  # the lock installs a version at or above the floor
        if name in STACK_FLOORS and _below_floor(requirement.split(";")[0], STACK_FLOORS[name]):
            message = f"{requirement!r} allows {_older(name)}"
            found.append((name, Finding(message, PYPROJECT, entry_line(text, requirement))))
    for name, constraint in facts.poetry_constraints(repo):
        if _locked_above_floor(name, locked):
            continue
        if name in STACK_FLOORS and _below_floor(_as_specifier(constraint), STACK_FLOORS[name]):
            line = entry_line(text, name, quote="optional")
            found.append(
                (name, Finding(f"{name} = {constraint!r} allows {_older(name)}", PYPROJECT, line))
            )
    for path in profile_of(repo).requirements:
        if path.startswith(("docs/", "doc/")):
            continue
        for number, requirement in facts.requirements_in(repo, path):
            name = facts.requirement_name(requirement)
            if name in STACK_FLOORS and _below_floor(requirement.split(";")[0], STACK_FLOORS[name]):
                found.append(
                    (name, Finding(f"{requirement!r} allows {_older(name)}", path, number))
                )
    # One finding per tool (`mlflow` and its `mlflow-skinny` of the same release are one
    # upgrade), at its first place, naming the other files.
    found = [(_STACK_TOOL.get(name, name), finding) for name, finding in found]
    for name in dict.fromkeys(name for name, _ in found if name not in unused):
        places = [finding for other, finding in found if other == name]
        first = places[0]
        others = list(dict.fromkeys(f.path for f in places[1:] if f.path != first.path))
        if others:
            shown = ", ".join(str(o) for o in others[:3])
            more = f" and {len(others) - 3} more" if len(others) > 3 else ""
            first = first._replace(message=f"{first.message} (also in {shown}{more})")
        yield first


def _stack_unused(repo: RepoView) -> set[str]:
    """The distributions of the stack a repository declares but never uses.

    `dvc==2.9.3` in a pip freeze of a repository with no dvc.yaml, no `.dvc/` and no `dvc`
    command in its recipes or CI; MLflow that no code imports, no MLproject names and no
    command runs; Hydra that no code composes. An old version of something nobody runs
    is an unused dependency, not an outdated stack.
    """
    profile = profile_of(repo)
    imported = facts.imports(repo)
    commands = _stack_commands(repo)
    unused = set()
    if not (profile.mlflow or "mlflow" in imported or "mlflow" in commands):
        unused |= {"mlflow", "mlflow-skinny"}
    if not (profile.dvc or "dvc" in imported or "dvc" in commands):
        unused.add("dvc")
    if not (profile.hydra or "hydra" in imported):
        unused.add("hydra-core")
    return unused


# `mlflow server`, `mlflow ui`, `dvc repro`, `dvc pull` in a recipe, script or CI step.
_STACK_COMMAND = re.compile(
    r"(?<![\w./-])(mlflow|dvc)[ \t]+"
    r"(?:server|ui|run|models|repro|pull|push|add|exp|get|import|dag|stage)\b"
)


def _recipe(path: str) -> bool:
    """True for a Makefile, justfile, Dockerfile, compose file or shell script."""
    name = path.rsplit("/", 1)[-1]
    return (
        name in ("Makefile", "makefile", "justfile")
        or name.startswith("Dockerfile")
        or name.endswith(".sh")
        or ("compose" in name and name.endswith((".yml", ".yaml")))
    )


def _stack_commands(repo: RepoView) -> set[str]:
    """Which of `mlflow` and `dvc` a recipe, a shell script, an image or CI runs."""
    texts = [facts.ci_text(repo)]
    texts += [repo.text(p) or "" for p in repo.files if p.count("/") <= 2 and _recipe(p)]
    return {m.group(1) for text in texts for m in _STACK_COMMAND.finditer(text)}


def _older(name: str) -> str:
    floor = STACK_FLOORS[name]
    return f"{name} older than {floor[0]}.{floor[1]}"


def _locked_above_floor(name: str | None, locked: dict[str, str]) -> bool:
    """True when the lock resolved `name`, a distribution with a floor, at or above it."""
    return (
        name is not None
        and name in STACK_FLOORS
        and name in locked
        and not _below_floor(f"=={locked[name]}", STACK_FLOORS[name])
    )


def _below_floor(specifier: str, floor: tuple[int, int]) -> bool:
    """Return True when the lower bounds of `specifier` admit a release below `floor`."""
    bounds = [(int(m.group(1)), int(m.group(2) or 0)) for m in _LOWER.finditer(specifier)]
    return bool(bounds) and max(bounds) < floor


def _as_specifier(constraint: str) -> str:
    """Poetry's constraint as PEP 440 lower bounds.

    `^1.25`, `~1.25`, `=1.25` and a bare `1.25.1` start at the version they name
    (`>=1.25`); `>=`, `==` and `~=` read as they are.
    """
    parts = []
    for part in (p.strip() for p in constraint.split(",")):
        if part.startswith(("~=", "==", ">=")):
            parts.append(part)
        elif part[:1] in ("^", "~", "=") or part[:1].isdigit():
            parts.append(">=" + part.lstrip("^~=").strip())
    return ",".join(parts)


_CONDA_SPEC = re.compile(r"[=<>!~@]")
_VCS_URL = re.compile(r"^(?:git|hg|svn|bzr)\+[a-z]++://")
# Installers, and the interactive front-ends a notebook runs in: their versions change no
# result.
_SKIP_UNPINNED = frozenset(
    {"pip", "setuptools", "wheel", "ipykernel", "jupyter", "jupyterlab", "notebook", "ipython"}
)


# The C libraries an exported conda environment lists under the interpreter: the Python
# build it pins selects them, and their versions change no result.
_CONDA_SYSTEM = frozenset(
    {"bzip2", "ca-certificates", "libffi", "libsqlite", "libuuid", "libzlib", "zlib", "xz",
     "ncurses", "openssl", "readline", "tk", "sqlite", "tzdata", "ld_impl_linux-64",
     "libgcc-ng", "libstdcxx-ng", "libgomp", "_libgcc_mutex", "_openmp_mutex", "libnsl",
     "libxcrypt", "libgcc", "libexpat", "libmpdec", "libedit", "libcxx", "libiconv",
     "liblzma", "libstdcxx", "vc", "vs2015_runtime", "ucrt", "vc14_runtime", "libgfortran",
     "libgfortran-ng", "libgfortran5", "libcxxabi", "libllvm14", "llvm-openmp"}
)  # fmt: skip


def _unconstrained(repo: RepoView, path: str) -> list[tuple[str, int | None]]:
    """(name, line) of the requirements of a requirements or conda file with no version."""
    if path in conda_files(repo):
        found = []
        for requirement, parent, index in facts.conda_requirements(repo.data(path)):
            spec = requirement.split("::")[-1].strip()
            if "://" in spec:
                # `git+https://.../detectron2.git`: no ref, so whatever the branch is today
                if _VCS_URL.match(spec) and "@" not in spec.rsplit("/", 1)[-1]:
                    found.append((spec, line_of(parent, index)))
                continue
            name = facts.requirement_name(spec)
            if (
                name
                and name not in _SKIP_UNPINNED
                and name not in _CONDA_SYSTEM
                and not _CONDA_SPEC.search(spec)
            ):
                found.append((spec, line_of(parent, index)))
        return found
    return [
        (line, number)
        for number, line in facts.requirements_in(repo, path)
        if not _SPEC.search(line.split(";")[0])
        and "://" not in line
        and facts.requirement_name(line) not in _SKIP_UNPINNED
    ]


@rule("PKG110", family="packaging", severity="warning", applies=("project",))
def requirement_files_constrained(repo: RepoView) -> Iterator[Finding]:
    """Requirements files and conda environments give every package a version.

    Why: `pandas` alone in requirements.txt or environment.yml installs whatever is newest
    on the day; the environment that trained last month's model cannot be rebuilt, and the
    next major release breaks the pipeline with no change on your side. Installers (pip,
    setuptools) and notebook front-ends (ipykernel, jupyter) are not reported, nor are
    the C libraries a conda environment lists beside the interpreter (openssl, bzip2,
    tk, xz): the Python build it pins selects them.
    Fix: pin what you tested (`pandas==2.2.3`, conda `pandas=2.2.3`), or give a range
    (`pandas>=2.2,<3`) and commit a lock file (`pip freeze > requirements.lock`,
    `conda-lock`).
    """
    profile = profile_of(repo)
    # pip-tools inputs (`requirements.in`) are meant to be loose: the compiled .txt pins.
    files = [
        p
        for p in profile.requirements
        if not p.startswith(("docs/", "doc/"))
        and not p.endswith(".in")
        and not _package_listing(repo.pip_text(p) or "")  # PKG113's: no requirements at all
    ]
    files += conda_files(repo)
    for path in files:
        loose = _unconstrained(repo, path)
        if loose:
            names = ", ".join(name for name, _ in loose[:5])
            more = f" and {len(loose) - 5} more" if len(loose) > 5 else ""
            yield Finding(
                f"{path}: {len(loose)} package(s) without a version: {names}{more}",
                path,
                loose[0][1],
            )


DEV_TOOLS = frozenset(
    {"pytest", "pytest-cov", "pytest-xdist", "pytest-mock", "ruff", "black", "mypy", "flake8",
     "pylint", "isort", "pre-commit", "tox", "nox", "coverage", "bandit", "pyright",
     "autopep8", "yapf", "pycodestyle", "pydocstyle", "nbstripout", "pip-tools"}
)  # fmt: skip
_INSTALL_REQUIRES = re.compile(r"install_requires\s*=\s*\[(.*?)\]", re.DOTALL)


def _runtime_places(repo: RepoView) -> Iterator[tuple[str, str, int | None]]:
    """(requirement, file, line) of runtime dependencies, wherever they are declared.

    Poetry's optional dependencies (`pytest = {version = "^7.4", optional = true}`, named
    by an extra) are installed only with that extra: not the runtime. A Pipfile's
    `[packages]` are Pipenv's runtime set (its dev tools belong in `[dev-packages]`).
    """
    optional = _poetry_optional(repo)
    for requirement in facts.runtime_requirements(repo):
        if requirement in optional:
            continue
        yield (
            requirement,
            PYPROJECT,
            entry_line(repo.text(PYPROJECT) or "", requirement, "optional"),
        )
    setup = (repo.text("setup.py") or "") if "setup.py" in repo.file_set else ""
    block = None if facts.static_dependencies(repo) else _INSTALL_REQUIRES.search(setup)
    if block is not None:
        for match in re.finditer(r"[\"']([^\"']+)[\"']", block.group(1)):
            at = setup.count("\n", 0, block.start(1) + match.start()) + 1
            yield match.group(1), "setup.py", at
    # requirements.txt is the runtime set only when dev tools have a place of their own.
    has_dev_place = any(_DEV_FILE.search(p) for p in repo.files) or bool(
        repo.pyproject.get("dependency-groups")
        or repo.pyproject.get("project", {}).get("optional-dependencies")
    )
    # A pyproject.toml that declares the runtime makes requirements.txt an environment
    # export (often runtime and dev tools flattened together), not a second runtime list.
    # (unless an image installs it: then it is what the service runs with).
    runtime_in_pyproject = bool(repo.pyproject.get("project", {}).get("dependencies"))
    exported = runtime_in_pyproject and not _image_installs(repo, "requirements.txt")
    # Without a dev file it is the one environment of every task, unless the service's
    # image installs it: then pytest ships in production. The root's main list may be
    # misspelt (`requirments.txt`): the image installs it all the same.
    main = next((p for p in repo.files if _MAIN_REQUIREMENTS.match(p)), "requirements.txt")
    served = main in repo.file_set and _image_installs(repo, main, production=True)
    listed = []
    if (has_dev_place or served) and main in repo.file_set and not exported:
        listed.append(main)
    # A file a setup script reads into install_requires is the runtime set whatever else
    # the repository has.
    listed += [p for p in _installed_requirements(repo) if p not in listed]
    for path in listed:
        entries = list(facts.requirements_in(repo, path))
        # `pybind11 @ file:///home/conda/feedstock_root/...`: a `pip freeze` of one
        # machine's conda environment, which installs nowhere else: no runtime set.
        if not any(_MACHINE_PATH.search(entry) for _, entry in entries):
            for number, entry in entries:
                yield entry, path, number
    yield from _setup_cfg_requirements(repo)
    yield from _pipfile_packages(repo)


def _pipfile_packages(repo: RepoView) -> Iterator[tuple[str, str, int | None]]:
    """(name, "Pipfile", line) of each entry of a root Pipfile's `[packages]` table."""
    packages = facts.pipfile_table(repo, "packages")
    text = (repo.text("Pipfile") or "") if packages else ""
    for name in packages:
        yield str(name), "Pipfile", entry_line(text, str(name), "optional")


def _poetry_optional(repo: RepoView) -> set[str]:
    """Names of Poetry's main dependencies marked `optional = true` (installed by extras)."""
    tool = repo.pyproject.get("tool")
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    deps = poetry.get("dependencies") if isinstance(poetry, dict) else None
    if not isinstance(deps, dict):
        return set()
    return {
        str(name)
        for name, spec in deps.items()
        if isinstance(spec, dict) and spec.get("optional") is True
    }


def _installed_requirements(repo: RepoView) -> list[str]:
    """Requirements files a setup script reads into its install_requires.

    `install_requires=open("requirements.txt").read().splitlines()` in `src/setup.py`
    (a Kedro project's, the file beside it): whoever installs the package installs every
    line. Dev and test files (`requirements-dev.txt`) are left out.
    """
    found: list[str | None] = []
    for setup in ("setup.py", "src/setup.py"):
        text = (repo.text(setup) or "") if setup in repo.file_set else ""
        if "install_requires" in text:
            folder = setup.rpartition("/")[0]
            for name in _REQUIREMENTS_LITERAL.findall(text):
                found.append(normalise(f"{folder}/{name}" if folder else name))
    return [
        p
        for p in dict.fromkeys(found)
        if p is not None and p in repo.file_set and not _DEV_FILE.search(p)
    ]


_REQUIREMENTS_LITERAL = re.compile(r"[\"']([\w./-]*requirements[\w.-]*\.txt)[\"']")


# The root's list of requirements, its name spelt right or not (`requirments.txt`).
_MAIN_REQUIREMENTS = re.compile(r"^req[a-z]{0,3}r?[a-z]{0,3}ments?\.txt$")


def _image_installs(repo: RepoView, requirements: str, production: bool = False) -> bool:
    """Return True when a Dockerfile of the repository installs `requirements`.

    With `production`, only images that are not for development or tests count
    (`Dockerfile.dev`, `test.Dockerfile`, a Dockerfile under `tests/` or `.devcontainer/`).
    """
    paths = facts.dockerfiles(repo)
    if production:
        paths = [p for p in paths if not _DEV_IMAGE.search(p)]
    texts = (repo.text(p) or "" for p in paths)
    return any(requirements in text and "install" in text for text in texts)


# An image for development or tests, not the one a service runs in.
_DEV_IMAGE = re.compile(
    r"(?i)(?:^|/)(?:tests?|\.devcontainer|dev)/|[._-](?:dev|devel|test|tests|ci|debug)\b[^/]*$"
)


def _setup_cfg_requirements(repo: RepoView) -> Iterator[tuple[str, str, int | None]]:
    """(requirement, "setup.cfg", line) of `[options] install_requires`' entries."""
    text = (repo.text("setup.cfg") or "") if "setup.cfg" in repo.file_set else ""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if not _INSTALL_REQUIRES_KEY.match(line):
            continue
        first = line.split("=", 1)[1].strip()
        if first:
            yield first, "setup.cfg", index + 1
        for number in range(index + 1, len(lines)):
            entry = lines[number]
            if entry.strip() and not entry[:1].isspace():
                break  # the next key: the continuation lines have ended
            entry = entry.split("#", 1)[0].strip()
            if entry:
                yield entry, "setup.cfg", number + 1
        return


_INSTALL_REQUIRES_KEY = re.compile(r"^install_requires[ \t]*=")


@rule("PKG111", family="packaging", severity="warning", applies=("packaged", "not-template"))
def dev_tools_not_runtime(repo: RepoView) -> Iterator[Finding]:
    """Development tools are not runtime dependencies.

    Why: pytest, ruff, black, mypy or pre-commit among the runtime dependencies are
    installed into every production image and every user's environment, pin versions
    users must live with, and hide which packages the code really needs.
    A manifest that declares dev tools and nothing else (a monorepo root's
    `pyproject.toml` holding `flake8` and `pre-commit`, its services packaged in folders of
    their own) is the dev environment, not a runtime: it is not reported. Nor is a tool
    the project's own code imports (a pytest plugin) or runs as a command (a scaffolding
    tool's `subprocess.run(("pre-commit", "install"))`). A requirements file that a setup
    script reads into `install_requires` (a Kedro project's `src/requirements.txt`) is
    the package's runtime; a setup script's `install_requires` beside a pyproject.toml
    that lists `[project].dependencies` is not (setuptools installs the pyproject's list).
    A requirements.txt is read as the runtime when dev tools have a place of their own
    (`requirements-dev.txt`, a dev group) or when the service's image installs it (a
    Dockerfile that is not for development or tests: pytest then ships in production).
    A Pipfile's `[packages]` are the runtime (Pipenv keeps dev tools in `[dev-packages]`).
    One finding per file names every dev tool it lists, at the first.
    Fix: move them to a dev group (`[dependency-groups] dev = [...]`, a Poetry dev group or
    `requirements-dev.txt`).
    """
    yield from _dev_tools_in_runtime(repo)


def _dev_tools_in_runtime(repo: RepoView) -> list[Finding]:
    """PKG111's findings, found once per audit (PKG106 defers to them)."""
    return facts.memo(repo, "dev_tools_in_runtime", lambda: list(_find_dev_tools(repo)))


def _find_dev_tools(repo: RepoView) -> Iterator[Finding]:
    """One finding per runtime place that lists dev tools, at the first of them."""
    places = list(_runtime_places(repo))
    declared: dict[str, list[str]] = {}
    for requirement, path, _ in places:
        declared.setdefault(path, []).append(requirement)
    tools: dict[str, list[tuple[str, int | None]]] = {}
    for requirement, path, line in places:
        name = facts.requirement_name(requirement)
        if name in DEV_TOOLS and not _tools_only(declared[path]) and not _code_runs(repo, name):
            tools.setdefault(path, []).append((name, line))
    for path, found in tools.items():  # one finding per file, at its first tool
        names = list(dict.fromkeys(name for name, _ in found))
        what = (
            f"dev tool {names[0]} is a runtime dependency"
            if len(names) == 1
            else f"dev tools {', '.join(names)} are runtime dependencies"
        )
        yield Finding(f"{what} in {path}", path, found[0][1])


def _code_runs(repo: RepoView, tool: str) -> bool:
    """True when the project's own code imports the tool or runs it as a command.

    A pytest plugin imports pytest; a scaffolding tool runs `("pre-commit", "install")` on
    the projects it generates: for them the tool is a runtime dependency.
    """
    if tool.replace("-", "_") in facts.imports(repo):
        return True
    quoted = (f'"{tool}"', f"'{tool}'")
    # Named in code that runs commands: `edgecolor='black'` in a plot names a colour.
    return any(
        any(q in text for q in quoted) and _RUNS_COMMANDS.search(text) is not None
        for text in (repo.text(p) or "" for p in facts.runtime_code(repo))
    )


_RUNS_COMMANDS = re.compile(r"\bsubprocess\b|\bos\.(?:system|exec\w*|spawn\w*)\(|\bshutil\.which\(")


def _tools_only(requirements: list[str]) -> bool:
    """True when a manifest declares dev tools and nothing else: it is the dev environment.

    A root pyproject.toml whose dependencies are `flake8` and `pre-commit` (a monorepo's
    tooling, its services packaged in folders of their own) ships nothing.
    """
    names = [facts.requirement_name(r) for r in requirements]
    return bool(names) and all(name in DEV_TOOLS for name in names)
