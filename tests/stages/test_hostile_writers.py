"""add-stage and remove-stage against hostile projects: links, loops, bombs, odd locks.

Every case: one `Error:` line, a documented exit code, no traceback, and nothing written,
deleted or lost, inside the project or outside it.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from helpers import Invoke
from stages.stage_tools import assert_unchanged, snapshot

ADD = "add-stage"
REMOVE = "remove-stage"


def one_error_line(result: object, code: int) -> str:
    exit_code = getattr(result, "exit_code", None)
    stderr = str(getattr(result, "stderr", ""))
    output = str(getattr(result, "output", ""))
    assert exit_code == code, output
    assert getattr(result, "exception", None) is None or isinstance(
        getattr(result, "exception", None), SystemExit
    )
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in output
    return lines[0]


def refused(invoke: Invoke, project: Path, *args: str | Path, code: int = 2) -> str:
    """Run a command; assert one error line, exit `code`, and the whole temp tree untouched."""
    before = snapshot(project.parent)
    result = invoke(*args, "--repo", project)
    message = one_error_line(result, code)
    assert_unchanged(project.parent, before)
    return message


def committed_stage(invoke: Invoke, project: Path, name: str = "featurize", *extra: str) -> None:
    result = invoke(ADD, name, *extra, "--repo", project)
    assert result.exit_code == 0, result.output


# --- remove-stage and add-stage --force never act through a link ----------------------


def test_remove_stage_refuses_a_test_file_linked_to_conftest(invoke: Invoke, project: Path) -> None:
    committed_stage(invoke, project, "featurize", "--after", "prepare")
    conftest = project / "tests" / "conftest.py"
    kept = conftest.read_bytes()
    (project / "tests" / "test_featurize.py").unlink()
    (project / "tests" / "test_featurize.py").symlink_to("conftest.py")
    message = refused(invoke, project, REMOVE, "featurize")
    assert "tests/test_featurize.py is a symbolic link" in message
    assert conftest.read_bytes() == kept


def test_remove_stage_force_refuses_a_module_linked_out_of_the_stages(
    invoke: Invoke, project: Path
) -> None:
    committed_stage(invoke, project)
    files = project / "src" / "demo" / "files.py"
    files.write_text("KEEP = 1\n")
    module = project / "src" / "demo" / "stages" / "featurize.py"
    module.unlink()
    module.symlink_to("../files.py")
    message = refused(invoke, project, REMOVE, "featurize", "--force")
    assert "src/demo/stages/featurize.py is a symbolic link" in message
    assert files.read_text() == "KEEP = 1\n"


def test_remove_stage_force_refuses_a_config_folder_linked_to_another(
    invoke: Invoke, project: Path
) -> None:
    committed_stage(invoke, project, "evaluate")
    (project / "conf" / "foo").symlink_to("evaluate")
    message = refused(invoke, project, REMOVE, "foo", "--force")
    assert "conf/foo is a symbolic link" in message
    assert (project / "conf" / "evaluate" / "default.yaml").is_file()


def test_add_stage_force_never_writes_through_a_linked_module(
    invoke: Invoke, project: Path
) -> None:
    target = project / "src" / "demo" / "precious.py"
    target.write_text("PRECIOUS = True\n")
    (project / "src" / "demo" / "stages" / "featurize.py").symlink_to("../precious.py")
    message = refused(invoke, project, ADD, "featurize", "--force")
    assert "src/demo/stages/featurize.py is a symbolic link" in message
    assert target.read_text() == "PRECIOUS = True\n"


def test_add_stage_never_writes_into_a_linked_folder(
    invoke: Invoke, project: Path, tmp_path: Path
) -> None:
    # tests/ is a link to another folder of the project: the stage's test would land there.
    (project / "tests").rename(project / "real_tests")
    (project / "tests").symlink_to("real_tests")
    message = refused(invoke, project, ADD, "featurize")
    assert "tests is a symbolic link" in message


# --- outputs that exist and no stage writes ---------------------------------------------


@pytest.mark.parametrize(
    ("make", "output"),
    [
        (lambda p: (p / "README.md").write_text("# Demo\n"), "README.md"),
        (lambda p: None, "data/catalog.yaml"),
        (lambda p: (p / "notebooks").mkdir(), "notebooks"),
        (lambda p: (p / ".github" / "workflows").mkdir(parents=True), ".github"),
        (lambda p: (p / "Makefile").write_text("all:\n"), "Makefile"),
        (lambda p: (p / "LICENSE").write_text("MIT\n"), "LICENSE"),
        (lambda p: (p / "deploy").mkdir(), "deploy"),
        (
            lambda p: (p / "reports").mkdir() or (p / "reports" / "summary.md").write_text("x"),
            "reports/summary.md",
        ),
    ],
    ids=["readme", "catalog", "notebooks", "github", "makefile", "license", "deploy", "report"],
)
def test_refuses_an_existing_output_no_stage_writes(
    invoke: Invoke, project: Path, make: Callable[[Path], object], output: str
) -> None:
    make(project)
    message = refused(invoke, project, ADD, "featurize", "-o", output)
    assert f"{output} is an existing" in message
    assert "dvc repro" in message


def test_force_may_keep_the_outputs_its_own_stage_wrote(invoke: Invoke, project: Path) -> None:
    committed_stage(invoke, project, "summarize", "-o", "reports/summary.md")
    (project / "reports").mkdir()
    (project / "reports" / "summary.md").write_text("made by the stage\n")
    result = invoke(ADD, "summarize", "-o", "reports/summary.md", "--force", "--repo", project)
    assert result.exit_code == 0, result.output


# --- wdir --------------------------------------------------------------------------------

WDIR_STAGE = """
  report:
    cmd: python summarize.py
    wdir: data
    deps:
      - processed/test.csv
    outs:
      - summary/table.csv
