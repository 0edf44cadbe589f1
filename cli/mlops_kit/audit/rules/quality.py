# A rule's docstring starts with its title, a statement of the standard (not imperative).
# ruff: noqa: D401
"""Quality: pre-commit hooks, a test per stage, pytest configured, CI that runs it all."""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Callable, Iterator, Sequence
from functools import partial

from mlops_kit.audit import facts
from mlops_kit.audit.model import Finding
from mlops_kit.audit.needles import search
from mlops_kit.audit.parsing import python_tree
from mlops_kit.audit.profile import (
    REQUIREMENTS,
    RETIRED_CIRCLECI,
    TEACHING_FOLDERS,
    called_name,
    is_test_file,
    profile_of,
)
from mlops_kit.audit.repo import RepoView, normalise
from mlops_kit.audit.rule import rule
from mlops_kit.audit.rules.layout import is_text_name

PRE_COMMIT = facts.PRE_COMMIT


@rule("QUA101", family="quality", severity="error", applies=("pre-commit",))
def pre_commit_config_parses(repo: RepoView) -> Iterator[Finding]:
    """The pre-commit config parses.

    Why: pre-commit hooks catch lint, format, type and audit problems before they reach
    a commit, identically on every machine; a broken config runs none of them.
    Fix: correct `.pre-commit-config.yaml` at the reported line; it needs a `repos:` list.
    """
    parsed = repo.yaml(PRE_COMMIT)
    problem = facts.missing_or_broken(parsed, PRE_COMMIT)
    if problem is not None:
        yield problem
        return
    data = parsed.data if parsed is not None else None
    if not isinstance(data, dict) or not isinstance(data.get("repos"), list):
        yield Finding(".pre-commit-config.yaml has no `repos:` list", PRE_COMMIT)


_KINDS = {
    "lint": re.compile(r"\b(ruff(?!-format)(?![- ]format)|flake8|pylint|pyflakes|lint)\b"),
    "format": re.compile(r"\b(ruff-format|ruff format|black|yapf|autopep8|format|fmt)\b"),
    "type check": re.compile(r"\b(mypy|pyright|pytype|type-?check|typing)\b"),
}


def _hook_words(hook: dict[str, object]) -> str:
    return " ".join(str(hook.get(k, "")) for k in ("id", "entry", "name"))


@rule("QUA102", family="quality", severity="warning", requires=("QUA101",), applies=("pre-commit",))
def pre_commit_lint_format_types(repo: RepoView) -> Iterator[Finding]:
    """Pre-commit runs a linter, a formatter and a type checker.

    Why: these three catch most defects in pipeline code before review, and running them
    in the hook keeps every commit consistent.
    Fix: add hooks for `ruff check`, `ruff format` and `mypy` (as `repo: local`,
    `language: system` hooks they use the versions in your dev group).
    """
    words = [_hook_words(h) for h in facts.pre_commit_hooks(repo)]
    # A hook that calls a task runner (`entry: make`, `args: [lint]`) runs what the
    # runner's file runs.
    called = {str(h.get("entry", "")).split(" ", 1)[0] for h in facts.pre_commit_hooks(repo)}
    for word, names in facts.RUNNER_FILES:
        if word in called:
            words += [repo.text(name) or "" for name in names if name in repo.file_set]
    kit = profile_of(repo).kit
    missing = [
        kind
        for kind, pattern in _KINDS.items()
        if (kit or kind != "type check") and not any(pattern.search(w) for w in words)
    ]
    if missing:
        yield Finding(f"no {' or '.join(missing)} hook in .pre-commit-config.yaml", PRE_COMMIT)


@rule(
    "QUA103",
    family="quality",
    severity="warning",
    requires=("QUA101",),
    applies=("kit", "pre-commit"),
)
def pre_commit_runs_audit(repo: RepoView) -> Iterator[Finding]:
    """Pre-commit runs `mlops-kit audit`.

    Why: the audit in the commit hook stops a broken pipeline definition, a committed
    output or a leaked key before it is committed, not in review.
    Fix:

        - repo: local
          hooks:
            - id: mlops-kit-audit
              name: mlops-kit audit
              entry: mlops-kit audit
              language: system
              pass_filenames: false
    """
    for hook in facts.pre_commit_hooks(repo):
        if hook.get("id") == "mlops-kit-audit" or "mlops-kit audit" in str(hook.get("entry", "")):
            return
    yield Finding("no mlops-kit-audit hook in .pre-commit-config.yaml", PRE_COMMIT)


