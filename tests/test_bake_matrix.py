"""Bake every option value (pairwise) and check the files each combination must have.

Each baked project: the exact file set for its options, no template syntax left over,
every YAML/TOML/JSON parses, every Python file compiles, the licence matches, the stamp
records the answers.
"""

from __future__ import annotations

import itertools
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import REPO_ROOT, bake_project, parse_generated_files

OPTIONS: dict[str, list[str]] = {
    "python_version": ["3.11", "3.12", "3.13"],
    "package_manager": ["poetry", "uv", "pip"],
    "license": ["MIT", "BSD-3-Clause", "Apache-2.0", "Proprietary"],
    "tracking": ["local", "server"],
    "ci": ["github", "gitlab", "none"],
    "example": ["full", "minimal"],
}

LICENSE_MARKERS = {
    "MIT": "Permission is hereby granted, free of charge",
    "BSD-3-Clause": "Neither the name of the copyright holder",
    "Apache-2.0": "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION",
    "Proprietary": "All rights reserved.",
}


def pairwise(options: dict[str, list[str]]) -> list[dict[str, str]]:
    """Pick combinations greedily until every pair of option values appears at least once."""
    keys = list(options)
    uncovered = {
        ((a, va), (b, vb))
        for a, b in itertools.combinations(keys, 2)
        for va in options[a]
        for vb in options[b]
    }
    candidates = [
        dict(zip(keys, values, strict=True)) for values in itertools.product(*options.values())
    ]
    pairs = list(itertools.combinations(keys, 2))
    chosen: list[dict[str, str]] = []
    while uncovered:
        covered_now = frozenset(uncovered)
        best = max(
            candidates,
            key=lambda c: sum(((a, c[a]), (b, c[b])) in covered_now for a, b in pairs),
        )
        chosen.append(best)
        uncovered -= {((a, best[a]), (b, best[b])) for a, b in pairs}
    return chosen


MATRIX = pairwise(OPTIONS)


def combo_id(combo: dict[str, str]) -> str:
    return "-".join(combo.values())


def project_files(project: Path) -> Iterator[Path]:
    for path in sorted(project.rglob("*")):
        if path.is_file() and ".git" not in path.relative_to(project).parts:
            yield path


@pytest.fixture(scope="module", params=MATRIX, ids=combo_id)
def baked(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, str], Path]:
    combo: dict[str, str] = request.param
    answers = dict(combo, project_name="Matrix Project")
    if combo["tracking"] == "server":
        answers["tracking_uri"] = "http://127.0.0.1:5123"
    project = bake_project(tmp_path_factory.mktemp("matrix"), **answers)
    return combo, project


def test_matrix_covers_every_value() -> None:
    for key, values in OPTIONS.items():
        assert {combo[key] for combo in MATRIX} == set(values)
    assert len(MATRIX) < 20


def template_files() -> set[str]:
    """Relative names of the template's files, as they would render for the default slug."""
    root = REPO_ROOT / "{{cookiecutter.project_slug}}"
    names = set()
    for path in root.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            names.add(str(path.relative_to(root)))
    return names


def expected_files(combo: dict[str, str], module: str) -> set[str]:
    post_gen = _post_gen_hook()
    answers = dict(combo, module_name=module)
    pruned = post_gen.paths_to_prune(answers)
    expected = set()
    for name in template_files():
        rendered = name.replace("{{cookiecutter.module_name}}", module)
        if any(rendered == p or rendered.startswith(p + "/") for p in pruned):
            continue
        expected.add(rendered)
    return expected


def _post_gen_hook() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "post_gen", REPO_ROOT / "hooks" / "post_gen_project.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_file_set_matches_the_options(baked: tuple[dict[str, str], Path]) -> None:
    combo, project = baked
    actual = {str(p.relative_to(project)) for p in project_files(project)}
    assert actual == expected_files(combo, "matrix_project")
    for must in ("pyproject.toml", "README.md", "LICENSE", ".gitignore", ".dvc/config"):
        assert must in actual
    assert (".github/workflows/ci.yml" in actual) is (combo["ci"] == "github")
    assert (".gitlab-ci.yml" in actual) is (combo["ci"] == "gitlab")
    locks = {
        "poetry": {"poetry.lock", "poetry.toml"},
        "uv": {"uv.lock"},
        "pip": {"requirements.lock"},
    }
    assert (
        actual & {"poetry.lock", "poetry.toml", "uv.lock", "requirements.lock"}
        == locks[combo["package_manager"]]
    )


def test_no_template_syntax_is_left(baked: tuple[dict[str, str], Path]) -> None:
    _, project = baked
    for path in project_files(project):
        text = path.read_text(encoding="utf-8")
        for marker in ("{{ cookiecutter", "{{cookiecutter", "cookiecutter.", "{%"):
            assert marker not in text, f"{marker!r} left in {path.relative_to(project)}"
        leftover = text.replace("${{", "")
        assert "{{" not in leftover, f"'{{{{' left in {path.relative_to(project)}"
    assert not [p for p in project.rglob("*") if "{{" in p.name or "cookiecutter" in p.name]


def test_structured_files_parse(baked: tuple[dict[str, str], Path]) -> None:
    _, project = baked
    assert parse_generated_files(project) > 20


def test_license_matches_the_choice(baked: tuple[dict[str, str], Path]) -> None:
    combo, project = baked
    text = (project / "LICENSE").read_text(encoding="utf-8")
    for name, marker in LICENSE_MARKERS.items():
        assert (marker in text) is (name == combo["license"]), name
    assert "Your Name" in text
    assert text.endswith("\n") and not text.endswith("\n\n")
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"].get("license") == (
        None if combo["license"] == "Proprietary" else combo["license"]
    )


def test_stamp_records_answers_and_version(baked: tuple[dict[str, str], Path]) -> None:
    combo, project = baked
    from mlops_kit.template import template_version

    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    stamp = pyproject["tool"]["mlops-kit"]
    assert stamp["template-version"] == template_version()
    assert stamp["answers"]["project_name"] == "Matrix Project"
    for key, value in combo.items():
        assert stamp["answers"][key] == value
    assert pyproject["project"]["requires-python"] == f">={combo['python_version']}"
    assert pyproject["build-system"]["build-backend"] == "poetry.core.masonry.api"


def test_project_is_a_git_and_dvc_repository(baked: tuple[dict[str, str], Path]) -> None:
    import subprocess

    _, project = baked
    assert (project / ".dvc" / "config").is_file()
    assert "analytics = false" in (project / ".dvc" / "config").read_text(encoding="utf-8")
    log = subprocess.run(
        ["git", "log", "--oneline"], cwd=project, capture_output=True, text=True, check=True
    )
    assert len(log.stdout.splitlines()) == 1
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=project, capture_output=True, text=True, check=True
    )
    assert status.stdout == ""


def test_no_template_file_is_hidden_by_a_gitignore() -> None:
    """A template file that git ignores would be missing from clones and from the wheel."""
    import subprocess

    ignored = subprocess.run(
        [
            "git",
            "ls-files",
            "--others",
            "--ignored",
            "--exclude-standard",
            "--",
            "{{cookiecutter.project_slug}}",
            "hooks",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert [name for name in ignored if "__pycache__" not in name] == []
