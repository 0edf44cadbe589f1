"""Render a new stage's module, config and test from the scaffold templates.

The built-in templates live in `mlops_kit/stages/templates/`. A project can replace any of
them with a file of the same name in `.mlops-kit/templates/stage/`. Templates are Jinja
(the engine the project template uses), rendered in a sandbox: a template from a cloned
repository can fill in text but cannot run code.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlops_kit.errors import UsageError
from mlops_kit.stages.project import Project
from mlops_kit.stages.reading import read_limited
from mlops_kit.stages.sandbox import environment, render_bounded, render_in_child
from mlops_kit.stages.yamltext import YamlText, load_round_trip, to_plain

BUILT_IN = Path(__file__).resolve().parent / "templates"
OVERRIDE_DIR = ".mlops-kit/templates/stage"
MODULE_TEMPLATE = "stage.py.j2"
CONFIG_TEMPLATE = "config.yaml.j2"
TEST_TEMPLATE = "test.py.j2"
TEMPLATE_NAMES = (MODULE_TEMPLATE, CONFIG_TEMPLATE, TEST_TEMPLATE)
MAX_TEMPLATE_BYTES = 256 * 1024


@dataclass(frozen=True)
class Table:
    """One table the stage writes: a label, the inputs it stacks, where it goes."""

    label: str
    input_paths: list[str]
    output_path: str


@dataclass(frozen=True)
class StageSpec:
    """Everything a scaffold template may use (documented in docs/add-stage.md)."""

    name: str
    module: str
    project_name: str
    inputs: list[str]
    outputs: list[str]
    metrics: list[str]
    deps: list[str]
    params: list[str]
    after: str | None
    tables: list[Table]

    def variables(self) -> dict[str, Any]:
        """Return the template variables."""
        return {
            "name": self.name,
            "module": self.module,
            "project_name": self.project_name,
            "module_path": f"src/{self.module}/stages/{self.name}.py",
            "config_path": f"conf/{self.name}/default.yaml",
            "test_path": f"tests/test_{self.name}.py",
            "cmd": f"python -m {self.module}.stages.{self.name}",
            "inputs": list(self.inputs),
            "outputs": list(self.outputs),
            "metrics": list(self.metrics),
            "deps": list(self.deps),
            "params": list(self.params),
            "after": self.after,
            "tables": [
                {
                    "label": table.label,
                    "input_paths": list(table.input_paths),
                    "output_path": table.output_path,
                }
                for table in self.tables
            ],
        }


@dataclass(frozen=True)
class Scaffold:
    """The rendered files of a new stage, keyed by project-relative path."""

    module_source: str
    config_source: str
    test_source: str
    config_values: dict[str, Any]


def template_path(project: Project, name: str) -> tuple[Path, str]:
    """Return the template file to use for `name` and a label saying where it came from."""
    override = project.root / OVERRIDE_DIR / name
    if override.is_symlink() or override.exists():
        resolved = project.path(f"{OVERRIDE_DIR}/{name}")
        if not resolved.is_file():
            raise UsageError(f"{OVERRIDE_DIR}/{name} is not a regular file")
        return resolved, f"{OVERRIDE_DIR}/{name}"
    return BUILT_IN / name, f"built-in {name}"


def _read_template(path: Path, label: str) -> str:
    raw = read_limited(path, label, MAX_TEMPLATE_BYTES)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{label}: not UTF-8 text") from None


def _render_trusted(sources: dict[str, str], variables: dict[str, Any]) -> dict[str, str]:
    """Render the kit's own templates in this process."""
    from jinja2 import TemplateError

    env = environment()
    rendered = {}
    for name, source in sources.items():
        try:
            rendered[name] = render_bounded(env, source, variables)
        except TemplateError as error:  # pragma: no cover - the built-ins are tested
            raise UsageError(f"built-in {name}: {error}") from None
    return rendered


def _check_python(source: str, label: str) -> None:
    try:
        ast.parse(source)
    except SyntaxError as error:
        raise UsageError(
            f"{label} renders invalid Python (line {error.lineno}): {error.msg}"
        ) from None
    except (RecursionError, MemoryError, ValueError):
        raise UsageError(
            f"{label} renders Python too deeply nested or too large to check"
        ) from None


def render_scaffold(project: Project, spec: StageSpec) -> Scaffold:
    """Render the stage's three files; refuse a template that renders broken code or YAML."""
    variables = spec.variables()
    sources: dict[str, str] = {}
    labels: dict[str, str] = {}
    overrides: dict[str, str] = {}
    for name in TEMPLATE_NAMES:
        path, label = template_path(project, name)
        sources[name] = _read_template(path, label)
        labels[name] = label
        if label.startswith(OVERRIDE_DIR):
            overrides[name] = sources[name]
    if overrides:
        # A project's own template is untrusted: bounded child process (see `sandbox`).
        rendered = render_in_child(sources, overrides, variables, labels)
    else:
        rendered = _render_trusted(sources, variables)
    for name in (MODULE_TEMPLATE, TEST_TEMPLATE):
        _check_python(rendered[name], template_path(project, name)[1])
    config_label = template_path(project, CONFIG_TEMPLATE)[1]
    config = YamlText.from_bytes(rendered[CONFIG_TEMPLATE].encode("utf-8"), config_label)
    values = to_plain(load_round_trip(config))
    if values is None:
        values = {}
    if not isinstance(values, dict):
        raise UsageError(f"{config_label} does not render a mapping of settings")
    return Scaffold(
        module_source=rendered[MODULE_TEMPLATE],
        config_source=rendered[CONFIG_TEMPLATE],
        test_source=rendered[TEST_TEMPLATE],
        config_values=values,
    )
