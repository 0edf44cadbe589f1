"""A project's own stage templates in .mlops-kit/templates/stage/ replace the built-in ones."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from helpers import Invoke
from mlops_kit.stages.scaffold import BUILT_IN, TEMPLATE_NAMES
from stages.stage_tools import assert_unchanged, snapshot

OVERRIDE = Path(".mlops-kit/templates/stage")


def override(project: Path, name: str, text: str) -> None:
    folder = project / OVERRIDE
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)


def test_the_built_in_templates_ship_with_the_package() -> None:
    assert sorted(p.name for p in BUILT_IN.iterdir() if p.suffix == ".j2") == sorted(TEMPLATE_NAMES)


def test_an_override_replaces_one_template_and_sees_every_variable(
    invoke: Invoke, project: Path
) -> None:
    override(
        project,
        "stage.py.j2",
        '"""{{ name }} of {{ project_name }} in {{ module }}."""\n'
        "CMD = {{ cmd|python_string }}\n"
        "INPUTS = {{ inputs }}\n"
        "OUTPUTS = {{ outputs }}\n"
        "METRICS = {{ metrics }}\n"
        "DEPS = {{ deps }}\n"
        "PARAMS = {{ params }}\n"
        "AFTER = {{ after|python_string }}\n"
        "PATHS = [{{ module_path|python_string }}, {{ config_path|python_string }}, "
        "{{ test_path|python_string }}]\n",
    )
    result = invoke(
        "add-stage", "featurize", "--after", "prepare", "-m", "reports/f.json", "-p", "data",
        "--repo", project,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    namespace: dict[str, object] = {}
    source = (project / "src/demo/stages/featurize.py").read_text()
    exec(compile(source, "featurize.py", "exec"), namespace)
    assert namespace["__doc__"] == "featurize of Demo in demo."
    assert namespace["CMD"] == "python -m demo.stages.featurize"
    assert namespace["INPUTS"] == [
        "data/raw/demo.csv",
        "data/processed/train.csv",
        "data/processed/test.csv",
    ]
    assert namespace["OUTPUTS"] == [
        "data/featurize/demo.csv",
        "data/featurize/train.csv",
        "data/featurize/test.csv",
    ]
    assert namespace["METRICS"] == ["reports/f.json"]
    assert namespace["DEPS"] == ["src/demo/stages/featurize.py", *namespace["INPUTS"]]  # type: ignore[misc]
    assert namespace["PARAMS"] == ["featurize", "data"]
    assert namespace["AFTER"] == "prepare"
    assert namespace["PATHS"] == [
        "src/demo/stages/featurize.py",
        "conf/featurize/default.yaml",
        "tests/test_featurize.py",
    ]
    # The two templates not overridden are the built-in ones.
    test_source = (project / "tests/test_featurize.py").read_text()
    assert "def test_each_table_is_made_from_its_inputs" in test_source


def test_an_overridden_config_lands_in_params_with_references_resolved(
    invoke: Invoke, project: Path
) -> None:
    override(
        project,
        "config.yaml.j2",
        "# {{ name }} settings\nsource: ${data.raw_path}\nlabel: v-${data.name}\nfactor: 1e-05\n",
    )
    result = invoke("add-stage", "featurize", "--repo", project)
    assert result.exit_code == 0, result.output
    params = yaml.safe_load((project / "params.yaml").read_text())
    assert params["featurize"] == {
        "source": "data/raw/demo.csv",
        "label": "v-demo",
        "factor": 1e-05,
    }
    config = (project / "conf/featurize/default.yaml").read_text()
    assert config.startswith("# featurize settings\nsource: ${data.raw_path}\n")


@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        ("stage.py.j2", "x = 1\n{% if %}\n", ".mlops-kit/templates/stage/stage.py.j2:2:"),
        ("stage.py.j2", "{{ nope }}\n", "'nope' is undefined"),
        ("stage.py.j2", "def broken(:\n", "stage.py.j2 renders invalid Python (line 1)"),
        ("test.py.j2", "import\n", "test.py.j2 renders invalid Python"),
        ("config.yaml.j2", "a: [1\n", "config.yaml.j2:2:"),
        ("config.yaml.j2", "- a\n", "does not render a mapping"),
        ("config.yaml.j2", "x: ${oc.env:HOME}\n", "needs Hydra to resolve"),
        (
            "stage.py.j2",
            "{{ ''.__class__.__mro__[1].__subclasses__() }}\n",
            "access to attribute '__class__'",
        ),
    ],
)
def test_a_broken_override_is_refused_and_nothing_is_written(
    invoke: Invoke, project: Path, name: str, text: str, reason: str
) -> None:
    override(project, name, text)
    before = snapshot(project.parent)
    result = invoke("add-stage", "featurize", "--repo", project)
    assert result.exit_code == 2, result.output
    assert reason in result.stderr
    assert_unchanged(project.parent, before)


def test_an_override_symlinked_out_of_the_project_is_refused(
    invoke: Invoke, project: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("token=abc\n")
    (project / OVERRIDE).mkdir(parents=True)
    (project / OVERRIDE / "stage.py.j2").symlink_to(secret)
    result = invoke("add-stage", "featurize", "--repo", project)
    assert result.exit_code == 2
    assert "symlink that leads out of the project" in result.stderr
    assert "token" not in result.output


HOSTILE_TEMPLATES = {
    "endless-loop": (
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        "took longer than",
    ),
    "huge-string": ("{{ 'x' * 10**10 }}", "MiB to render"),
    "huge-padding": ("{{ 'x'|center(10**10) }}", "MiB to render"),
    "long-output": ("{% for i in range(100000) %}{{ 'y' * 50 }}{% endfor %}", "KiB of text"),
    "include-outside": ("{% include '/etc/passwd' %}", "/etc/passwd"),
    "include-parent": ("{% include '../../../pyproject.toml' %}", "pyproject.toml"),
    "recursive-macro": ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "recurses"),
    "too-nested-python": ("x = " + "(" * 300 + "1" + ")" * 300 + "\n", "renders"),
}


@pytest.mark.parametrize(
    ("text", "reason"), list(HOSTILE_TEMPLATES.values()), ids=list(HOSTILE_TEMPLATES)
)
def test_a_hostile_override_is_stopped_in_one_line(
    invoke: Invoke, project: Path, text: str, reason: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlops_kit.stages import sandbox

    # A shorter wall-clock limit keeps the endless loop's test quick; the bound is the same.
    monkeypatch.setattr(sandbox, "TIMEOUT_SECONDS", 1.5)
    override(project, "stage.py.j2", text)
    before = snapshot(project.parent)
    result = invoke("add-stage", "featurize", "--repo", project)
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert reason in lines[0]
    assert "root:" not in result.output  # nothing of /etc/passwd
    assert_unchanged(project.parent, before)


def test_an_include_reaches_the_other_project_templates(invoke: Invoke, project: Path) -> None:
    override(project, "stage.py.j2", '{% include "test.py.j2" %}')
    override(project, "test.py.j2", "X = {{ name|python_string }}\n")
    result = invoke("add-stage", "featurize", "--repo", project)
    assert result.exit_code == 0, result.output
    assert (project / "src/demo/stages/featurize.py").read_text() == 'X = "featurize"\n'
