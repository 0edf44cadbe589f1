"""Regenerate every lock file the template ships: uv.lock, poetry.lock, requirements.lock.

A baked project must get a real lock of its package manager that is valid for its answers
without any network at bake time (`uv lock --check` and `poetry check --lock` pass). So
this script resolves the template for every combination of the answers that change a
resolution (Python version, an s3 DVC remote, the full or minimal example), with the real
tools, and merges the results into one Jinja template per lock file: a block shared by
every combination is written once, the others under `{% if variant in [...] %}`.

- uv.lock: one `uv lock` per combination (Python x s3 x example). The project's own entry
  is rendered with the project's name; the kit's entry points at the public index (its
  wheel cannot hold its own hash: the lock ships inside it).
- poetry.lock: one `poetry lock` per s3 x example, resolved for Python >= 3.11 (a lock valid
  for every later Python too); `python-versions` is rendered, and the post-generation hook
  writes the `content-hash` of the rendered pyproject.toml (hooks/post_gen_project.py).
- requirements.lock (pip): exact pins exported from each uv resolution (`uv export`).

The kit itself is resolved from a wheel built from this checkout, served on 127.0.0.1.
Needs the network (the package index), Python 3.11, 3.12 and 3.13 interpreters (uv locks
each requires-python with one), and uv and poetry at the versions in cookiecutter.json
(`_uv_version`, `_poetry_version`) on PATH. `make lock-template` does all of it:

    make lock-template     # tools into .lock-tools/, then this script (~5 min)

Bump `_uv_version` / `_poetry_version` there to move the generated CI and the tests to
newer tools, then rerun it.

Run it after changing the template's dependencies (its pyproject.toml) or the kit's own
runtime dependencies. `--check` only verifies that each lock file is a template of this
shape (used by tests; re-resolving needs the network).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = REPO_ROOT / "{{cookiecutter.project_slug}}"
PYTHONS = ("3.11", "3.12", "3.13")
EXAMPLES = ("full", "minimal")
S3_REMOTE = "s3://example-bucket/data"
DEFAULT_NAME = "wine-classifier"  # the default project's distribution name, as uv writes it
KIT_ENTRY_URL = "https://files.pythonhosted.org/packages/py3/m/mlops-kit/{wheel}"
UV_SECTION = "\n[[package]]\n"

# Jinja: the combination of answers a lock block belongs to.
UV_VARIANT = (
    "{%- set variant = cookiecutter.python_version ~ '/' ~ "
    "('s3' if cookiecutter.dvc_remote.startswith('s3://') else 'plain') ~ '/' ~ "
    "cookiecutter.example %}"
)
POETRY_VARIANT = (
    "{%- set variant = ('s3' if cookiecutter.dvc_remote.startswith('s3://') else 'plain') "
    "~ '/' ~ cookiecutter.example %}"
)
REQUIREMENTS_HEADER = """\
# Exact versions of everything this project installs (runtime and dev group), resolved
# together when the template was released. `make install` installs from this file
# (pip install -r requirements.lock -e .); `make lock` rewrites it from .venv after an
# upgrade.
"""


def template_versions() -> dict[str, str]:
    """Return the tool versions the template pins (cookiecutter.json's private keys)."""
    data = json.loads((REPO_ROOT / "cookiecutter.json").read_text(encoding="utf-8"))
    return {
        "uv": data["_uv_version"],
        "poetry": data["_poetry_version"],
        "kit": data["_template_version"],
    }


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run a command; stop the script with its output when it fails."""
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed in {cwd}:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def check_tools() -> None:
    """Stop unless uv and poetry at the template's versions are on PATH."""
    versions = template_versions()
    for tool, flag in (("uv", "--version"), ("poetry", "--version")):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not on PATH; install {tool}=={versions[tool]} (see --help)")
        out = run([tool, flag], REPO_ROOT)
        if versions[tool] not in out:
            sys.exit(f"{tool} on PATH says {out.strip()!r}; the template pins {versions[tool]}")


def find_python(version: str) -> str:
    """Return an interpreter of `version` (uv lock wants one that meets requires-python)."""
    candidates = [shutil.which(f"python{version}")]
    candidates += sorted(
        str(p) for p in Path.home().glob(f".pyenv/versions/{version}*/bin/python3")
    )
    for candidate in candidates:
        if candidate and subprocess.run([candidate, "-c", ""], capture_output=True).returncode == 0:
            return candidate
    sys.exit(f"no Python {version} found: install it (uv lock needs one for that version)")


def build_kit_wheel(directory: Path) -> Path:
    """Build the kit's wheel from this checkout into `directory`; return it."""
    run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(directory), str(REPO_ROOT)],
        REPO_ROOT,
    )  # fmt: skip
    (wheel,) = directory.glob("mlops_kit-*.whl")
    return wheel


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files without a log line per request (poetry asks for every package)."""

    def log_message(self, format: str, *args: object) -> None:
        """Say nothing."""


@contextmanager
def simple_index(wheel: Path) -> Iterator[str]:
    """Serve `wheel` as a one-package PEP 503 index on 127.0.0.1; yield its URL."""
    root = wheel.parent / "index"
    (root / "simple" / "mlops-kit").mkdir(parents=True)
    shutil.copy(wheel, root / wheel.name)
    (root / "simple" / "mlops-kit" / "index.html").write_text(
        f'<a href="../../{wheel.name}">{wheel.name}</a>\n', encoding="utf-8"
    )
    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/simple/"
    finally:
        server.shutdown()
        server.server_close()


def bake(where: Path, **answers: str) -> Path:
    """Bake the template with these answers into `where`; return the project."""
    sys.path.insert(0, str(REPO_ROOT / "cli"))
    from mlops_kit.new import bake_new_project

    pairs = [f"{key}={value}" for key, value in answers.items()]
    return bake_new_project(pairs, where, no_input=True)


def split_uv(text: str) -> list[str]:
    """Split a uv.lock into its header and one chunk per `[[package]]`."""
    header, *bodies = text.split(UV_SECTION)
    return [header, *(UV_SECTION + body for body in bodies)]


def normalise_uv(text: str, kit_wheel: str) -> str:
    """Make a fresh uv.lock project-neutral: the kit from the public index, any project name."""
    chunks = split_uv(text)
    for index, chunk in enumerate(chunks):
        if chunk.startswith(f'{UV_SECTION}name = "mlops-kit"\n'):
            lines = chunk.split("\n")
            for number, line in enumerate(lines):
                if line.startswith("source = { registry = "):
                    lines[number] = 'source = { registry = "https://pypi.org/simple" }'
                elif line.startswith("    { path = "):
                    lines[number] = f'    {{ url = "{KIT_ENTRY_URL.format(wheel=kit_wheel)}" }},'
            chunks[index] = "\n".join(lines)
        elif chunk.startswith(f'{UV_SECTION}name = "{DEFAULT_NAME}"\n'):
            chunks[index] = chunk.replace(
                f'name = "{DEFAULT_NAME}"',
                "name = \"{{ cookiecutter.project_slug|replace('_', '-') }}\"",
                1,
            )
    return "".join(chunks)


def lock_uv(work: Path, kit_dir: Path, python: str, s3: bool, example: str) -> tuple[str, str]:
    """Return (uv.lock, requirements.lock body) of one combination of answers."""
    project = bake(
        work, package_manager="uv", python_version=python, example=example,
        dvc_remote=S3_REMOTE if s3 else "",
    )  # fmt: skip
    env = {**os.environ, "UV_FIND_LINKS": str(kit_dir), "UV_PYTHON": find_python(python)}
    env["UV_PYTHON_DOWNLOADS"] = "never"  # a python3.X on PATH, never a download
    env.pop("VIRTUAL_ENV", None)
    (project / "uv.lock").unlink(missing_ok=True)
    run(["uv", "lock", "--quiet"], project, env)
    exported = run(
        ["uv", "export", "--frozen", "--no-hashes", "--no-header", "--no-annotate",
         "--no-emit-project", "--format", "requirements-txt"],
        project, env,
    )  # fmt: skip
    kit_wheel = next(kit_dir.glob("mlops_kit-*.whl")).name
    lock = normalise_uv((project / "uv.lock").read_text(encoding="utf-8"), kit_wheel)
    shutil.rmtree(project)
    return lock, exported


def split_poetry(text: str) -> tuple[list[str], str]:
    """Split a poetry.lock into package chunks (header first) and its [metadata] tail."""
    body, sep, metadata = text.partition("\n[metadata]\n")
    header, *blocks = body.split(UV_SECTION)
    return [header, *(UV_SECTION + block for block in blocks)], sep + metadata


def normalise_poetry(text: str) -> str:
    """Make a fresh poetry.lock project-neutral: the kit from the public index, no own hash."""
    chunks, metadata = split_poetry(text)
    for index, chunk in enumerate(chunks):
        if chunk.startswith(f'{UV_SECTION}name = "mlops-kit"\n'):
            before, _, _ = chunk.partition("\n[package.source]\n")
            start = before.index("\nfiles = [")
            end = before.index("\n]\n", start) + 3
            chunks[index] = before[:start] + "\nfiles = []\n" + before[end:].rstrip("\n") + "\n"
    lines = []
    for line in metadata.split("\n"):
        if line.startswith("python-versions = "):
            line = 'python-versions = ">={{ cookiecutter.python_version }}"'
        elif line.startswith("content-hash = "):
            # Written by the post-generation hook from the rendered pyproject.toml.
            line = 'content-hash = "' + "0" * 64 + '"'
        lines.append(line)
    return "".join(chunks) + "\n".join(lines)


def lock_poetry(work: Path, index_url: str, s3: bool, example: str) -> str:
    """Return poetry.lock of one combination of answers (Python >= 3.11)."""
    project = bake(
        work, package_manager="poetry", python_version="3.11", example=example,
        dvc_remote=S3_REMOTE if s3 else "",
    )  # fmt: skip
    pyproject = project / "pyproject.toml"
    original = pyproject.read_text(encoding="utf-8")
    # The kit is found on the one-package index; the lock keeps no trace of it (below).
    pyproject.write_text(
        original + f'\n[[tool.poetry.source]]\nname = "kit"\nurl = "{index_url}"\n'
        'priority = "supplemental"\n',
        encoding="utf-8",
    )
    (project / "poetry.lock").unlink(missing_ok=True)
    env = {**os.environ, "POETRY_VIRTUALENVS_CREATE": "false"}
    env.pop("VIRTUAL_ENV", None)
    run(["poetry", "lock", "--no-interaction"], project, env)
    lock = normalise_poetry((project / "poetry.lock").read_text(encoding="utf-8"))
    shutil.rmtree(project)
    return lock


def merge(variants: dict[str, list[str]], key: Callable[[str], object]) -> str:
    """Merge chunk lists of several variants into one Jinja template.

    Chunks common to every variant are written as they are; others are wrapped in
    `{% if variant in [...] %}`. Chunks are ordered by `key`.
    """
    owners: dict[str, list[str]] = {}
    for variant, chunks in variants.items():
        for chunk in chunks:
            jinja = "{{" in chunk or "{%" in chunk or "{#" in chunk
            if jinja and "cookiecutter." not in chunk:
                raise ValueError(f"a lock chunk holds Jinja syntax: {chunk[:80]!r}")
            owners.setdefault(chunk, []).append(variant)
    every = list(variants)
    out: list[str] = []
    for condition, group in itertools.groupby(
        sorted(owners, key=key), key=lambda chunk: owners[chunk]
    ):
        text = "".join(group)
        if condition == every:
            out.append(text)
        else:
            out.append(f"{{% if variant in {json.dumps(condition)} %}}{text}{{% endif %}}")
    return "".join(out)


def package_key(chunk: str) -> object:
    """Sort key of a lock chunk: the header first, then by package name and version."""
    if not chunk.startswith(UV_SECTION):
        return (0, chunk)
    fields = dict(line.split(" = ", 1) for line in chunk.split("\n")[2:4] if " = " in line)
    name = chunk.split("\n")[2]
    return (1, name, fields.get("version", ""), chunk)


def requirement_key(line: str) -> object:
    """Sort key of a requirements line: by name, then the line."""
    return (line.split("==")[0].lower(), line)


def generate(work: Path) -> dict[str, str]:
    """Resolve every combination; return file name -> template text."""
    kit_dir = work / "kit"
    kit_dir.mkdir()
    wheel = build_kit_wheel(kit_dir)
    uv_locks: dict[str, list[str]] = {}
    requirements: dict[str, list[str]] = {}
    for python, s3, example in itertools.product(PYTHONS, (False, True), EXAMPLES):
        variant = f"{python}/{'s3' if s3 else 'plain'}/{example}"
        print(f"uv lock {variant}", flush=True)
        lock, exported = lock_uv(work / "uv", kit_dir, python, s3, example)
        uv_locks[variant] = split_uv(lock)
        requirements[variant] = [line + "\n" for line in exported.splitlines() if line.strip()]
    poetry_locks: dict[str, list[str]] = {}
    with simple_index(wheel) as index_url:
        for s3, example in itertools.product((False, True), EXAMPLES):
            variant = f"{'s3' if s3 else 'plain'}/{example}"
            print(f"poetry lock {variant}", flush=True)
            chunks, metadata = split_poetry(lock_poetry(work / "poetry", index_url, s3, example))
            poetry_locks[variant] = [*chunks, metadata]

    def poetry_key(chunk: str) -> object:
        return (2, chunk) if chunk.startswith("\n[metadata]\n") else package_key(chunk)

    return {
        "uv.lock": UV_VARIANT + merge(uv_locks, package_key),
        "poetry.lock": POETRY_VARIANT + merge(poetry_locks, poetry_key),
        "requirements.lock": UV_VARIANT
        + REQUIREMENTS_HEADER
        + merge(requirements, requirement_key),
    }


def main() -> int:
    """Regenerate the template's lock files."""
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__,
    )
    parser.parse_args()
    check_tools()
    with tempfile.TemporaryDirectory() as scratch:
        files = generate(Path(scratch))
    for name, text in files.items():
        (TEMPLATE / name).write_text(text, encoding="utf-8")
        print(f"wrote {TEMPLATE / name} ({len(text) // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
