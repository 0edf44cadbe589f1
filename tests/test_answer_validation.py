"""The pre-generation hook's rules, called directly: one line per problem."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from helpers import REPO_ROOT
from mlops_kit.new import load_validator


@pytest.fixture(scope="module")
def validator() -> ModuleType:
    return load_validator(REPO_ROOT)


def defaults() -> dict[str, Any]:
    data = json.loads((REPO_ROOT / "cookiecutter.json").read_text(encoding="utf-8"))
    answers = {k: (v[0] if isinstance(v, list) else v) for k, v in data.items()}
    answers.update(project_slug="wine_classifier", module_name="wine_classifier")
    return answers


def test_defaults_are_valid(validator: ModuleType) -> None:
    assert validator.validate(defaults()) == []


BAD_NAMES = [
    "../x", "/abs", "a/b", ".", "..", "~", "", "class", "match", "json", "os", "test",
    "mlflow", "dvc", "hydra", "sklearn", "pandas", "3d_model", "my-project", "MyProject",
    "my\u200bproject", "my\u202eproject", "ab cd", "x" * 65, "café",
]  # fmt: skip


@pytest.mark.parametrize("name", BAD_NAMES)
@pytest.mark.parametrize("key", ["project_slug", "module_name"])
def test_bad_names_are_rejected_with_one_line(validator: ModuleType, key: str, name: str) -> None:
    problems = validator.validate({**defaults(), key: name})
    assert len(problems) == 1
    assert problems[0].startswith(key)
    assert "\n" not in problems[0]
    # Invisible and control characters are shown escaped, never raw.
    assert "\u200b" not in problems[0]
    assert "\u202e" not in problems[0]


@pytest.mark.parametrize(
    ("key", "value", "fragment"),
    [
        ("author_email", "not-an-email", "e-mail"),
        ("author_email", "a@b", "e-mail"),
        ("python_version", "3.10", "python_version"),
        ("python_version", "2.7", "python_version"),
        ("license", "GPL", "license"),
        ("ci", "jenkins", "ci"),
        ("example", "huge", "example"),
        ("tracking", "cloud", "tracking"),
        ("project_name", "   ", "project_name"),
        ("author_name", "", "author_name"),
        ("dvc_remote", "relative/path", "dvc_remote"),
        ("dvc_remote", "s3://user:secret@bucket/x", "credentials"),
        ("dvc_remote", "/path/with#hash", "dvc_remote"),
        ("dvc_remote", "/new\nline", "dvc_remote"),
        ("dvc_remote", "s3://Bad_Bucket!/x", "s3://"),
    ],
)
def test_bad_answers_are_rejected(
    validator: ModuleType, key: str, value: str, fragment: str
) -> None:
    problems = validator.validate({**defaults(), key: value})
    assert len(problems) == 1, problems
    assert fragment in problems[0]


@pytest.mark.parametrize(
    ("uri", "ok"),
    [
        ("http://127.0.0.1:5000", True),
        ("https://mlflow.example.com/team", True),
        ("ftp://host", False),
        ("http://user:pass@host:5000", False),
        ("http://host with space", False),
        ("http://127.0.0.1:5000/${oc.env:HOME}", False),
        ("", False),
    ],
)
def test_tracking_uri_is_checked_only_for_a_server(
    validator: ModuleType, uri: str, ok: bool
) -> None:
    server = validator.validate({**defaults(), "tracking": "server", "tracking_uri": uri})
    assert (server == []) is ok
    assert validator.validate({**defaults(), "tracking": "local", "tracking_uri": uri}) == []


@pytest.mark.parametrize("remote", ["", "/mnt/nas/dvc-store", "s3://my-bucket/ml/data"])
def test_good_dvc_remotes_pass(validator: ModuleType, remote: str) -> None:
    assert validator.validate({**defaults(), "dvc_remote": remote}) == []


def test_non_text_answers_are_reported(validator: ModuleType) -> None:
    problems = validator.validate({**defaults(), "project_slug": 7})
    assert problems == ["project_slug is missing or not text; give it as project_slug=VALUE"]


def test_hook_gets_answers_only_through_tojson() -> None:
    for hook in ("pre_gen_project.py", "post_gen_project.py"):
        source = Path(REPO_ROOT, "hooks", hook).read_text(encoding="utf-8")
        placeholders = [line for line in source.splitlines() if "{{" in line or "{%" in line]
        assert placeholders == ['        sys.exit(main(r"""{{ cookiecutter|tojson }}"""))']


@pytest.mark.parametrize(
    ("name", "slug"),
    [("123 Numbers", "123_numbers"), ("!!!", ""), ("Class", "class"), ("JSON", "json")],
)
def test_a_derived_name_blames_the_answer_typed(
    validator: ModuleType, name: str, slug: str
) -> None:
    answers = {**defaults(), "project_name": name, "project_slug": slug, "module_name": slug}
    problems = validator.validate(answers)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"project_name {name!a}")
    assert "project_slug=" in problems[0]  # how to keep the name anyway
    # Typed by hand, the same slug is the slug's own problem.
    typed = validator.validate(answers, derived=set())
    assert typed[0].startswith("project_slug")


def test_problems_are_keyed_by_the_answer_to_change(validator: ModuleType) -> None:
    answers = {**defaults(), "author_email": "nobody", "project_slug": "x-y"}
    keyed = validator.problems_by_answer(answers)
    assert set(keyed) == {"author_email", "project_slug"}
