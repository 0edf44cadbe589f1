"""Generated projects for add-stage and remove-stage: shapes, names and symlink layouts.

Whatever hypothesis builds, the commands end with exit 0, 1 or 2 and at most one `Error:`
line (never a traceback), write nothing outside the project, never replace or retarget a
link, and add-stage followed by remove-stage gives back every file byte for byte.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mlops_kit.app import app
from stages.fixture_project import copy_fixture_project
from typer.testing import CliRunner, Result

LOCK = ".mlops-kit.lock"
runner = CliRunner()

NAMES = st.sampled_from(["featurize", "score", "clean", "split", "report", "x1", "a_b"])
SEGMENT = st.sampled_from(["data", "reports", "models", "out", "sub", "features", "raw"])
FILE = st.sampled_from(["table.csv", "summary.csv", "m.json", "model.pkl", "notes.md"])
WDIRS = st.sampled_from([None, ".", "data", "reports", "sub/deeper", "data/../data"])
PROPERTY_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)


@st.composite
def stage_paths(draw: st.DrawFn) -> str:
    parts = draw(st.lists(SEGMENT, min_size=0, max_size=2))
    return "/".join([*parts, draw(FILE)])


@st.composite
def extra_stages(draw: st.DrawFn) -> str:
    """Stages appended to the fixture's dvc.yaml, in varied but valid layouts."""
    indent = draw(st.sampled_from([2, 4]))
    dash = draw(st.sampled_from([0, indent]))
    blank = draw(st.booleans())
    blocks = []
    for name in draw(st.lists(NAMES, max_size=3, unique=True)):
        pad = " " * indent
        lines = [f"{pad}{name}:", f"{pad * 2}cmd: python -m demo.stages.{name}"]
        wdir = draw(WDIRS)
        if wdir is not None:
            lines.append(f"{pad * 2}wdir: {wdir}")
        for key in ("deps", "outs"):
            paths = draw(st.lists(stage_paths(), max_size=3, unique=True))
            if paths:
                lines.append(f"{pad * 2}{key}:")
                lines += [f"{pad * 2}{' ' * dash}- {path}" for path in paths]
        if draw(st.booleans()):
            lines.insert(0, f"{pad}# the {name} stage")
        blocks.append("\n".join(lines))
    if not blocks:
        return ""
    return ("\n\n" if blank else "\n").join(blocks) + "\n"


SCALARS = st.one_of(
    st.integers(-(10**6), 10**6),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(st.characters(codec="ascii", categories=["L", "N"]), max_size=8),
)


@st.composite
def params_sections(draw: st.DrawFn) -> str:
    """Extra top-level params.yaml sections of plain nested values."""
    lines = []
    for key in draw(st.lists(st.sampled_from(["model", "extra", "eval", "seed"]), unique=True)):
        value = draw(SCALARS)
        if draw(st.booleans()):
            lines.append(f"{key}:")
            for inner in draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, unique=True)):
                lines.append(f"  {inner}: {draw(SCALARS)!r}")
        else:
            lines.append(f"{key}: {value!r}")
    return "\n".join(lines) + ("\n" if lines else "")


@contextmanager
def scratch() -> Iterator[tuple[Path, Path]]:
    """A fresh copy of the fixture project, and a folder beside it that must stay as it is."""
    base = Path(tempfile.mkdtemp(prefix="stage-props-"))
    try:
        project = base / "demo"
        copy_fixture_project(project)
        outside = base / "outside"
        outside.mkdir()
        (outside / "secret.txt").write_text("secret\n")
        (outside / "folder").mkdir()
        (outside / "folder" / "inner.txt").write_text("inner\n")
        yield project, outside
    finally:
        shutil.rmtree(base)


def files(root: Path) -> dict[str, bytes | str | None]:
    state: dict[str, bytes | str | None] = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if relative == LOCK:
            continue
        if path.is_symlink():
            state[relative] = f"link -> {path.readlink()}"
        elif path.is_dir():
            state[relative] = None
        elif path.is_file():
            state[relative] = path.read_bytes()
    return state