@rule(
    "QUA104",
    family="quality",
    severity="warning",
    requires=("DVC102",),
    applies=("dvc-pipeline", "tests"),
)
def test_per_stage(repo: RepoView) -> Iterator[Finding]:
    """Every pipeline stage's code is exercised by a test.

    Why: a stage is code that turns data into results; a test on tiny data catches a
    broken stage in seconds instead of after a long `dvc repro`.
    A stage whose command runs no file of the repository (`docker push`, `aws ecr
    get-login-password`) has no code of the project to test and is not reported; nor is a
    stage whose code strings together two or more of the project's own modules that
    tests import (`from src.features.streaks import add_streaks`, tested in
    `tests/test_streaks.py`), nor one whose script is only a command line around a
    project function the tests call (it defines nothing but `main`/`parse_args` and
    imports `generate_datasets` from the project's `preprocess` module). A stage run
    through a console script of the project (`poetry run favorita prepare`, the script
    named in `[project.scripts]`) or `python -m pkg.cli prepare` is judged by the modules
    its sub-command imports, not by the words of its command.
    Fix: add a test (`tests/test_<stage>.py`, or a case in an existing test module) that
    runs the stage's code on tiny data.
    """
    test_files = profile_of(repo).test_files
    tests = "\n".join([*test_files, *(repo.text(p) or "" for p in test_files)])
    for stage in facts.stages(repo) or []:
        if stage.generated or not _runs_project_code(repo, stage.commands):
            continue  # `docker push ...`: another tool's command, no code of the project
        if not _stage_tested(repo, stage, tests):
            yield Finding(
                f"stage {stage.name!r}: no test module mentions it or its code",
                facts.DVC_YAML,
                stage.line,
            )


def _stage_tested(repo: RepoView, stage: facts.Stage, tests: str) -> bool:
    """True when the tests exercise the code a stage runs (see QUA104)."""
    scripted = _console_script_modules(repo, stage.commands)
    if scripted:  # judged by the modules the script runs, not by words of the command
        if any(_imports(tests, module) for module in scripted):
            return True
        sources = [repo.text(p) for p in map(partial(_module_path, repo), scripted) if p]
        composed = {m for m in map(partial(_own_module, repo), scripted) if m is not None}
    else:
        names = {stage.name}
        codes = [c for c in map(facts.stage_code, stage.commands) if c is not None]
        names |= {c[1].rsplit("/", 1)[-1].removesuffix(".py").rsplit(".", 1)[-1] for c in codes}
        if any(_mentions(tests, name) for name in names):
            return True
        sources = [_stage_source(repo, stage.wdir, code) for code in codes]
        composed = set()
    composed |= {name for text in sources for name in _modules_it_composes(repo, text)}
    if sum(_mentions(tests, name) for name in composed) >= 2:
        return True  # it strings together modules the tests exercise
    wrapped = {name for text in sources for name in _functions_it_wraps(repo, text)}
    return any(_mentions(tests, name) for name in wrapped)  # a command line around them


def _mentions(tests: str, name: str) -> bool:
    # `test_train.py` mentions `train`: an underscore separates words here.
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(name)}(?![A-Za-z0-9])", tests) is not None


def _imports(tests: str, module: str) -> bool:
    found = re.search(rf"^[ \t]*+(?:from|import)[ \t]++{re.escape(module)}(?![\w.])", tests, re.M)
    return found is not None


def _console_script_modules(repo: RepoView, commands: Sequence[str]) -> list[str]:
    """Return the project modules a stage's console-script command runs (empty: none).

    `poetry run favorita prepare`, where the script `favorita` is the Typer app of
    `favorita_forecasting.cli`: the modules that the `prepare` command imports
    (`favorita_forecasting.features.pipeline`). `python -m pkg.cli prepare` likewise.
    """
    found: list[str] = []
    for command in commands:
        script = facts.console_script(repo, command) or _module_with_words(command)
        if script is not None:
            found += _subcommand_modules(repo, *script)
    return found


def _module_with_words(command: str) -> tuple[str, list[str]] | None:
    """`python -m pkg.cli prepare`: the module and the words after it (None: no words)."""
    code = facts.stage_code(command)
    if code is None or code[0] != "module":
        return None
    words = command.split()
    rest = words[words.index(code[1]) + 1 :] if code[1] in words else []
    return (code[1], rest) if rest and not rest[0].startswith("-") else None


