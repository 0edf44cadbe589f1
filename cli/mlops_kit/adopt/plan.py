"""The change set that brings a repository onto the standard, never overwriting a file.

The pieces the kit's tools rely on come from a bake of the bundled template with the
answers detected in the repository, so an adopted project holds the same runner, config
loader and tool configuration as a baked one (and later template updates merge cleanly
into them). Pieces the repository already has are kept; a file the kit must own (the stage
runner, the config loader) that exists with other content is a conflict: nothing is
written and the conflict is listed.
"""

from __future__ import annotations

import ast
import io
import re
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from mlops_kit.adopt.detect import Detected, detect
from mlops_kit.edits import FileChange, read_bytes
from mlops_kit.errors import UsageError

CONFLICT = 2
STAMP_TABLE = re.compile(r"^\[tool\.mlops-kit(\.[^\]]+)?\]\s*$")
TABLE = re.compile(r"^\[")
HOOK_LAUNCHER = "scripts/in-venv"

EMPTY_DVC_YAML = b"""\
# The pipeline. `mlops-kit add-stage NAME` adds stages here; `dvc repro` runs them.
stages: {}
"""
EMPTY_CATALOG = b"""\
# Every dataset under data/: where it comes from, who answers for it, what it may be used
# for, which pipeline stage writes it and what its columns are. Keep one entry per file.
datasets: {}
"""
# The template's conftest.py helper that moves the configuration's files under a folder,
# and the fixture adopt wraps around it (the template's own `cfg` also sets up MLflow).
CONFIG_HELPER = "config_under"
CONFTEST_FIXTURE = '''\
# The fixture the stage tests of `mlops-kit add-stage` take (added by `mlops-kit adopt`).
@pytest.fixture
def cfg(tmp_path: Path) -> DictConfig:
    """The project's configuration (conf/) with every `*_path`/`*_dir` under tmp_path."""
    return config_under(tmp_path)
'''
CONFTEST_NEW = '''\
"""Shared fixtures: the project's configuration with its files under a temp folder."""

from __future__ import annotations

{imports}


{helper}


{fixture}'''


@dataclass
class AdoptPlan:
    """What adopt would write, what it keeps, and what blocks it."""

    root: Path
    module: str
    changes: list[FileChange] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


def _bake(answers: dict[str, str], into: Path) -> tuple[Path, dict[str, str]]:
    from mlops_kit.new import render
    from mlops_kit.template import template_dir
    from mlops_kit.update.pristine import full_answers

    template = template_dir()
    full = full_answers(template, answers)
    return render(template, full, into), full


def _stamp_block(baked_pyproject: str) -> str:
    """Return the `[tool.mlops-kit]` tables of a baked pyproject.toml, with their comment."""
    lines = baked_pyproject.splitlines(keepends=True)
    block: list[str] = []
    inside = False
    for index, line in enumerate(lines):
        if STAMP_TABLE.match(line):
            inside = True
            if not block and index and lines[index - 1].startswith("#"):
                block.append(lines[index - 1])
        elif TABLE.match(line):
            inside = False
        if inside:
            block.append(line)
    return "".join(block).rstrip("\n") + "\n"


def _appended(before: bytes, block: str) -> bytes:
    """Return `before` with `block` appended after one blank line."""
    separator = b"\n" if before.endswith(b"\n") else b"\n\n"
    if before.endswith(b"\n\n") or not before:
        separator = b""
    return before + separator + block.encode()


def stamp_text(before: bytes, answers: dict[str, str]) -> bytes:
    """Return pyproject.toml's bytes with the kit's stamp for `answers` appended."""
    with tempfile.TemporaryDirectory(prefix="mlops-kit-stamp-") as temp:
        bake, _ = _bake(answers, Path(temp))
        block = _stamp_block((bake / "pyproject.toml").read_text(encoding="utf-8"))
    return _appended(before, block)


