"""Validate the answers before cookiecutter writes anything.

Runs standalone (stdlib only) as cookiecutter's pre-generation hook, and is imported by
`mlops-kit new`, which calls `validate()` before any directory exists: one set of rules for
both paths. Answers reach this file only as JSON inside a raw string, so they stay data.
"""

from __future__ import annotations

import json
import keyword
import re
import sys
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

CHOICES: dict[str, tuple[str, ...]] = {
    "python_version": ("3.11", "3.12", "3.13"),
    "package_manager": ("poetry", "uv", "pip"),
    "license": ("MIT", "BSD-3-Clause", "Apache-2.0", "Proprietary"),
    "tracking": ("local", "server"),
    "ci": ("github", "gitlab", "none"),
    "example": ("full", "minimal"),
}

# Names a generated package must not take: it would shadow an import the project makes.
RESERVED_NAMES = frozenset(
    {
        "conf", "data", "docs", "dvc", "hydra", "joblib", "matplotlib", "mlflow", "mlops_kit",
        "models", "notebooks", "numpy", "omegaconf", "pandas", "pandera", "pdoc", "pip",
        "pkg_resources", "pre_commit", "pytest", "ruamel", "scipy", "setuptools", "sklearn",
        "src", "test", "tests", "typer", "yaml", "cookiecutter", "psycopg", "sqlalchemy",
    }
)  # fmt: skip

IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*\Z")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+\Z")
URL_CREDENTIALS = re.compile(r"^[a-z][a-z0-9+.-]*://[^/@\s]*@", re.IGNORECASE)
MAX_NAME_LENGTH = 64


def _shown(value: object) -> str:
    """Quote a value for an error message; control, zero-width and RTL characters escaped."""
    return ascii(value)


def _identifier_problem(value: str) -> str | None:
    """Say what keeps `value` from being a package name, or None when it is a good one."""
    if not value:
        return "is empty"
    if not IDENTIFIER.match(value):
        return (
            "is not a lowercase Python identifier: use a-z, 0-9 and _, "
            "starting with a letter (e.g. my_project)"
        )
    if len(value) > MAX_NAME_LENGTH:
        return f"is longer than {MAX_NAME_LENGTH} characters"
    if keyword.iskeyword(value) or keyword.issoftkeyword(value):
        return "is a Python keyword"
    if value in sys.stdlib_module_names or value in RESERVED_NAMES:
        return "would shadow the module of the same name (standard library or a dependency)"
    return None


def _check_identifier(key: str, value: str) -> str | None:
    problem = _identifier_problem(value)
    if problem is None:
        return None
    if not value:
        return f"{key} is empty; give a lowercase Python identifier such as my_project"
    return f"{key} {_shown(value)} {problem}; choose another name"


def derived_slug(name: str) -> str:
    """The project_slug that cookiecutter's `slugify(separator='_')` makes of `name`.

    An approximation with the standard library (accents folded, other characters dropped),
    good enough to tell whether a slug was derived from the name or typed.
    """
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", folded.replace("'", "").lower()).strip("_")


def _slug_from_name_problem(name: str, slug: str) -> str | None:
    """Blame project_name (the answer typed) when the slug derived from it is unusable."""
    problem = _identifier_problem(slug)
    if problem is None:
        return None
    if not slug:
        return (
            f"project_name {_shown(name)} has no letters or digits to make the project's "
            "folder and package name from; use a name such as 'Churn Model', or give "
            "project_slug=... as well"
        )
    return (
        f"project_name {_shown(name)} gives the folder and package name {_shown(slug)}, "
        f"which {problem}; change the name, or give project_slug=... as well"
    )


def _check_text(key: str, value: str) -> str | None:
    if not value.strip():
        return f"{key} is empty; give a value"
    return None


def _check_email(value: str) -> str | None:
    if not EMAIL.match(value):
        return f"author_email {_shown(value)} is not an e-mail address like name@example.com"
    return None