def _module_path(repo: RepoView, module: str) -> str | None:
    candidates = [*facts.module_files(repo, module), *_package_inits(module)]
    return next((c for c in candidates if repo.is_file(c)), None)


def _package_inits(module: str) -> list[str]:
    base = module.replace(".", "/")
    return [f"src/{base}/__init__.py", f"{base}/__init__.py"]


def _subcommand_modules(repo: RepoView, module: str, words: list[str]) -> list[str]:
    """Return the modules that `module`'s command line imports to run `words`.

    The first word that is no option names the sub-command: a function of that name
    (`-` read as `_`) or one registered under it (`@app.command("prepare")`). Found, its
    imports are the code it runs; not found (or no words), the module itself is.
    """
    path = _module_path(repo, module)
    tree = python_tree(repo.text(path) if path else None)
    sub = next((w for w in words if not w.startswith("-")), None)
    if tree is None or sub is None:
        return [module] if path else []
    function = next((f for f in tree.body if _is_command(f, sub)), None)
    if function is None:
        return [module]
    used = {n.id for n in ast.walk(function) if isinstance(n, ast.Name)}
    imports = [n for n in ast.walk(function) if isinstance(n, ast.ImportFrom)]
    imports += [
        n
        for n in tree.body
        if isinstance(n, ast.ImportFrom) and {a.asname or a.name for a in n.names} & used
    ]
    found = [_absolute(module, n) for n in imports]
    return [m for m in found if m is not None and _module_path(repo, m)] or [module]


def _is_command(node: ast.stmt, sub: str) -> bool:
    """True for the function of sub-command `sub`: named so, or registered under the name."""
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    if node.name == sub.replace("-", "_"):
        return True
    for decorator in node.decorator_list:
        if isinstance(decorator, ast.Call):
            named = [*decorator.args[:1], *(k.value for k in decorator.keywords if k.arg == "name")]
            if any(isinstance(a, ast.Constant) and a.value == sub for a in named):
                return True
    return False


def _absolute(module: str, node: ast.ImportFrom) -> str | None:
    """The dotted name an import names, a relative one read from inside `module`."""
    if not node.level:
        return node.module
    parts = module.split(".")
    if node.level > len(parts):
        return None
    base = ".".join(parts[: len(parts) - node.level])
    return ".".join(p for p in (base, node.module) if p) or None


def _stage_source(repo: RepoView, wdir: str, code: tuple[str, str]) -> str | None:
    """Return the text of the module or script a stage's command runs (None: not found)."""
    kind, target = code
    if kind == "module":
        path = next((c for c in facts.module_files(repo, target) if repo.is_file(c)), None)
    else:
        path = normalise(posixpath.join(wdir, target))
    return repo.text(path) if path else None


def _modules_it_composes(repo: RepoView, text: str | None) -> set[str]:
    """Return the names of the repository's modules that a stage's code imports.

    A stage script that strings together functions of the project's own modules
    (`from src.features.streaks import add_streaks`) is tested where those are.
    Helpers every module shares (`utils`, `config`, `logs`) say nothing of the stage.
    """
    if not text:
        return set()
    found = (_own_module(repo, module) for module in _FROM_IMPORT.findall(text))
    return {name for name in found if name is not None}


def _own_module(repo: RepoView, module: str) -> str | None:
    """The last name of `module` when it is one of the repository's own, not a shared helper."""
    last = module.rsplit(".", 1)[-1]
    if last in _SHARED_HELPERS or last.startswith("_"):
        return None
    return last if any(repo.is_file(c) for c in facts.module_files(repo, module)) else None


# What a command-line wrapper defines beside the call it wraps.
_ENTRY_POINTS = frozenset({"main", "cli", "run", "parse_args", "_parse_args", "get_args",
                           "parse_arguments", "build_parser", "_build_parser"})  # fmt: skip


def _functions_it_wraps(repo: RepoView, text: str | None) -> set[str]:
    """Return the project functions a stage script only wraps in a command line.

    A script whose own code is an entry point (`main`, `parse_args`) and nothing that
    does work at import (imports, constants, `sys.path` edits, the `__main__` guard),
    and that imports `generate_datasets` from the project's own `preprocess` module, runs
    code that is tested wherever `generate_datasets` is. Any other function or class, or
    work done at module level, is stage code to test: then nothing is returned.
    """
    tree = python_tree(text)
    if tree is None:
        return set()
    wrapped: set[str] = set()
    entry_point = False
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
            node.name in _ENTRY_POINTS
        ):
            entry_point = True
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if _own_module(repo, node.module) is not None:
                names = {alias.name for alias in node.names}
                # `main`, `run`: a name too common for a test's mention of it to say much
                wrapped |= {n for n in names if len(n) > 4 and n not in _ENTRY_POINTS}
        elif not _inert(node):
            return set()
    return wrapped if entry_point else set()