"""


def with_wdir_stage(project: Path) -> None:
    dvc = project / "dvc.yaml"
    dvc.write_text(dvc.read_text() + WDIR_STAGE)


def test_after_a_stage_with_wdir_depends_on_the_real_path(invoke: Invoke, project: Path) -> None:
    with_wdir_stage(project)
    committed_stage(invoke, project, "featurize", "--after", "report")
    stage = yaml.safe_load((project / "dvc.yaml").read_text())["stages"]["featurize"]
    assert "data/summary/table.csv" in stage["deps"]
    assert "summary/table.csv" not in stage["deps"]


def test_an_output_colliding_through_wdir_is_refused(invoke: Invoke, project: Path) -> None:
    with_wdir_stage(project)
    message = refused(invoke, project, ADD, "featurize", "-o", "data/summary/table.csv")
    assert "an output of stage 'report'" in message


def test_remove_stage_sees_dependents_through_wdir(invoke: Invoke, project: Path) -> None:
    committed_stage(invoke, project, "featurize", "-o", "data/features.csv")
    dvc = project / "dvc.yaml"
    dvc.write_text(
        dvc.read_text()
        + "\n  use:\n    cmd: python use.py\n    wdir: data\n    deps:\n      - features.csv\n"
    )
    message = refused(invoke, project, REMOVE, "featurize")
    assert "stage 'use' depends on its outputs (data/features.csv)" in message


# --- bounded reading -----------------------------------------------------------------------


def alias_bomb(key: str) -> str:
    lines = [f'{key}: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, current in zip("abcdefgh", "bcdefghi", strict=True):
        refs = ", ".join([f"*{previous}"] * 9)
        lines.append(f"{key}_{current}: &{current} [{refs}]")
    return "\n".join(lines) + "\n"


BOMB_TARGETS = ["params.yaml", "dvc.yaml", "data/catalog.yaml", "conf/config.yaml"]


@pytest.mark.parametrize("relative", BOMB_TARGETS)
@pytest.mark.parametrize("command", [ADD, REMOVE])
def test_an_alias_bomb_is_refused_not_expanded(
    invoke: Invoke, project: Path, relative: str, command: str
) -> None:
    committed_stage(invoke, project)
    path = project / relative
    path.write_text(path.read_text() + alias_bomb("bomb"))
    started = time.monotonic()
    message = refused(invoke, project, command, "featurize")
    assert time.monotonic() - started < 5
    assert relative in message
    assert "alias" in message


DEEP_FLOW = "deep: " + "[" * 5000 + "]" * 5000 + "\n"
DEEP_BLOCK = "deep:\n" + "".join(" " * level + "k:\n" for level in range(1, 400))
HUGE_INT = "huge: " + "7" * 5000 + "\n"


@pytest.mark.parametrize("relative", BOMB_TARGETS)
@pytest.mark.parametrize("content", [DEEP_FLOW, DEEP_BLOCK, HUGE_INT], ids=["flow", "block", "int"])
def test_deep_nesting_and_huge_integers_give_one_line(
    invoke: Invoke, project: Path, relative: str, content: str
) -> None:
    path = project / relative
    path.write_text(path.read_text() + content)
    started = time.monotonic()
    message = refused(invoke, project, ADD, "featurize")
    assert time.monotonic() - started < 5
    assert relative in message


def test_a_fifo_named_params_yaml_does_not_hang(invoke: Invoke, project: Path) -> None:
    (project / "params.yaml").unlink()
    os.mkfifo(project / "params.yaml")
    message = refused(invoke, project, ADD, "featurize")
    assert "params.yaml" in message


# --- symlink loops -------------------------------------------------------------------------


def test_a_repo_option_that_loops_gives_one_line(invoke: Invoke, tmp_path: Path) -> None:
    (tmp_path / "loop").symlink_to("loop")
    result = invoke(ADD, "featurize", "--repo", tmp_path / "loop")
    assert "loop" in one_error_line(result, 2)


def test_a_config_folder_that_loops_gives_one_line(invoke: Invoke, project: Path) -> None:
    (project / "conf" / "featurize").symlink_to("featurize")
    assert "conf/featurize" in refused(invoke, project, REMOVE, "featurize", "--force")
    assert "conf/featurize" in refused(invoke, project, ADD, "featurize")


def test_a_gitignore_that_loops_gives_one_line(invoke: Invoke, project: Path) -> None:
    committed_stage(invoke, project, "featurize", "-o", "data/features.csv")
    (project / "data" / ".gitignore").symlink_to(".gitignore")
    assert "data/.gitignore" in refused(invoke, project, REMOVE, "featurize")


# --- the lock file -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["folder", "dangling", "out", "fifo"])
def test_an_odd_lock_file_gives_one_line_and_nothing_changes(
    invoke: Invoke, project: Path, kind: str
) -> None:
    lock = project / ".mlops-kit.lock"
    outside = project.parent / "outside.txt"
    outside.write_text("outside\n")
    if kind == "folder":
        lock.mkdir()
    elif kind == "dangling":
        lock.symlink_to("nowhere/at/all")
    elif kind == "out":
        lock.symlink_to(outside)
    else:
        os.mkfifo(lock)
    message = refused(invoke, project, ADD, "featurize")
    assert ".mlops-kit.lock" in message
    assert outside.read_text() == "outside\n"


# --- pyproject shapes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ('[tool.mlops-kit]\nanswers = "oops"\n', "[tool.mlops-kit.answers] is a str"),
        ("[[tool.mlops-kit]]\nanswers = 1\n", "[tool.mlops-kit] is an array of tables"),
        ('tool = "x"\n', "`tool` is not a table"),
    ],
    ids=["answers-string", "array-of-tables", "tool-string"],
)
def test_a_malformed_kit_table_gives_one_line(
    invoke: Invoke, project: Path, table: str, expected: str
) -> None:
    (project / "pyproject.toml").write_text(table + '\n[project]\nname = "demo"\n')
    for command in (ADD, REMOVE):
        assert expected in refused(invoke, project, command, "featurize")


# --- read-only files, modes ------------------------------------------------------------------


def test_a_read_only_dvc_yaml_is_refused_not_replaced(invoke: Invoke, project: Path) -> None:
    (project / "dvc.yaml").chmod(0o444)
    message = refused(invoke, project, ADD, "featurize")
    assert "dvc.yaml is read-only" in message


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_new_files_follow_the_umask(invoke: Invoke, project: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        committed_stage(invoke, project)
    finally:
        os.umask(old)
    for relative in ("src/demo/stages/featurize.py", "conf/featurize/default.yaml"):
        assert stat.S_IMODE((project / relative).stat().st_mode) == 0o666 & ~umask


# --- a full disk ----------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 512 KiB tmpfs with 400 inodes (root only; skipped where mounting is not allowed)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small file system needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=512k,nr_inodes=400", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(folder: Path) -> None:
    with (folder / "filler").open("wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError:
            pass


def use_up_inodes(folder: Path) -> None:
    spare = folder / "spare"
    spare.mkdir()
    try:
        for number in range(1_000_000):
            (spare / str(number)).touch()
    except OSError:
        pass


def test_no_room_for_the_lock_file_gives_one_line(
    invoke: Invoke, project: Path, small_disk: Path
) -> None:
    target = small_disk / "demo"
    shutil.copytree(project, target)
    use_up_inodes(small_disk)
    before = snapshot(small_disk)
    result = invoke(ADD, "featurize", "--repo", target)
    message = one_error_line(result, 1)
    assert ".mlops-kit.lock" in message
    assert_unchanged(small_disk, before)


def test_a_full_disk_gives_one_line_and_restores_everything(
    invoke: Invoke, project: Path, small_disk: Path
) -> None:
    target = small_disk / "demo"
    shutil.copytree(project, target)
    fill(small_disk)
    before = snapshot(small_disk)
    result = invoke(ADD, "featurize", "--repo", target)
    message = one_error_line(result, 1)
    assert "nothing changed" in message or "restored" in message
    assert_unchanged(small_disk, before)


# --- a non-root user ---------------------------------------------------------------------------

AS_NOBODY = """
import os, sys
# Load everything the commands use while the interpreter's files are still readable.
from mlops_kit.app import app
import mlops_kit.stages.add, mlops_kit.stages.remove, mlops_kit.stages.report
import encodings.unicode_escape, filelock, jinja2.sandbox, ruamel.yaml, ruamel.yaml.scanner
from ruamel.yaml import YAML
YAML(typ="rt").load("a: [1, {b: 2}]\\n")
jinja2.sandbox.SandboxedEnvironment().from_string("{{ 1 }}").render()
os.setgroups([])
os.setgid(65534)
os.setuid(65534)
app(sys.argv[1:], prog_name="mlops-kit")
"""


@pytest.fixture
def nobody_project(project: Path) -> Iterator[Path]:
    """A copy of the project that the unprivileged user `nobody` owns and can reach."""
    if os.geteuid() != 0:
        pytest.skip("needs root to drop to the unprivileged user")
    base = Path(tempfile.mkdtemp(prefix="mlops-kit-nobody-"))
    try:
        base.chmod(0o755)
        target = base / "demo"
        shutil.copytree(project, target)
        for path in [target, *target.rglob("*")]:
            os.chown(path, 65534, 65534, follow_symlinks=False)
        yield target
    finally:
        for path in [base, *base.rglob("*")]:
            if not path.is_symlink():
                path.chmod(0o755 if path.is_dir() else 0o644)
        shutil.rmtree(base)


def run_as_nobody(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", AS_NOBODY, *[str(arg) for arg in args]],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd="/",
    )


def nobody_refused(project: Path, *args: str, code: int) -> str:
    before = snapshot(project)
    done = run_as_nobody(*args, "--repo", project)
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr
    project.chmod(0o755)
    assert_unchanged(project, before)
    return lines[0]


def test_as_nobody_a_good_run_works(nobody_project: Path) -> None:
    done = run_as_nobody(ADD, "featurize", "--repo", nobody_project)
    assert done.returncode == 0, done.stderr
    assert (nobody_project / "src/demo/stages/featurize.py").stat().st_uid == 65534


def test_as_nobody_a_read_only_project_root(nobody_project: Path) -> None:
    nobody_project.chmod(0o555)
    message = nobody_refused(nobody_project, ADD, "featurize", code=1)
    assert "Permission denied" in message


@pytest.mark.parametrize("relative", ["dvc.yaml", "pyproject.toml", "params.yaml"])
def test_as_nobody_an_unreadable_file(nobody_project: Path, relative: str) -> None:
    (nobody_project / relative).chmod(0)
    for command in (ADD, REMOVE):
        message = nobody_refused(nobody_project, command, "featurize", code=2)
        assert relative in message
        assert "Permission denied" in message


def test_as_nobody_a_read_only_stage_folder_restores_everything(nobody_project: Path) -> None:
    (nobody_project / "tests").chmod(0o555)
    message = nobody_refused(nobody_project, ADD, "featurize", code=1)
    assert "tests/test_featurize.py" in message
    assert "restored" in message
