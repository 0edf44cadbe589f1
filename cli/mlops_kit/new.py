"""Bake the bundled template: collect and validate answers, then let cookiecutter render.

Answers are validated by the template's own pre-generation hook module (one set of rules
for `cookiecutter` and `mlops-kit new`) before any directory exists. A failed bake removes
exactly the directories this call created.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

from mlops_kit.errors import UsageError
from mlops_kit.template import template_dir

GENERATION_FAILED = 1


def parse_assignments(pairs: Sequence[str], known: Sequence[str]) -> dict[str, str]:
    """Turn `key=value` arguments into a dict, refusing unknown or malformed keys."""
    answers: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"answer {pair!r} is not KEY=VALUE; e.g. project_name='Churn Model'")
        if key not in known:
            raise UsageError(f"unknown question {key!r}; known: {', '.join(known)}")
        answers[key] = value
    return answers


def jinja_literal(value: str) -> str:
    """Return a Jinja expression that renders to exactly `value`.

    Cookiecutter renders every answer given as extra context as a template; an answer
    holding `{{` would otherwise be evaluated instead of kept.
    """
    if "{" not in value:
        return value
    return "{{ " + json.dumps(value, ensure_ascii=False) + " }}"


@contextmanager
def _importable(directory: Path) -> Iterator[None]:
    """Put the template folder on sys.path so cookiecutter can load its extensions."""
    sys.path.insert(0, str(directory))
    try:
        yield
    finally:
        sys.path.remove(str(directory))


def load_validator(template: Path) -> ModuleType:
    """Import the template's pre-generation hook module, which holds `validate()`."""
    path = template / "hooks" / "pre_gen_project.py"
    spec = importlib.util.spec_from_file_location("mlops_kit_template_validator", path)
    if spec is None or spec.loader is None:
        raise UsageError(f"template hook {path} cannot be loaded; reinstall mlops-kit", 1)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def questions(template: Path) -> dict[str, Any]:
    """Return the template's questions and defaults (private `_` keys left out)."""
    path = template / "cookiecutter.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UsageError(f"{path} cannot be read as JSON: {error}", 1) from None
    if not isinstance(data, dict):
        raise UsageError(f"{path} is not a JSON object of questions", 1)
    return {k: v for k, v in data.items() if not k.startswith("_")}


# Answers whose defaults are derived from earlier answers (slug from name, module from slug).
DERIVED = ("project_slug", "module_name")


def ask_each(
    context: dict[str, Any], validator: ModuleType, given: Mapping[str, str]
) -> dict[str, Any]:
    """Ask every question in order, checking each answer as it is typed.

    An answer the template's validator refuses is reported (naming that answer) and asked
    again; an answer is checked with the defaults the later questions would take, so a
    project name whose derived folder name is unusable is refused at the name.
    """
    from cookiecutter.prompt import (
        prompt_choice_for_config,
        read_user_variable,
        render_variable,
    )
    from cookiecutter.utils import create_env_with_context
    from rich.console import Console

    console = Console(stderr=True, highlight=False)
    env = create_env_with_context(context)
    raw_questions: dict[str, Any] = context["cookiecutter"]
    prompts = raw_questions.pop("__prompts__", {})
    visible = [key for key in raw_questions if not key.startswith("_")]
    answers: dict[str, Any] = {}
    for key, raw in raw_questions.items():
        if key.startswith("_"):
            answers[key] = raw if not key.startswith("__") else render_variable(env, raw, answers)
            continue
        prefix = f"  [dim][{visible.index(key) + 1}/{len(visible)}][/] "
        while True:
            if isinstance(raw, list):
                value = prompt_choice_for_config(answers, env, key, raw, False, prompts, prefix)
            else:
                value = read_user_variable(key, render_variable(env, raw, answers), prompts, prefix)
            answers[key] = value
            later = _later_defaults(env, raw_questions, answers, render_variable)
            derived = {k for k in DERIVED if k in later and k not in given}
            problems = validator.problems_by_answer({**later, **answers}, derived).get(key, [])
            if not problems:
                break
            for problem in problems:
                console.print(f"[bold red]Error:[/] {problem}", markup=True, soft_wrap=True)
    return answers