def _check_tracking_uri(value: str) -> str | None:
    if not re.match(r"https?://[^\s/$]+(/[^\s$]*)?\Z", value):
        return (
            f"tracking_uri {_shown(value)} is not an http(s):// URL; "
            "give the tracking server address, e.g. http://127.0.0.1:5000"
        )
    if URL_CREDENTIALS.match(value):
        return (
            "tracking_uri holds credentials (user:password@); remove them and set "
            "MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD in the environment"
        )
    return None


def _check_dvc_remote(value: str) -> str | None:
    if not value:
        return None
    if not value.isprintable() or value != value.strip() or any(c in value for c in "#;\"'"):
        return (
            f"dvc_remote {_shown(value)} contains control characters, quotes, # or ; "
            "or surrounding spaces; give a plain path or s3:// URL"
        )
    if URL_CREDENTIALS.match(value):
        return (
            "dvc_remote holds credentials; remove them and put them in .dvc/config.local "
            "with `dvc remote modify --local`"
        )
    if value.startswith("s3://"):
        if not re.match(r"s3://[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9](/\S*)?\Z", value):
            return f"dvc_remote {_shown(value)} is not an s3://bucket/path URL"
        return None
    if value.startswith("/"):
        return None
    return (
        f"dvc_remote {_shown(value)} is neither an absolute local path nor an s3:// URL; "
        "leave it empty for no remote"
    )


def derived_answers(answers: Mapping[str, Any]) -> set[str]:
    """The names among project_slug and module_name whose values are the derived defaults."""
    derived: set[str] = set()
    name, slug = answers.get("project_name"), answers.get("project_slug")
    if isinstance(name, str) and isinstance(slug, str) and slug == derived_slug(name):
        derived.add("project_slug")
    if isinstance(slug, str) and answers.get("module_name") == slug:
        derived.add("module_name")
    return derived


def problems_by_answer(
    answers: Mapping[str, Any], derived: set[str] | None = None
) -> dict[str, list[str]]:
    """Map each answer a person typed to the problems it causes (valid answers left out).

    A value derived from another answer (project_slug from project_name, module_name from
    project_slug), as listed in `derived` or detected when None, is blamed on the answer it
    came from: that is the one to change.
    """
    derived = derived_answers(answers) if derived is None else derived
    problems: dict[str, list[str]] = {}

    def add(key: str, problem: str | None) -> None:
        if problem:
            problems.setdefault(key, []).append(problem)

    def check(key: str, checker: Callable[[str], str | None]) -> None:
        value = answers.get(key)
        if not isinstance(value, str):
            add(key, f"{key} is missing or not text; give it as {key}=VALUE")
            return
        add(key, checker(value))

    check("project_name", lambda v: _check_text("project_name", v))
    name, slug = answers.get("project_name"), answers.get("project_slug")
    if "project_slug" in derived and isinstance(name, str) and isinstance(slug, str):
        if name.strip():
            add("project_name", _slug_from_name_problem(name, slug))
    else:
        check("project_slug", lambda v: _check_identifier("project_slug", v))
    slug_is_bad = isinstance(slug, str) and _identifier_problem(slug) is not None
    if not ("module_name" in derived and slug_is_bad):
        check("module_name", lambda v: _check_identifier("module_name", v))
    check("author_name", lambda v: _check_text("author_name", v))
    check("author_email", _check_email)
    for key, allowed in CHOICES.items():
        value = answers.get(key)
        if value not in allowed:
            add(key, f"{key} {_shown(value)} is not one of {', '.join(allowed)}; pick one of those")
    if answers.get("tracking") == "server":
        check("tracking_uri", _check_tracking_uri)
    check("dvc_remote", _check_dvc_remote)
    return problems


def validate(answers: Mapping[str, Any], derived: set[str] | None = None) -> list[str]:
    """Return one readable line per problem with the answers; empty when all are valid."""
    return [line for lines in problems_by_answer(answers, derived).values() for line in lines]


def main(answers_json: str) -> int:
    """Validate the rendered answers; print `ERROR: ...` lines and return 1 on problems."""
    problems = validate(json.loads(answers_json))
    for problem in problems:
        print(f"ERROR: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    try:
        sys.exit(main(r"""{{ cookiecutter|tojson }}"""))
    except KeyboardInterrupt:
        sys.exit(130)
