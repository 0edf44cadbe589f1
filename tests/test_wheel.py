"""An installed wheel carries the template: `mlops-kit new` from it matches `cookiecutter`."""

from __future__ import annotations

import os
import sys
import zipfile
from pathlib import Path

import pytest
from helpers import REPO_ROOT, run

ENV_BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(dist), str(REPO_ROOT)],
        cwd=REPO_ROOT,
    )  # fmt: skip
    (built,) = dist.glob("mlops_kit-*.whl")
    return built


def test_wheel_bundles_the_template(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    template = "mlops_kit/template/"
    for required in (
        "cookiecutter.json",
        "local_extensions.py",
        "hooks/pre_gen_project.py",
        "hooks/post_gen_project.py",
        "{{cookiecutter.project_slug}}/pyproject.toml",
        "{{cookiecutter.project_slug}}/.gitignore",
        "{{cookiecutter.project_slug}}/.dvc/config",
    ):
        assert template + required in names
    # Nothing of the template lands at the top of site-packages.
    assert all(name.startswith(("mlops_kit/", "mlops_kit-")) for name in names)


@pytest.mark.slow
def test_installed_wheel_bakes_what_cookiecutter_bakes(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(site),
            str(wheel),
        ],
        cwd=tmp_path,
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    where = run(
        [sys.executable, "-c", "import mlops_kit.template as t; print(t.template_dir())"],
        cwd=tmp_path,
        env=env,
    )
    assert Path(where.stdout.strip()) == site / "mlops_kit" / "template"
    run(
        [
            sys.executable,
            "-m",
            "mlops_kit",
            "new",
            "--no-input",
            "-o",
            str(tmp_path / "kit"),
            "ci=gitlab",
        ],
        cwd=tmp_path,
        env=env,
    )
    run(
        [
            str(ENV_BIN / "cookiecutter"),
            "--no-input",
            str(REPO_ROOT),
            "-o",
            str(tmp_path / "cc"),
            "ci=gitlab",
        ],
        cwd=tmp_path,
    )

    def files(root: Path) -> dict[str, bytes]:
        return {
            str(p.relative_to(root)): p.read_bytes()
            for p in sorted(root.rglob("*"))
            if p.is_file() and ".git" not in p.relative_to(root).parts
        }

    assert files(tmp_path / "kit") == files(tmp_path / "cc")