def _later_defaults(
    env: Any, raw_questions: Mapping[str, Any], answers: Mapping[str, Any], render: Any
) -> dict[str, Any]:
    """Render the defaults of the questions not asked yet from the answers so far."""
    later: dict[str, Any] = {}
    for key, raw in raw_questions.items():
        if key.startswith("_") or key in answers:
            continue
        value = raw[0] if isinstance(raw, list) else raw
        later[key] = render(env, value, {**answers, **later})
    return later


def collect_answers(
    template: Path,
    given: Mapping[str, str],
    no_input: bool,
    validator: ModuleType | None = None,
) -> dict[str, Any]:
    """Prompt (or take defaults) for every question not answered in `given`.

    Asked interactively, each answer is checked by the template's validator as it is typed.
    """
    from cookiecutter.config import get_user_config
    from cookiecutter.generate import generate_context
    from cookiecutter.prompt import prompt_for_config

    known = questions(template)
    for key, value in given.items():
        choices = known[key]
        if isinstance(choices, list) and value not in choices:
            raise UsageError(f"{key} {value!r} is not one of {', '.join(choices)}; pick one")
    from cookiecutter.exceptions import CookiecutterException

    try:
        config = get_user_config()
        if not isinstance(config.get("default_context"), dict):
            raise UsageError(
                "the cookiecutter config (COOKIECUTTER_CONFIG or ~/.cookiecutterrc): "
                "default_context must be a mapping of answers; fix or unset it"
            )
        with _importable(template):
            context = generate_context(
                context_file=str(template / "cookiecutter.json"),
                default_context=config["default_context"],
                extra_context={key: jinja_literal(value) for key, value in given.items()},
            )
            if no_input:
                answers = prompt_for_config(context, no_input)
            else:
                checker = validator if validator is not None else load_validator(template)
                answers = ask_each(context, checker, given)
    except (CookiecutterException, ValueError) as error:
        raise UsageError(
            f"the answers cannot be worked out: {' '.join(str(error).split())}"
        ) from None
    return {key: value for key, value in answers.items() if not key.startswith("_")}


def _first_missing(path: Path) -> Path | None:
    """Return the outermost ancestor of `path` (or `path`) that does not exist yet."""
    missing = None
    for candidate in [path, *path.parents]:
        if candidate.exists() or candidate.is_symlink():
            break
        missing = candidate
    return missing


BAKING_SUFFIX = ".mlops-kit-baking"


def _marker_for(created: Path) -> Path:
    """Return the marker that says `created` is a bake in progress (or a killed one)."""
    return created.parent / f".{created.name}{BAKING_SUFFIX}"


def _pid_alive(pid: int) -> bool:
    if pid <= 0 or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def clear_interrupted_bake(target: Path) -> Path | None:
    """Remove what a killed `mlops-kit new` left on the way to `target`; return it.

    A bake writes `.<folder>.mlops-kit-baking` next to the first folder it creates before
    rendering and removes it at the end, so a marker found later means that folder is
    half-made. A marker whose baker still runs is refused ("busy").

    Raises:
        UsageError: another bake of the same folder is still running, or the leftover
            cannot be removed (the message says what to delete by hand).

    """
    for child in [target, *target.parents]:
        marker = _marker_for(child)
        if not marker.is_file() or marker.is_symlink():
            continue
        try:
            pid = int(marker.read_text(encoding="utf-8").split()[0])
        except (OSError, ValueError, IndexError):
            pid = 0
        if _pid_alive(pid):
            raise UsageError(
                f"busy: another mlops-kit new (pid {pid}) is creating {child}; wait for it",
                1,
            )
        try:
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            marker.unlink()
        except OSError as error:
            raise UsageError(
                f"{child} is a half-made project left by an interrupted mlops-kit new, and "
                f"it cannot be removed ({error.strerror}): delete {child} and {marker} "
                "by hand",
                1,
            ) from None
        return child
    return None