def run(*args: str | Path) -> Result:
    result = runner.invoke(app, [str(arg) for arg in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output
    if result.exit_code:
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return result


@PROPERTY_SETTINGS
@given(
    stages=extra_stages(),
    params=params_sections(),
    name=NAMES,
    after=st.one_of(st.none(), NAMES, st.sampled_from(["prepare", "train"])),
    outs=st.lists(stage_paths(), max_size=2, unique=True),
)
def test_generated_pipelines_round_trip(
    stages: str, params: str, name: str, after: str | None, outs: list[str]
) -> None:
    with scratch() as (project, outside):
        dvc = project / "dvc.yaml"
        dvc.write_text(dvc.read_text() + ("\n" + stages if stages else ""))
        (project / "params.yaml").write_text((project / "params.yaml").read_text() + params)
        original, beside = files(project), files(outside)
        extra = [arg for out in outs for arg in ("-o", out)]
        extra += ["--after", after] if after else []
        added = run("add-stage", name, *extra, "--repo", project)
        assert files(outside) == beside
        if added.exit_code:
            assert files(project) == original
            return
        removed = run("remove-stage", name, "--repo", project)
        assert removed.exit_code == 0, removed.output
        assert files(project) == original
        assert files(outside) == beside


@PROPERTY_SETTINGS
@given(name=st.text(max_size=12))
def test_any_stage_name_is_added_cleanly_or_refused(name: str) -> None:
    with scratch() as (project, outside):
        original, beside = files(project), files(outside)
        if "\0" in name:
            return  # cannot be an argument on a command line
        added = run("add-stage", name, "--repo", project)
        assert files(outside) == beside
        if added.exit_code:
            assert files(project) == original
            return
        assert run("remove-stage", name, "--repo", project).exit_code == 0
        assert files(project) == original


LINK_PLACES = [
    "tests/test_{name}.py",
    "src/demo/stages/{name}.py",
    "conf/{name}",
    "conf/{name}/default.yaml",
    "data/.gitignore",
    "params.yaml",
    "conf/config.yaml",
    ".mlops-kit.lock",
    ".mlops-kit.journal",
    "data/{name}",
    "tests",
]
LINK_TARGETS = ["inside-file", "inside-dir", "outside-file", "outside-dir", "dangling", "loop"]


def make_link(project: Path, outside: Path, place: str, target: str) -> Path | None:
    link = project / place
    try:
        if link.exists() or link.is_symlink():
            if link.is_dir() and not link.is_symlink():
                shutil.rmtree(link)
            else:
                link.unlink()
        link.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # an earlier link of the layout already stands on the way
    destination = {
        "inside-file": project / "src" / "demo" / "__init__.py",
        "inside-dir": project / "conf" / "prepare",
        "outside-file": outside / "secret.txt",
        "outside-dir": outside / "folder",
        "dangling": project / "nowhere" / "at-all",
        "loop": link,
    }[target]
    try:
        link.symlink_to(destination)
    except OSError:
        return None
    return link


@PROPERTY_SETTINGS
@given(
    name=NAMES,
    layout=st.lists(
        st.tuples(st.sampled_from(LINK_PLACES), st.sampled_from(LINK_TARGETS)),
        min_size=1,
        max_size=3,
        unique_by=lambda pair: pair[0],
    ),
    first_add=st.booleans(),
    force=st.booleans(),
)
def test_symlink_layouts_never_lead_a_write_astray(
    name: str, layout: list[tuple[str, str]], first_add: bool, force: bool
) -> None:
    with scratch() as (project, outside):
        if first_add:
            run("add-stage", name, "--repo", project)
        links = {}
        for place, target in layout:
            link = make_link(project, outside, place.format(name=name), target)
            if link is not None:
                links[link] = link.readlink()
        beside = files(outside)
        inside_targets = {
            p: p.read_bytes() for p in (project / "src" / "demo" / "__init__.py",) if p.exists()
        }
        prepare_conf = files(project / "conf" / "prepare")
        flags = ["--force"] if force else []
        for command in ("add-stage", "remove-stage"):
            before = files(project)
            result = run(command, name, *flags, "--repo", project)
            assert files(outside) == beside
            for link, target in links.items():
                if link.is_symlink():
                    assert link.readlink() == target  # never retargeted
            if result.exit_code:
                assert files(project) == before
        for path, data in inside_targets.items():
            assert path.read_bytes() == data
        assert files(project / "conf" / "prepare") == prepare_conf


TOML_VALUES = st.sampled_from(
    ['"oops"', "1", "[]", "[1, 2]", "{}", '{ module_name = "demo" }', "true", '"demo"']
)


@PROPERTY_SETTINGS
@given(
    kit=st.sampled_from(["table", "array", "value", "none"]),
    answers=TOML_VALUES,
    module=TOML_VALUES,
    tool_value=st.booleans(),
)
def test_generated_pyproject_shapes_give_a_result_or_one_line(
    kit: str, answers: str, module: str, tool_value: bool
) -> None:
    with scratch() as (project, outside):
        head = 'tool = "x"\n' if tool_value else ""
        body = {
            "table": f"[tool.mlops-kit]\nanswers = {answers}\n",
            "array": f"[[tool.mlops-kit]]\nanswers = {answers}\n",
            "value": f"[tool]\nmlops-kit = {answers}\n",
            "none": "",
        }[kit]
        if tool_value and body.startswith("[tool"):
            body = ""  # `tool` is a plain value: no table of that name can follow
        answers_table = (
            f"\n[tool.mlops-kit.answers]\nmodule_name = {module}\n" if kit == "none" else ""
        )
        text = head + '[project]\nname = "demo"\n\n' + body + answers_table
        (project / "pyproject.toml").write_text(text)
        original, beside = files(project), files(outside)
        for command in ("add-stage", "remove-stage"):
            result = run(command, "featurize", "--repo", project)
            if result.exit_code:
                assert files(project) == original
        assert files(outside) == beside
