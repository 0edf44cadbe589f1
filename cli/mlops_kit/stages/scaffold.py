"""Render a new stage's module, config and test from the scaffold templates.

The built-in templates live in `mlops_kit/stages/templates/`. A project can replace any of
them with a file of the same name in `.mlops-kit/templates/stage/`. Templates are Jinja
(the engine the project template uses), rendered in a sandbox: a template from a cloned
repository can fill in text but cannot run code.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlops_kit.errors import UsageError
from mlops_kit.stages.project import Project
from mlops_kit.stages.yamlemit import yaml_scalar
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


def _environment() -> Any:
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(
        undefined=StrictUndefined, keep_trailing_newline=True, autoescape=False
    )
    env.filters["yaml_string"] = yaml_scalar
    env.filters["python_string"] = lambda value: json.dumps(str(value), ensure_ascii=False)
    return env


def _render(env: Any, path: Path, label: str, variables: dict[str, Any]) -> str:
    from jinja2 import TemplateError, TemplateSyntaxError

    raw = path.read_bytes()
    if len(raw) > MAX_TEMPLATE_BYTES:
        raise UsageError(f"{label}: larger than {MAX_TEMPLATE_BYTES // 1024} KiB; not a template")
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{label}: not UTF-8 text") from None
    try:
        return str(env.from_string(source).render(**variables))
    except TemplateSyntaxError as error:
        raise UsageError(f"{label}:{error.lineno}: {error.message}") from None
    except TemplateError as error:
        raise UsageError(f"{label}: {error}") from None


def _check_python(source: str, label: str) -> None:
    try:
        ast.parse(source)
    except SyntaxError as error:
        raise UsageError(
            f"{label} renders invalid Python (line {error.lineno}): {error.msg}"
        ) from None


def render_scaffold(project: Project, spec: StageSpec) -> Scaffold:
    """Render the stage's three files; refuse a template that renders broken code or YAML."""
    env = _environment()
    variables = spec.variables()
    rendered: dict[str, str] = {}
    for name in TEMPLATE_NAMES:
        path, label = template_path(project, name)
        rendered[name] = _render(env, path, label, variables)
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