def _write_marker(created: Path) -> Path:
    marker = _marker_for(created)
    created.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(marker, flags, 0o644)
    try:
        os.write(fd, f"{os.getpid()}\n".encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    return marker


def render(
    template: Path,
    answers: Mapping[str, Any],
    output_dir: Path,
    notes: list[str] | None = None,
) -> Path:
    """Render the validated answers into `output_dir`; on any failure remove what was made.

    A marker file next to the first folder the bake creates lives exactly as long as the
    bake; the next `new` to the same place removes a half-made project a kill left.
    """
    from cookiecutter.main import cookiecutter

    # Cookiecutter logs a traceback when a hook fails; the one-line error below says it all.
    cookiecutter_log = logging.getLogger("cookiecutter")
    if not cookiecutter_log.handlers:
        cookiecutter_log.addHandler(logging.NullHandler())
    cookiecutter_log.propagate = False
    target = output_dir / str(answers["project_slug"])
    leftover = clear_interrupted_bake(target.absolute())
    if leftover is not None and notes is not None:
        notes.append(f"removed {leftover}, a half-made project an interrupted run left")
    if target.exists() or target.is_symlink():
        raise UsageError(f"{target} already exists; choose another --output-dir or project_slug")
    created = _first_missing(target.absolute())
    marker = None
    try:
        if created is not None:
            marker = _write_marker(created)
        with _importable(template), _scratch_tempdir():
            result = cookiecutter(
                str(template),
                no_input=True,
                extra_context={key: jinja_literal(str(v)) for key, v in answers.items()},
                output_dir=str(output_dir),
            )
    except BaseException as error:
        if created is not None and created.exists():
            shutil.rmtree(created, ignore_errors=True)
        if marker is not None:
            marker.unlink(missing_ok=True)
        if isinstance(error, KeyboardInterrupt):
            raise
        summary = " ".join(str(error).split()) or type(error).__name__
        raise UsageError(
            f"generation failed, nothing was left behind: {summary}", GENERATION_FAILED
        ) from None
    if marker is not None:
        marker.unlink(missing_ok=True)
    return Path(result)


@contextmanager
def _scratch_tempdir() -> Iterator[None]:
    """Give cookiecutter a temporary folder of its own for as long as it renders.

    Cookiecutter copies each rendered hook into the system's temporary folder and never
    removes the copy; pointed at a folder of its own, which goes afterwards, a bake leaves
    nothing behind in /tmp.
    """
    previous = tempfile.tempdir
    with tempfile.TemporaryDirectory(prefix="mlops-kit-bake-") as scratch:
        tempfile.tempdir = scratch
        try:
            yield
        finally:
            tempfile.tempdir = previous


def check_template(template: Path) -> Path:
    """Return `template` resolved, or refuse a folder that is not a cookiecutter template."""
    if not (template / "cookiecutter.json").is_file():
        raise UsageError(f"{template} holds no cookiecutter.json; give the template's folder")
    if not (template / "hooks" / "pre_gen_project.py").is_file():
        raise UsageError(
            f"{template} has no hooks/pre_gen_project.py; it is not an mlops-kit template"
        )
    return template.resolve()


def _refuse_nul(answers: Mapping[str, Any]) -> None:
    for key, value in answers.items():
        if isinstance(value, str) and "\0" in value:
            raise UsageError(f"answer {key!r} holds a NUL character; type it again without it")


def bake_new_project(
    pairs: Sequence[str],
    output_dir: Path,
    no_input: bool,
    template: Path | None = None,
    notes: list[str] | None = None,
) -> Path:
    """Collect, validate and render answers into a new project; return its folder."""
    template = template_dir() if template is None else check_template(template)
    given = parse_assignments(pairs, list(questions(template)))
    validator = load_validator(template)
    answers = collect_answers(template, given, no_input, validator)
    _refuse_nul(answers)
    # Values nobody typed were derived: their problems are the typed answer's to fix.
    derived = {key for key in DERIVED if key not in given} if no_input else set()
    problems = validator.validate(answers, derived)
    if problems:
        raise UsageError("; ".join(problems))
    project = render(template, answers, output_dir, notes)
    from mlops_kit.update.branch import record_first_bake

    record_first_bake(project)
    return project