# Calls a wrapper makes at import to find its files and its logger.
_SETUP_CALLS = frozenset({"Path", "str", "getLogger", "getenv", "join", "dirname", "abspath",
                          "resolve", "insert", "append", "basicConfig", "load_dotenv"})  # fmt: skip


def _inert(node: ast.stmt) -> bool:
    """Return True for a module-level statement that does no work of the stage."""
    if isinstance(node, ast.Import | ast.ImportFrom):
        return True
    if isinstance(node, ast.If):  # `if __name__ == "__main__":`
        test = node.test
        return (
            isinstance(test, ast.Compare)
            and isinstance(test.left, ast.Name)
            and test.left.id == "__name__"
        )
    if isinstance(node, ast.Expr | ast.Assign | ast.AnnAssign):
        value = node.value
        return value is None or all(
            called_name(call.func) in _SETUP_CALLS
            for call in ast.walk(value)
            if isinstance(call, ast.Call)
        )
    return False


_FROM_IMPORT = re.compile(r"^(?:from|import)[ \t]+([A-Za-z_][\w.]*)", re.MULTILINE)
_SHARED_HELPERS = frozenset(
    {"utils", "util", "helpers", "common", "config", "settings", "constants", "logs",
     "logger", "logging", "paths", "io", "src"}
)  # fmt: skip


def _runs_project_code(repo: RepoView, commands: Sequence[str]) -> bool:
    """True when a command runs Python code, a task runner, or a file of the repository."""
    for command in commands:
        if facts.stage_code(command) is not None or facts.console_script(repo, command):
            return True  # `python x.py`; `favorita prepare`, a console script of the project
        words = command.replace("\\", " ").split()
        if words and words[0].rsplit("/", 1)[-1] in _RUNNERS:
            return True  # `make train`, `uv run train`, `Rscript fit.R`: the project's code
        if any(word.strip("\"'").removeprefix("./") in repo.file_set for word in words):
            return True
    return not commands  # unknown: judge it as code


# Commands that run the project's own code through a task runner or interpreter.
_RUNNERS = frozenset(
    {"make", "just", "task", "invoke", "inv", "nox", "tox", "poetry", "uv", "pipenv", "pdm",
     "hatch", "conda", "Rscript", "R", "julia", "jupyter", "papermill", "mlflow", "kedro",
     "snakemake", "pytest", "bash", "sh", "zsh", "node", "java"}
)  # fmt: skip


@rule("QUA105", family="quality", severity="warning", applies=("kit", "tests"))
def pytest_configured(repo: RepoView) -> Iterator[Finding]:
    """Pytest is configured.

    Why: without `testpaths` and strict options, pytest may collect notebooks' helpers or
    data folders, and typos in markers pass silently.
    Fix:

        [tool.pytest.ini_options]
        testpaths = ["tests"]
        addopts = ["--strict-markers", "--strict-config"]
    """
    if isinstance(repo.pyproject.get("tool", {}).get("pytest"), dict):
        return
    if repo.is_file("pytest.ini") or repo.is_file(".pytest.ini") or repo.is_file("conftest.py"):
        return
    for name, marker in (("tox.ini", "[pytest]"), ("setup.cfg", "[tool:pytest]")):
        if marker in (repo.text(name) or ""):
            return
    yield Finding(
        "no [tool.pytest.ini_options] in pyproject.toml (nor pytest.ini)",
        "pyproject.toml" if "pyproject.toml" in repo.file_set else facts.ROOT,
    )


