# A rule's docstring starts with its title, a statement of the standard (not imperative).
# ruff: noqa: D401
"""Packaging: a PEP 621 pyproject that declares what the project needs."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mlops_kit.audit import facts
from mlops_kit.audit.model import Finding
from mlops_kit.audit.repo import RepoView
from mlops_kit.audit.rule import rule

PYPROJECT = "pyproject.toml"


def _line(repo: RepoView, pattern: str) -> int | None:
    text = repo.text(PYPROJECT) or ""
    match = re.search(pattern, text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


@rule("PKG101", family="packaging", severity="error")
def pyproject_parses(repo: RepoView) -> Iterator[Finding]:
    """pyproject.toml exists and is valid TOML.

    Why: every tool (pip, build backends, pytest, ruff, mypy, this audit) reads its
    settings from pyproject.toml; if it is missing or broken, nothing installs.
    Fix: add a pyproject.toml with a `[project]` table, or fix the TOML error reported.
    """
    problem = facts.missing_or_broken(repo.toml(PYPROJECT), PYPROJECT)
    if problem is not None:
        yield problem


@rule("PKG102", family="packaging", severity="error", requires=("PKG101",))
def pep621_project_table(repo: RepoView) -> Iterator[Finding]:
    """pyproject.toml has a PEP 621 `[project]` table with a name and a version.

    Why: the standard `[project]` table is what pip, uv, Poetry 2 and every build backend
    read; tool-specific tables alone lock the project to one tool.
    Fix:

        [project]
        name = "my_project"
        version = "0.1.0"
        dependencies = ["dvc>=3.50,<4", "hydra-core>=1.3.2,<1.4", "mlflow>=3.5,<4"]
    """
    project = repo.pyproject.get("project")
    if not isinstance(project, dict):
        yield Finding("no [project] table", PYPROJECT)
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
    system = repo.pyproject.get("build-system")
    if (
        not isinstance(system, dict)
        or not system.get("build-backend")
        or not system.get("requires")
    ):
        yield Finding("[build-system] with requires and build-backend is missing", PYPROJECT)


@rule("PKG104", family="packaging", severity="warning", requires=("PKG102",))
def requires_python_set(repo: RepoView) -> Iterator[Finding]:
    """The project states which Python versions it supports.

    Why: ML libraries drop old Pythons quickly; `requires-python` makes installers refuse
    an interpreter the project was never tested with instead of failing deep in a stage.
    Fix: `requires-python = ">=3.11"` in `[project]`.
    """
    if not repo.pyproject.get("project", {}).get("requires-python"):
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
    "torch": ("torch",),
    "tensorflow": ("tensorflow", "tensorflow-cpu"),
    "xgboost": ("xgboost",),
    "lightgbm": ("lightgbm",),
}


@rule("PKG105", family="packaging", severity="error", requires=("PKG101",))
def tools_declared(repo: RepoView) -> Iterator[Finding]:
    """The ML tools the project uses are declared as dependencies.

    Why: a fresh environment built from pyproject.toml must be able to run the pipeline;
    a library that only happens to be installed on one laptop breaks CI and colleagues.
    Fix: add the missing distribution to `[project].dependencies` (runtime imports) or to
    a dependency group (tools such as dvc), with a version range.
    """
    runtime, everything = facts.declared_names(repo)
    if repo.is_file(facts.DVC_YAML) and "dvc" not in everything:
        yield Finding("dvc.yaml exists but no dependency declares dvc", PYPROJECT)
    found = facts.imports(repo)
    for module, providers in IMPORT_PROVIDERS.items():
        if module in found and not set(providers) & runtime:
            path, line = found[module][0]
            yield Finding(
                f"src imports {module} but [project].dependencies does not declare "
                f"{' or '.join(providers)}",
                path,
                line,
            )


@rule("PKG106", family="packaging", severity="warning", requires=("PKG101",))
def dev_group_declared(repo: RepoView) -> Iterator[Finding]:
    """Development tools are declared in a dev dependency group.

    Why: pytest, ruff, mypy and pre-commit versions decide whether CI and a colleague see
    the same failures you do; a dev group installs them in one step.
    Fix:

        [dependency-groups]
        dev = ["pytest>=8", "ruff>=0.6", "mypy>=1.10", "pre-commit>=3.7"]

    then `pip install -e . --group dev`.
    """
    data = repo.pyproject
    groups = data.get("dependency-groups", {})
    extras = data.get("project", {}).get("optional-dependencies", {})
    poetry = data.get("tool", {}).get("poetry", {}).get("group", {})
    if not any(isinstance(t, dict) and "dev" in t for t in (groups, extras, poetry)):
        yield Finding("no `dev` dependency group ([dependency-groups] dev = [...])", PYPROJECT)


LOCK_FILES = (
    "poetry.lock", "uv.lock", "pylock.toml", "pdm.lock", "Pipfile.lock", "conda-lock.yml",
    "requirements.lock", "requirements-lock.txt", "constraints.txt",
)  # fmt: skip


@rule("PKG107", family="packaging", severity="warning")
def lock_file_present(repo: RepoView) -> Iterator[Finding]:
    """Resolved dependency versions are locked in a committed file.

    Why: version ranges resolve differently next month; a lock file is what lets you rerun
    a pipeline from an old commit with the library versions it used.
    Fix: commit a lock file: `poetry lock`, `uv lock`, `pip lock` (pylock.toml) or a
    `requirements.lock` from `pip freeze`.
    """
    if not any(repo.is_file(name) or name in repo.file_set for name in LOCK_FILES) and not any(
        re.fullmatch(r"pylock\.[\w-]+\.toml", p) for p in repo.files
    ):
        yield Finding(f"none of {', '.join(LOCK_FILES[:4])}, ... found", PYPROJECT)


_SPEC = re.compile(r"(>=|==|~=|===|>|<|!=|@)")


@rule("PKG108", family="packaging", severity="warning", requires=("PKG102",))
def dependencies_bounded(repo: RepoView) -> Iterator[Finding]:
    """Every runtime dependency has a version constraint.

    Why: a bare name accepts any future major release; the next breaking MLflow, DVC or
    pandas release then fails your pipeline without any change on your side.
    Fix: give each dependency a range you tested, e.g. `"pandas>=2.2,<3"`.
    """
    project = repo.pyproject.get("project", {})
    deps = project.get("dependencies") if isinstance(project, dict) else None
    for requirement in deps if isinstance(deps, list) else []:
        if isinstance(requirement, str) and not _SPEC.search(requirement.split(";")[0]):
            name = requirement.strip()
            yield Finding(
                f"dependency {name!r} has no version constraint",
                PYPROJECT,
                _line(repo, rf"^[ \t]*+[\"']{re.escape(name)}"),
            )


# Lowest versions of the stack this standard is tested with (older MLflow releases have
# known path-traversal vulnerabilities).
STACK_FLOORS = {"mlflow": (3, 5), "dvc": (3, 50), "hydra-core": (1, 3)}
_LOWER = re.compile(r"(?:>=|==|~=|===)\s*(\d+)(?:\.(\d+))?")


@rule("PKG109", family="packaging", severity="warning", requires=("PKG101",))
def stack_floors_respected(repo: RepoView) -> Iterator[Finding]:
    """MLflow, DVC and Hydra are required at versions the standard is tested with.

    Why: older MLflow releases have known path-traversal vulnerabilities in the tracking
    server, DVC 2 and Hydra 1.1 behave differently from what the template's pipeline and
    config composition rely on.
    Fix: raise the lower bounds, e.g. `"mlflow>=3.5,<4"`, `"dvc>=3.50,<4"`,
    `"hydra-core>=1.3.2,<1.4"`.
    """
    for requirement in facts.runtime_requirements(repo):
        name = facts.requirement_name(requirement)
        if name not in STACK_FLOORS:
            continue
        floor = STACK_FLOORS[name]
        bounds = [
            (int(m.group(1)), int(m.group(2) or 0))
            for m in _LOWER.finditer(requirement.split(";")[0])
        ]
        if bounds and max(bounds) < floor:
            yield Finding(
                f"{requirement!r} allows {name} older than {floor[0]}.{floor[1]}",
                PYPROJECT,
                _line(repo, rf"^[ \t]*+[\"']{re.escape(requirement)}"),
            )