def _params_as_config(root: Path, module: str) -> bytes:
    """conf/config.yaml for a repo without Hydra: today's params.yaml as its only source."""
    head = (
        "# The pipeline's configuration, composed by Hydra. params.yaml is its snapshot\n"
        f"# (python -m {module}.config writes it): edit here, then refresh params.yaml.\n"
        "defaults:\n  - _self_\n"
    ).encode()
    params = read_bytes(root / "params.yaml")
    if params is None or not params.strip():
        return head
    from mlops_kit.audit.repo import RepoView

    parsed = RepoView(root).yaml("params.yaml")
    if parsed is None or not parsed.ok or not isinstance(parsed.data, dict):
        reason = parsed.error if parsed is not None and parsed.error else "not a mapping"
        raise UsageError(f"params.yaml: {reason}; fix it, then run mlops-kit adopt again")
    return head + params.lstrip(b"\xef\xbb\xbf")


class _Planner:
    def __init__(self, found: Detected, bake: Path, plan: AdoptPlan) -> None:
        self.found = found
        self.bake = bake
        self.plan = plan

    def create(self, relative: str, data: bytes, *, owned: bool = False) -> None:
        """Add `relative` unless it exists; an owned file with other bytes is a conflict."""
        current = self.plan.root / relative
        if current.is_symlink() or current.exists():
            if not current.is_file() or current.is_symlink():
                self.plan.conflicts.append(f"{relative} exists and is not a plain file")
            elif owned and read_bytes(current) != data:
                self.plan.conflicts.append(
                    f"{relative} exists with other content; the kit's stage tools need their "
                    "own copy: rename yours, then run mlops-kit adopt again"
                )
            else:
                self.plan.kept.append(relative)
            return
        self.plan.changes.append(FileChange(current, None, data))

    def from_bake(self, relative: str, *, owned: bool = False, target: str | None = None) -> None:
        self.create(target or relative, (self.bake / relative).read_bytes(), owned=owned)

    def pyproject(self) -> None:
        path = self.plan.root / "pyproject.toml"
        baked = (self.bake / "pyproject.toml").read_bytes()
        if self.found.pyproject is None:
            self.plan.changes.append(FileChange(path, None, baked))
            return
        if self.found.stamped:
            self.plan.kept.append("pyproject.toml")
            return
        before = read_bytes(path)
        assert before is not None
        after = _appended(before, _stamp_block(baked.decode("utf-8")))
        try:
            tomllib.loads(after.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            self.plan.conflicts.append(
                "pyproject.toml has [tool.mlops-kit] tables but no template-version; add "
                "`template-version` to its [tool.mlops-kit] table (`mlops-kit audit --fix` "
                "does it), then run mlops-kit adopt again"
            )
            return
        self.plan.changes.append(FileChange(path, before, after))

    def ci(self, answers: dict[str, str]) -> None:
        """Add the CI workflow, written for the repository as it is (see adopt/ci.py)."""
        from mlops_kit.adopt import ci

        data = self.found.pyproject
        commands = ci.RepoCommands(
            module=self.plan.module,
            python_version=answers["python_version"],
            branch=ci.current_branch(self.plan.root),
            # With no pyproject.toml adopt adds the template's, which builds src/<module>.
            installable=data is None or "build-system" in data or self.found.has("setup.py"),
            requirements=tuple(self.found.requirements),
            kit_pins=ci.kit_pins((self.bake / "pyproject.toml").read_text(encoding="utf-8")),
        )
        if answers["ci"] == "gitlab":
            self.create(".gitlab-ci.yml", ci.gitlab_ci(commands))
        else:
            self.create(".github/workflows/ci.yml", ci.github_workflow(commands))

    def conftest(self) -> None:
        path = self.plan.root / "tests" / "conftest.py"
        template_conftest = (self.bake / "tests/conftest.py").read_text(encoding="utf-8")
        try:
            pieces = conftest_pieces(template_conftest)
        except ValueError as error:
            raise UsageError(
                f"the bundled template is broken: {error}; reinstall mlops-kit", 1
            ) from None
        before = read_bytes(path)
        if before is None and not path.is_symlink():
            imports = "\n\n".join(filter(None, (pieces.imports, pieces.assignments)))
            text = CONFTEST_NEW.format(
                imports=imports, helper=pieces.helper, fixture=CONFTEST_FIXTURE
            )
            self.plan.changes.append(FileChange(path, None, text.encode()))
            return
        if path.is_symlink() or before is None:
            self.plan.conflicts.append("tests/conftest.py is not a plain file")
            return
        if re.search(rb"^[ \t]*+def cfg\(", before, re.MULTILINE):
            self.plan.kept.append("tests/conftest.py (has a cfg fixture)")
            return
        self.plan.changes.append(
            FileChange(
                path, before, extended_conftest(before, pieces).encode("utf-8", "surrogateescape")
            )
        )


def extended_conftest(before: bytes, pieces: ConftestPieces) -> str:
    """Return the team's conftest.py with the `cfg` fixture and what it needs added.

    The imports it lacks go right after the file's own leading imports (an import below
    code is refused by linters, E402; a name imported twice is too, F811), the helper and
    the fixture at the end; the team's lines are kept as they were, in their order.
    """
    text = before.decode("utf-8", errors="surrogateescape")
    lines = io.StringIO(text, newline="").readlines()  # the lines Python numbers
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n"
    leading = _leading_imports(text)
    cut, bound = leading if leading is not None else (len(lines), set[str]())
    imports = _imports_not_bound(pieces.imports, bound)
    added = [f"\n{imports}\n" if cut else f"{imports}\n"] if imports else []
    if added and cut < len(lines) and lines[cut].strip():
        added.append("\n")
    names = f"\n\n{pieces.assignments}\n" if pieces.assignments else ""
    return "".join([*lines[:cut], *added, *lines[cut:]]) + (
        f"{names}\n\n{pieces.helper}\n\n\n{CONFTEST_FIXTURE}"
    )


def _leading_imports(source: str) -> tuple[int, set[str]] | None:
    """Return the line after the docstring and leading imports, and the names they bind.

    None when Python cannot parse the file.
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    end, bound = 0, set[str]()
    for index, node in enumerate(tree.body):
        if isinstance(node, ast.Import | ast.ImportFrom):
            bound |= {_bound_name(alias) for alias in node.names}
        elif not (index == 0 and isinstance(node, ast.Expr)):  # not the docstring
            break
        end = node.end_lineno or node.lineno
    return end, bound


def _bound_name(alias: ast.alias) -> str:
    return alias.asname or alias.name.split(".")[0]


def _imports_not_bound(imports: str, bound: set[str]) -> str:
    """Return the import statements of `imports` minus the names `bound` already holds."""
    kept = []
    for node in ast.parse(imports).body:
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        names = [alias for alias in node.names if _bound_name(alias) not in bound]
        if len(names) == len(node.names):
            kept.append(ast.get_source_segment(imports, node) or "")
        elif names:
            node.names = names
            kept.append(ast.unparse(node))
    return "\n".join(kept)


def _names(node: ast.AST) -> set[str]:
    return {child.id for child in ast.walk(node) if isinstance(child, ast.Name)}


class ConftestPieces(NamedTuple):
    """What the adopted `cfg` fixture needs from the template's conftest.py."""

    imports: str
    assignments: str  # module-level names the helper uses (PROJECT_ROOT...), may be empty
    helper: str


def conftest_pieces(template_conftest: str) -> ConftestPieces:
    """Return the imports, names and config helper the adopted `cfg` fixture needs.

    Both are read from the baked template's tests/conftest.py: its `config_under`
    function, the module-level names that function uses (PROJECT_ROOT...) and the imports
    those and the fixture need (not `__future__` ones), in the template's order and
    groups, so an adopted project's fixture moves files exactly as a baked project's does.

    Raises:
        ValueError: the template's conftest.py has no such helper.

    """
    tree = ast.parse(template_conftest)
    helper = next(
        (
            node
            for node in tree.body
            if isinstance(node, ast.FunctionDef) and node.name == CONFIG_HELPER
        ),
        None,
    )
    if helper is None:
        raise ValueError(f"tests/conftest.py has no {CONFIG_HELPER}()")
    needed = _names(helper) | _names(ast.parse(CONFTEST_FIXTURE))
    kept: list[ast.stmt] = []
    for node in reversed(tree.body):  # an assignment may use names imported above it
        if isinstance(node, ast.Assign):
            targets = {t.id for t in node.targets if isinstance(t, ast.Name)}
            if targets & needed:
                kept.append(node)
                needed |= _names(node.value)
    imports: list[ast.stmt] = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue  # only at the top of a file: CONFTEST_NEW has it
        if isinstance(node, ast.Import | ast.ImportFrom):
            bound = {(alias.asname or alias.name).split(".")[0] for alias in node.names}
            if bound & needed:
                imports.append(node)
    block = _keeping_groups(template_conftest, imports)
    assignments = [ast.get_source_segment(template_conftest, node) or "" for node in reversed(kept)]
    return ConftestPieces(
        block, "\n".join(assignments), ast.get_source_segment(template_conftest, helper) or ""
    )


def _keeping_groups(source: str, imports: list[ast.stmt]) -> str:
    """Join import statements of `source`, blank lines between them where it had one."""
    lines = source.splitlines()
    block = ""
    previous: ast.stmt | None = None
    for node in imports:
        if previous is not None:
            between = lines[previous.end_lineno or previous.lineno : node.lineno - 1]
            block += "\n\n" if any(not line.strip() for line in between) else "\n"
        block += ast.get_source_segment(source, node) or ""
        previous = node
    return block


def repository_root(start: Path) -> Path:
    """Return the repository that holds `start`.

    That is the nearest folder at or above it with pyproject.toml or dvc.yaml, not above
    the git work tree's top (else that top, else `start`).
    """
    start = start.resolve()
    if not start.is_dir():
        raise UsageError(f"{start} is not a folder; pass the repository with --repo")
    for folder in [start, *start.parents]:
        if (folder / "pyproject.toml").is_file() or (folder / "dvc.yaml").is_file():
            return folder
        if (folder / ".git").exists():
            return folder
    return start


def plan_adopt(start: Path, sets: list[str], *, dry_run: bool = False) -> AdoptPlan:
    """Work out every file adopt adds to the repository at `start`.

    An edit a killed run left half done is settled first (under the lock), so the plan
    reads the repository as it was before that run or after it, never half-way; a dry
    run refuses instead (it writes nothing).
    """
    from mlops_kit.edits import settle_interrupted
    from mlops_kit.new import parse_assignments, questions
    from mlops_kit.template import template_dir

    root = repository_root(start)
    settle_interrupted(root, dry_run=dry_run)
    found = detect(root)
    answers = {**found.answers, **parse_assignments(sets, list(questions(template_dir())))}
    with tempfile.TemporaryDirectory(prefix="mlops-kit-adopt-") as temp:
        try:
            bake, full = _bake(answers, Path(temp))
        except UsageError as error:
            raise UsageError(
                f"{error} (answers detected from the repository; correct them with --set KEY=VALUE)"
            ) from None
        module = full["module_name"]
        plan = AdoptPlan(root=root, module=module)
        planner = _Planner(found, bake, plan)
        planner.pyproject()
        package = f"src/{module}"
        if not found.has(f"{package}/__init__.py"):
            planner.from_bake(f"{package}/__init__.py")
        if not found.has(f"{package}/stages/__init__.py"):
            planner.from_bake(f"{package}/stages/__init__.py")
        for piece in ("config.py", "runner.py", "files.py"):
            planner.from_bake(f"{package}/{piece}", owned=True)
        if found.has("conf/config.yaml"):
            plan.kept.append("conf/config.yaml")
        else:
            planner.create("conf/config.yaml", _params_as_config(root, module))
        snapshot = f"# The snapshot of conf/ that DVC tracks: python -m {module}.config\n"
        planner.create("params.yaml", snapshot.encode())
        planner.create("dvc.yaml", EMPTY_DVC_YAML)
        planner.create("data/catalog.yaml", EMPTY_CATALOG)
        planner.conftest()
        for piece in (".pre-commit-config.yaml", ".gitignore", ".dvcignore"):
            planner.from_bake(piece)
        # The baked hooks run their tools through this launcher (it finds the project's .venv).
        if (bake / HOOK_LAUNCHER).is_file():
            planner.from_bake(HOOK_LAUNCHER)
        if not found.has(".dvc"):
            planner.from_bake(".dvc/config")
            planner.from_bake(".dvc/.gitignore")
        if not found.ci and full["ci"] in ("github", "gitlab"):
            planner.ci(full)
    return plan