@rule("QUA106", family="quality", severity="error", applies=("ci",))
def ci_config_parses(repo: RepoView) -> Iterator[Finding]:
    """CI configuration parses.

    Why: a CI file with a YAML error silently runs nothing (or fails every pipeline) and
    is only noticed after the push. So does one that parses but is no pipeline: an empty
    file (no provider accepts one), or a GitHub workflow that is not a mapping or lacks
    `on:` (when it runs) or `jobs:` (what it runs); GitHub rejects it. Empty files are
    one finding together.
    Fix: correct the YAML at the reported line, or write the workflow (`on:` and `jobs:`)
    or delete the file.
    """
    empty: list[str] = []
    for path in facts.ci_files(repo):
        parsed = repo.yaml(path)
        if parsed is None:
            continue
        if not parsed.ok:
            yield Finding(f"{path}: {parsed.error}", path, parsed.line)
        elif parsed.data is None:
            empty.append(path)
        elif path.startswith(".github/workflows/"):
            if not isinstance(parsed.data, dict):
                yield Finding(f"{path} is not a workflow (not a mapping of keys)", path, 1)
                continue
            lacks = [f"`{key}:`" for key in ("on", "jobs") if key not in parsed.data]
            if lacks:
                yield Finding(f"{path} has no {' and no '.join(lacks)}: GitHub rejects it", path)
    if empty:
        # A workflow commented out line by line is empty to the CI service as well.
        commented = all((repo.text(path) or "").strip() for path in empty)
        what = (
            f"{empty[0]} is"
            if len(empty) == 1
            else f"{len(empty)} CI files ({', '.join(empty)}) are"
        )
        state = "empty (comments only)" if commented else "empty"
        yield Finding(f"{what} {state}: CI runs nothing", empty[0])


# What CI runs, read from its own text and the task runner files it can call (make, just,
# mise, tox, nox, invoke, poe, hatch, ...): a test or lint command in either counts.
_RUNS_TESTS = re.compile(
    r"\bpytest\b|\bunittest\b|\btox\b|\bnox\b|\bhatch\s+test\b|\bcoverage\s+run\b"
    r"|\b(?:make|just|task|poe|invoke|inv)\s+(?:[\w-]+\s+)?tests?\b|\bmise\s+(?:run\s+)?tests?\b"
    r"|\b(?:pixi|hatch|pdm|uv|poetry)\s+run\b[^\n]*\btests?\b"
    # a test module run directly: `python backend/test_routing.py`, `python -m tests.test_x`
    r"|\bpython[\d.]*+[ \t]++(?:-[\w-]++[ \t]++)*(?:[^\s;&|]*/)?"
    r"(?:test_\w*|\w+_tests?|tests?)\.py\b"
    r"|\bpython[\d.]*+[ \t]++-m[ \t]++(?:[\w.]*\.)?(?:test_\w*|\w+_tests?)\b"
)
_RUNS_AUDIT = re.compile(r"mlops-kit audit|\bmake\s+audit\b|mlops-kit(?:@|/)|pre-commit run")
_RUNS_LINT = re.compile(
    r"pre-commit(?:/action|\s+run)|\bprek\b|\blefthook\s+run\b|\bruff\b|flake8|pylint|\bblack\b|bandit"
    r"|\bpyflakes\b|\bcargo[ \t]++(?:clippy|fmt)\b|\bgolangci-lint\b|\beslint\b|\boxlint\b"
    r"|\bsemgrep\b|\bgithub/codeql-action/analyze\b"
    r"|\b(?:npm|yarn|pnpm|bun)[ \t]++(?:run[ \t]++)?lint\b"
    r"|\bmypy\b|\b(?:make|just|task|poe|invoke|inv|mise run|nox -s|tox -e)\s+(?:lint|check|style)\b"
)
# An action that lints or checks style (`uses: github/super-linter@v5`, the value on its
# own line), or a lint script CI runs by path (`scripts/lint.sh`): a path at the start of
# the text or of a line. Kept apart from `_RUNS_LINT`, whose branches all start with a
# word, so that one is tried only where its words occur; this one is searched from the
# line breaks (a literal start), not tried at every character.
_LINT_PATH = re.compile(r"\A[\w.-]++/[\w./-]*?(?:lint|style)")
_LINT_PATH_AFTER_BREAK = re.compile(r"\n[\w.-]++/[\w./-]*?(?:lint|style)")


def _runs_tests(text: str) -> bool:
    return search(_RUNS_TESTS, text) is not None


def _runs_lint(text: str) -> bool:
    return (
        search(_RUNS_LINT, text) is not None
        or _LINT_PATH.match(text) is not None
        or _LINT_PATH_AFTER_BREAK.search(text) is not None
    )


