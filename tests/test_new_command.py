"""`mlops-kit new` and `cookiecutter`: same projects, clear refusals, nothing left behind."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
import yaml
from helpers import REPO_ROOT, run
from mlops_kit.app import app
from typer.testing import CliRunner

ENV_BIN = Path(sys.executable).parent
runner = CliRunner()


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under root (outside .git) with its bytes."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def entries(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_new_bakes_the_default_project(tmp_path: Path) -> None:
    result = runner.invoke(app, ["new", "--no-input", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    project = tmp_path / "wine_classifier"
    assert (project / "pyproject.toml").is_file()
    assert f"Created {project}" in result.output


def test_cookiecutter_and_new_give_identical_projects(tmp_path: Path) -> None:
    answers = [
        'project_name=Churn "Model" {{ 7*7 }}',
        "author_name=Zoë O'Brien \\ Jr.",
        "ci=gitlab",
        "example=minimal",
        "license=Apache-2.0",
    ]
    kit_out, cc_out = tmp_path / "kit", tmp_path / "cc"
    result = runner.invoke(app, ["new", "--no-input", "-o", str(kit_out), *answers])
    assert result.exit_code == 0, result.output
    # Plain cookiecutter renders extra context as Jinja; the kit passes answers literally.
    cc_answers = [a.replace("{{ 7*7 }}", "{{ '{{ 7*7 }}' }}") for a in answers]
    run(
        [
            str(ENV_BIN / "cookiecutter"),
            "--no-input",
            str(REPO_ROOT),
            "-o",
            str(cc_out),
            *cc_answers,
        ],
        cwd=tmp_path,
    )
    (kit_project,) = kit_out.iterdir()
    (cc_project,) = cc_out.iterdir()
    assert kit_project.name == cc_project.name == "churn_model_7_7"
    assert snapshot(kit_project) == snapshot(cc_project)
    stamp = tomllib.loads((kit_project / "pyproject.toml").read_text(encoding="utf-8"))
    assert stamp["tool"]["mlops-kit"]["answers"]["project_name"] == 'Churn "Model" {{ 7*7 }}'
    assert stamp["tool"]["mlops-kit"]["answers"]["author_name"] == "Zoë O'Brien \\ Jr."


def test_replay_reproduces_the_project(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    run(
        [str(ENV_BIN / "cookiecutter"), "--no-input", str(REPO_ROOT), "-o", str(first), "ci=none"],
        cwd=tmp_path,
    )
    run(
        [str(ENV_BIN / "cookiecutter"), "--replay", str(REPO_ROOT), "-o", str(second)], cwd=tmp_path
    )
    assert snapshot(first / "wine_classifier") == snapshot(second / "wine_classifier")


def test_config_file_defaults_are_used(tmp_path: Path) -> None:
    config = tmp_path / "team.yaml"
    config.write_text(
        yaml.safe_dump({"default_context": {"author_name": "Team ML", "ci": "gitlab"}}),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    run(
        [
            str(ENV_BIN / "cookiecutter"),
            "--no-input",
            "--config-file",
            str(config),
            str(REPO_ROOT),
            "-o",
            str(out),
        ],
        cwd=tmp_path,
    )
    project = out / "wine_classifier"
    stamp = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert stamp["tool"]["mlops-kit"]["answers"]["ci"] == "gitlab"
    assert "Team ML" in (project / "LICENSE").read_text(encoding="utf-8")


def test_interactive_prompts_take_typed_answers(tmp_path: Path) -> None:
    # One line per question, in cookiecutter.json order; empty lines take the default.
    typed = "Fraud Detector\n\n\nDetects fraud.\n\n\n\n\n\n\n\n\n3\n2\n"
    result = runner.invoke(app, ["new", "-o", str(tmp_path)], input=typed)
    assert result.exit_code == 0, result.output
    project = tmp_path / "fraud_detector"
    stamp = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    answers = stamp["tool"]["mlops-kit"]["answers"]
    assert answers["description"] == "Detects fraud."
    assert (answers["ci"], answers["example"]) == ("none", "minimal")


# Empty lines: every later question takes its default (14 questions, some asked twice).
REST = "\n" * 14


def test_a_bad_answer_is_asked_again_naming_the_answer_typed(tmp_path: Path) -> None:
    typed = "123 Numbers\n!!!\nFraud Detector\nfraud-detector\nfraud_x\n" + REST
    result = runner.invoke(app, ["new", "-o", str(tmp_path)], input=typed)
    assert result.exit_code == 0, result.output
    errors = [line for line in result.output.splitlines() if "Error:" in line]
    assert len(errors) == 3, result.output
    assert "project_name '123 Numbers'" in errors[0]
    assert "project_name '!!!'" in errors[1]
    assert "project_slug 'fraud-detector'" in errors[2]
    # The derived folder name is never blamed for the name typed.
    assert "project_slug '123_numbers'" not in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["fraud_x"]
    answers = tomllib.loads((tmp_path / "fraud_x" / "pyproject.toml").read_text("utf-8"))
    assert answers["tool"]["mlops-kit"]["answers"]["module_name"] == "fraud_x"


def test_a_slug_given_on_the_command_line_frees_the_name(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["new", "-o", str(tmp_path), "project_slug=numbers_123"], input="123 Numbers\n" + REST
    )
    assert result.exit_code == 0, result.output
    assert "Error" not in result.output
    assert (tmp_path / "numbers_123").is_dir()


def test_closing_hint_is_make_install(tmp_path: Path) -> None:
    result = runner.invoke(app, ["new", "--no-input", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "make install" in result.output.splitlines()[-1]


@pytest.mark.parametrize(
    ("argument", "fragment"),
    [
        ("project_slug=../x", "project_slug '../x' is not a lowercase Python identifier"),
        ("project_slug=/abs", "project_slug"),
        ("module_name=json", "would shadow"),
        ("project_slug=class", "keyword"),
        ("author_email=nobody", "author_email"),
        ("ci=jenkins", "ci 'jenkins' is not one of github, gitlab, none"),
        ("colour=blue", "unknown question 'colour'"),
        ("just-a-word", "is not KEY=VALUE"),
        ("project_name=\u0416\u0416", None),  # Cyrillic name: a non-empty slug is derived
        # Nothing usable left for the folder name: refused, naming the answer typed.
        ("project_name=\U0001f600", "project_name '\\U0001f600' has no letters or digits"),
        ("project_name=!!!", "project_name '!!!' has no letters or digits"),
        ("project_name=123 Numbers", "project_name '123 Numbers' gives the folder"),
    ],
)
def test_bad_answers_fail_before_anything_exists(
    tmp_path: Path, argument: str, fragment: str | None
) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["new", "--no-input", "-o", str(out), argument])
    if fragment is None:
        assert result.exit_code == 0, result.output
        (project,) = out.iterdir()
        assert project.name == "zhzh"
        return
    assert result.exit_code == 2, result.output
    assert fragment in result.output
    assert result.output.count("\n") == 1
    assert "Traceback" not in result.output
    assert not out.exists()


def test_existing_target_is_refused_and_untouched(tmp_path: Path) -> None:
    project = tmp_path / "wine_classifier"
    project.mkdir()
    keep = project / "notes.txt"
    keep.write_text("mine", encoding="utf-8")
    before = keep.stat().st_mtime_ns
    result = runner.invoke(app, ["new", "--no-input", "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert "already exists" in result.output
    assert entries(tmp_path) == ["wine_classifier", "wine_classifier/notes.txt"]
    assert keep.stat().st_mtime_ns == before


def failing_template(tmp_path: Path, hook_body: str) -> Path:
    """A copy of the template whose post-generation hook runs `hook_body` first."""
    template = tmp_path / "template"
    for name in (
        "cookiecutter.json",
        "local_extensions.py",
        "hooks",
        "{{cookiecutter.project_slug}}",
    ):
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, template / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            template.mkdir(exist_ok=True)
            shutil.copy2(source, template / name)
    hook = template / "hooks" / "post_gen_project.py"
    first_step = "    answers = json.loads(answers_json)\n"
    source = hook.read_text(encoding="utf-8").replace(
        first_step, f"    {hook_body}\n{first_step}", 1
    )
    hook.write_text(source, encoding="utf-8")
    return template


def test_failing_hook_removes_only_what_new_created(tmp_path: Path) -> None:
    template = failing_template(tmp_path, "import sys; sys.exit('hook exploded')")
    existing = tmp_path / "existing"
    existing.mkdir()
    (existing / "keep.txt").write_text("keep", encoding="utf-8")
    out = existing / "new" / "deeper"
    result = runner.invoke(app, ["new", "--no-input", "--template", str(template), "-o", str(out)])
    assert result.exit_code == 1
    assert "generation failed, nothing was left behind" in result.output
    assert entries(existing) == ["keep.txt"]


def test_os_error_is_reported_without_traceback(tmp_path: Path) -> None:
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = runner.invoke(app, ["new", "--no-input", "-o", str(blocker / "sub")])
    assert result.exit_code == 1
    assert "generation failed" in result.output
    assert blocker.read_text(encoding="utf-8") == "not a folder"
    assert entries(tmp_path) == ["a_file"]


def test_bad_template_folder_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["new", "--no-input", "--template", str(tmp_path), "-o", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    assert "holds no cookiecutter.json" in result.output


@pytest.mark.skipif(os.name != "posix", reason="sends SIGINT")
def test_ctrl_c_removes_the_half_made_project(tmp_path: Path) -> None:
    hook = "import time, pathlib; pathlib.Path('hook-started').touch(); time.sleep(30)"
    template = failing_template(tmp_path, hook)
    out = tmp_path / "out"
    process = subprocess.Popen(
        [
            str(ENV_BIN / "mlops-kit"),
            "new",
            "--no-input",
            "--template",
            str(template),
            "-o",
            str(out),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        # As in a terminal: a background job of a non-interactive shell ignores SIGINT,
        # and that would be inherited by the kit and its hooks.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 30
    while not (out / "wine_classifier" / "hook-started").exists():
        assert time.monotonic() < deadline, "the project never appeared"
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)  # what a terminal sends on Ctrl-C
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130
    assert "Error: interrupted" in stderr
    assert "Traceback" not in stderr
    assert not out.exists()


def test_module_entry_point_and_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mlops_kit", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith("mlops-kit ")


@pytest.mark.skipif(os.name != "posix", reason="sends SIGKILL")
def test_a_bake_killed_half_way_is_removed_by_the_next_new(tmp_path: Path) -> None:
    hook = "import time, pathlib; pathlib.Path('hook-started').touch(); time.sleep(30)"
    template = failing_template(tmp_path, hook)
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("keep", encoding="utf-8")
    process = subprocess.Popen(
        [
            str(ENV_BIN / "mlops-kit"),
            "new",
            "--no-input",
            "--template",
            str(template),
            "-o",
            str(out),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while not (out / "wine_classifier" / "hook-started").exists():
        assert time.monotonic() < deadline, "the project never appeared"
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)  # no clean-up code can run
    process.wait(timeout=30)
    assert (out / "wine_classifier").is_dir()  # half-made, as a kill leaves it
    assert (out / ".wine_classifier.mlops-kit-baking").is_file()
    result = runner.invoke(app, ["new", "--no-input", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "half-made project" in result.stderr
    assert not (out / "wine_classifier" / "hook-started").exists()
    assert (out / "wine_classifier" / "dvc.yaml").is_file()
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt", "wine_classifier"]


def test_a_marker_whose_baker_still_runs_is_busy(tmp_path: Path) -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        (tmp_path / "wine_classifier").mkdir()
        (tmp_path / ".wine_classifier.mlops-kit-baking").write_text(f"{sleeper.pid}\n")
        before = entries(tmp_path)
        result = runner.invoke(app, ["new", "--no-input", "-o", str(tmp_path)])
    finally:
        sleeper.kill()
        sleeper.wait()
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: busy: another mlops-kit new")
    assert entries(tmp_path) == before


def test_a_default_context_that_is_a_list_gives_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "cookiecutterrc.yaml"
    config.write_text("default_context:\n  - project_name\n  - x\n", encoding="utf-8")
    monkeypatch.setenv("COOKIECUTTER_CONFIG", str(config))
    result = runner.invoke(app, ["new", "--no-input", "-o", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "Error: the cookiecutter config (COOKIECUTTER_CONFIG or ~/.cookiecutterrc): "
        "default_context must be a mapping of answers; fix or unset it"
    ]
    assert not (tmp_path / "o").exists()


def test_a_nul_typed_at_a_prompt_never_reaches_a_file(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["new", "-o", str(tmp_path / "o")], input="My\0Project\n" + "\n" * 40
    )
    assert result.exit_code == 2
    assert "holds a NUL character" in result.stderr
    assert not (tmp_path / "o").exists()


def test_a_bake_leaves_nothing_in_the_temporary_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    result = runner.invoke(app, ["new", "--no-input", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert entries(scratch) == []