def _ci_check(repo: RepoView, runs: Callable[[str], bool], what: str) -> Iterator[Finding]:
    files = list(profile_of(repo).ci_files)
    if what.startswith("the linters") and "ci" in (repo.data(PRE_COMMIT) or {}):
        return  # pre-commit.ci runs the hooks on every push (`ci:` in the config)
    if facts.ci_runs_elsewhere(repo):
        return  # a reusable workflow or included configuration the audit cannot read
    if files and not runs(facts.task_text(repo)):
        yield Finding(f"CI ({', '.join(files)}) never runs {what}", files[0])


@rule("QUA107", family="quality", severity="warning", requires=("QUA106",), applies=("ci", "tests"))
def ci_runs_tests(repo: RepoView) -> Iterator[Finding]:
    """CI runs the tests.

    Why: tests that only run on laptops stop being run; CI is what keeps main green.
    Tests that are course material (under `labs/`, `exercises/`, ...) are run by the
    participants, not by CI. A step that runs a test module itself (`python
    tests/test_api.py`, `python -m tests.test_api`) runs the tests. Scripts CI runs are
    read, a name built from a variable included (`sh scripts/launch_${SERVICE}_tests.sh`
    reads every script that fits). Files a GitLab `include: local:` names are read; CI
    that calls a reusable workflow of another repository or includes configuration kept
    elsewhere (another project, a URL, a template) is not judged: what it runs is not in
    the repository (QUA109 likewise).
    CI that runs pytest only with its failures thrown away (`pytest || true`, a step
    marked `continue-on-error: true`) is reported as well: the build stays green whatever
    the tests say.
    Test-named modules that hold no test (an evaluation script `test.py`) give CI nothing
    to run: LAY104 reports them.
    Fix: add a step that runs `pytest` (GitHub: a `run: pytest` step; GitLab: a job whose
    `script` runs `pytest`), and let its failure fail the build.
    """
    if all(TEACHING_FOLDERS.search(path) for path in profile_of(repo).test_files):
        return  # no test (LAY104's), or a course's exercises only
    missing = list(_ci_check(repo, _runs_tests, "pytest"))
    yield from missing
    ignored = None if missing else _ignored_test_runs(repo)
    if ignored is not None:
        path, line = ignored
        yield Finding(
            "CI runs pytest but ignores its failures (`|| true`, `continue-on-error`): "
            "a failing test never fails the build",
            path,
            line,
        )


# A command whose failure the shell throws away: `pytest || true`, `|| exit 0`, `|| echo`.
_SWALLOWED = re.compile(r"\|\|[ \t]*+(?:true\b|:(?=[ \t]|$)|exit[ \t]++0\b|echo\b)")
_CONTINUES = re.compile(r"^[ \t]*+continue-on-error[ \t]*+:[ \t]*+true\b", re.MULTILINE)


def _ignored_test_runs(repo: RepoView) -> tuple[str, int] | None:
    """The first pytest command of the CI files, when every one of them ignores failures.

    A command is a line with its continuation lines (a trailing backslash); one whose
    failure `|| true` swallows, or that sits in a GitHub step marked
    `continue-on-error: true`, is ignored. None when any pytest command counts.
    """
    ignored: list[tuple[str, int]] = []
    for path in profile_of(repo).ci_files:
        text = repo.text(path) or ""
        if "pytest" not in text:
            continue
        lines = text.splitlines()
        for number, command in facts.logical_lines(lines):
            if "pytest" not in command or command.lstrip().startswith("#"):
                continue
            if re.search(r"\b(?:install|add)\b", command.split("pytest", 1)[0]):
                continue  # `pip install pytest`: installs the tool, runs nothing
            if _SWALLOWED.search(command) or _in_continuing_step(lines, number):
                ignored.append((path, number))
            else:
                return None
    return ignored[0] if ignored else None


def _in_continuing_step(lines: list[str], number: int) -> bool:
    """True when line `number` belongs to a GitHub step marked `continue-on-error: true`."""
    start = number - 1
    while start > 0 and not lines[start].lstrip().startswith("- "):
        start -= 1
    indent = len(lines[start]) - len(lines[start].lstrip())
    end = number
    while end < len(lines):
        stripped = lines[end].lstrip()
        if stripped and len(lines[end]) - len(stripped) <= indent:
            break
        end += 1
    return _CONTINUES.search("\n".join(lines[start:end])) is not None


@rule("QUA108", family="quality", severity="warning", requires=("QUA106",), applies=("kit", "ci"))
def ci_runs_audit(repo: RepoView) -> Iterator[Finding]:
    """CI runs `mlops-kit audit`.

    Why: pre-commit hooks can be skipped; the audit in CI is what guarantees that main
    meets the standard.
    Fix: a step `run: mlops-kit audit --format github` (or the kit's GitHub action, or
    `pre-commit run --all-files` when pre-commit runs the audit).
    """
    files = list(profile_of(repo).ci_files)
    if files and not search(_RUNS_AUDIT, facts.ci_text(repo)):
        yield Finding(f"CI ({', '.join(files)}) never runs mlops-kit audit", files[0])


@rule("QUA109", family="quality", severity="info", requires=("QUA106",), applies=("ci", "code"))
def ci_runs_lint(repo: RepoView) -> Iterator[Finding]:
    """CI runs the linters.

    Why: lint and type errors that reach main slow everyone down; CI is the backstop for
    commits made without the hooks.
    An action that lints or checks the style (`uses: github/super-linter@v5`,
    `uses: org/check-python-style@main`) counts, and so does the linter of the other
    language of a mixed repository (`cargo clippy`, `cargo fmt --check`, `golangci-lint`,
    `eslint`, `bun run lint`) or a static analyser (`semgrep`, CodeQL's
    `github/codeql-action/analyze`): CI lints what the team
    chose to lint.
    A repository that configures, declares and runs no linter (no `[tool.ruff]`,
    `.flake8`, `black` in a requirements file, `lint:` recipe) gives CI none to run: not
    reported.
    Fix: a step `run: pre-commit run --all-files` (or `ruff check .` and `mypy`).
    """
    if facts.configured_linters(repo) or profile_of(repo).kit:
        yield from _ci_check(repo, _runs_lint, "the linters (pre-commit or ruff)")


@rule("QUA110", family="quality", severity="warning", applies=("code", "maintained"))
def ci_present(repo: RepoView) -> Iterator[Finding]:
    """The project has continuous integration.

    Why: without CI, tests, linters and the pipeline run only when someone remembers to,
    on their own machine; main breaks silently and a pull request shows no evidence.
    Google Cloud Build configs count wherever they are (`cloudbuild.yaml`, or a YAML file
    whose top-level `steps:` run in builder images: `name: gcr.io/cloud-builders/docker`).
    Not asked of a repository whose README opens by calling it an example, a sample, a
    toy or study work (practice code, coursework, a thesis: the profile's
    `demonstration`), nor of one that has no test: CI would have
    nothing to run but the linters, which git hooks run as well (QUA112), and the
    missing tests are LAY104's finding. A `test_*.py` script run by hand (a `__main__`
    block, prints of what a local server answers, no assertion) is no test.
    Fix: add `.github/workflows/ci.yml` (GitHub) or `.gitlab-ci.yml` (GitLab) that
    installs the project and runs `pytest` and `pre-commit run --all-files`.
    """
    profile = profile_of(repo)
    if profile.ci or profile.misplaced_ci:
        return
    tests = facts.checked_test_files(repo)
    if not (tests or profile.kit):
        return  # no test for CI to run (LAY104's finding)
    answers = repo.pyproject.get("tool", {}).get("mlops-kit", {}).get("answers")
    if profile.kit and isinstance(answers, dict) and answers.get("ci") == "none":
        return  # baked without CI on purpose
    runs = f": nothing runs the {len(tests)} test file(s) on each push" if tests else ""
    yield Finding(f"no CI configuration (GitHub Actions, GitLab CI, ...){runs}", facts.ROOT)


@rule("QUA111", family="quality", severity="error")
def ci_files_in_place(repo: RepoView) -> Iterator[Finding]:
    """CI files are where the CI service reads them.

    Why: GitHub only runs workflows in `.github/workflows/` (with the dot, no
    sub-folders) and GitLab only reads `.gitlab-ci.yml`; a workflow in `github/workflows/`
    or `.github/workflow/` looks like CI in review but never runs. A local action
    (`action.yml`/`action.yaml` anywhere, or a folder a workflow names in `uses: ./...`)
    is not a workflow: it is never reported; nor is a YAML file that declares neither
    `on:` nor `jobs:` (a task runner's `Taskfile.yml` in a sub-folder beside the workflows).
    A root `circle.yml` is CircleCI 1.0's format, which CircleCI stopped running in 2018:
    later versions read `.circleci/config.yml` only.
    Fix: move the file, e.g. `git mv github/workflows/ci.yml .github/workflows/ci.yml`;
    rewrite a `circle.yml` as `.circleci/config.yml` (`version: 2.1`, jobs and workflows).
    """
    for path in profile_of(repo).misplaced_ci:
        if path == RETIRED_CIRCLECI:
            yield Finding(
                f"{path} is CircleCI 1.0 configuration, which CircleCI no longer runs"
                " (2.0 and later read .circleci/config.yml)",
                path,
            )
        else:
            yield Finding(f"{path} is not read by any CI service (misplaced)", path)


@rule("QUA112", family="quality", severity="info", applies=("code",))
def git_hooks_managed(repo: RepoView) -> Iterator[Finding]:
    """Git hooks are managed by a hook manager (pre-commit, lefthook, husky, autohooks).

    Hook scripts the project commits itself (`.githooks/pre-commit`, `hooks/pre-commit`)
    count as managed hooks.

    Why: hooks run linters, formatters and checks on every commit, identically on every
    machine; without them the same problems reach review again and again.
    A repository that configures no linter or formatter (see QUA109) gives hooks nothing
    to run: not reported.
    Fix: add `.pre-commit-config.yaml` with the project's linters (`ruff`, `ruff-format`,
    `mypy`), then `pre-commit install`.
    """
    profile = profile_of(repo)
    linters = facts.configured_linters(repo)
    if not profile.hook_managers and (linters or profile.kit):
        named = f" runs {', '.join(linters)} on commit" if linters else ""
        yield Finding(
            f"no git hook manager{named} (.pre-commit-config.yaml, lefthook.yml, .husky/)"
        )


@rule("QUA113", family="quality", severity="error")
def no_merge_conflicts(repo: RepoView) -> Iterator[Finding]:
    """No unresolved merge conflicts in committed code and configuration.

    Why: a file committed with git's conflict markers (`<<<<<<< HEAD`, `=======`,
    `>>>>>>> branch`) holds both sides of a merge: Python will not import it, YAML and
    JSON will not parse, pip will not install the requirements, and the build breaks for
    everyone who pulls. pre-commit's `check-merge-conflict` hook stops such commits.
    Read: code, configuration, requirements files and notebooks, all three markers in
    order, each at a line start. Not read: prose (Markdown, reST, plain text but
    requirements), which explains conflicts with the same markers, and tests, whose
    fixtures may hold them on purpose.
    Fix: open the file, keep the right side of each conflict and delete the marker lines,
    then commit; add `check-merge-conflict` (pre-commit-hooks) to catch the next one.
    """
    for path in repo.files:
        if not _conflict_candidate(repo, path):
            continue
        text = repo.text(path)
        line = None if text is None else conflict_line(text)
        if line is not None:
            yield Finding(
                "unresolved merge conflict: both sides and git's markers "
                "(`<<<<<<<`, `=======`, `>>>>>>>`) were committed",
                path,
                line,
            )


# Files that explain conflicts rather than hold them; requirements files end in .txt too.
_PROSE = (".md", ".rst", ".txt", ".html", ".tex", ".adoc")
CONFLICT_SCAN_LIMIT = 1024 * 1024  # bytes; larger files are data


def _conflict_candidate(repo: RepoView, path: str) -> bool:
    if not is_text_name(path) or path in repo.listing.symlinks or path in repo.listing.special:
        return False
    if path.endswith(_PROSE) and REQUIREMENTS.search(path) is None:
        return False
    if is_test_file(path):
        return False
    info = repo.lstat(path)
    return info is not None and info.st_size <= CONFLICT_SCAN_LIMIT


def _marker(line: str, character: str) -> bool:
    """Return True for a conflict marker line: seven `character`s, then the end or a blank."""
    return line.startswith(character * 7) and (len(line) == 7 or line[7] in " \t\r")


def conflict_line(text: str) -> int | None:
    """Return the line of the first conflict's `<<<<<<<`, if `text` holds a whole conflict.

    A conflict is `<<<<<<<`, a line `=======` (after a diff3 `|||||||` part or none), then
    `>>>>>>>`, with no other `<<<<<<<` between. Each line is looked at most twice.
    """
    if not (text.startswith("<<<<<<<") or "\n<<<<<<<" in text):
        return None
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        if not _marker(lines[index], "<"):
            index += 1
            continue
        divided = False
        after = index + 1
        while after < len(lines):
            line = lines[after]
            if _marker(line, "<"):
                break
            if not divided and line.rstrip() == "=======":
                divided = True
            elif divided and _marker(line, ">"):
                return index + 1
            after += 1
        index = after
    return None
