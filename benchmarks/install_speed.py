"""Time and disk of installing a baked project with each package manager, cold and warm cache.

For poetry, uv and pip: bake the default project with that manager, then run its README's
install commands in a fresh .venv twice: with empty download caches (cold) and again into a
new .venv with the caches the first run filled (warm). Prints seconds and the size of .venv
and of the caches. Then the cold and no-op `dvc repro` of the default bake.

Needs the network (a cold install downloads every package). The kit's wheel is built from
this checkout and served through --find-links, as in tests/isolation.

    .venv/bin/python benchmarks/install_speed.py [--managers poetry,uv,pip]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "cli")]

from isolation.fresh_machine import (  # noqa: E402
    KIT_VERSION,
    build_wheelhouse,
    ensure_tools_venv,
    machine_env,
    plain_commands,
    system_python,
)


def size(path: Path) -> str:
    out = subprocess.run(["du", "-sh", str(path)], capture_output=True, text=True, check=False)
    return out.stdout.split()[0] if out.stdout else "?"


def sh(command: str, cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(["bash", "-eo", "pipefail", "-c", command], cwd=cwd, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - start


def install(project: Path, manager: str, env: dict[str, str]) -> float:
    """Fresh .venv, then the README's install commands (not its dvc repro); seconds."""
    shutil.rmtree(project / ".venv", ignore_errors=True)
    seconds = 0.0
    if manager != "pip":  # the kit from the stand-in index, as in tests/isolation
        seconds += sh(f"{system_python()} -m venv .venv && .venv/bin/python -m pip install "
                      f"--quiet --no-deps mlops-kit=={KIT_VERSION}", project, env)  # fmt: skip
    readme = (project / "README.md").read_text(encoding="utf-8")
    commands = [c for c in plain_commands(readme) if "dvc repro" not in c]
    seconds += sh("\n".join(commands), project, env)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--managers", default="poetry,uv,pip")
    args = parser.parse_args()
    from mlops_kit.new import bake_new_project

    os.environ.setdefault("DVC_NO_ANALYTICS", "1")
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        base = machine_env(build_wheelhouse(work / "wheels"), ensure_tools_venv())
        print(f"{'manager':8} {'cold s':>7} {'warm s':>7} {'.venv':>7} {'cache':>7}")
        for manager in args.managers.split(","):
            caches = work / f"cache-{manager}"
            env = {
                **base,
                "PIP_CACHE_DIR": str(caches / "pip"),
                "UV_CACHE_DIR": str(caches / "uv"),
                "POETRY_CACHE_DIR": str(caches / "pypoetry"),
            }
            project = bake_new_project(
                [f"package_manager={manager}"], work / manager, no_input=True
            )
            cold = install(project, manager, env)
            warm = install(project, manager, env)
            print(
                f"{manager:8} {cold:7.1f} {warm:7.1f} {size(project / '.venv'):>7} "
                f"{size(caches):>7}",
                flush=True,
            )
            if manager == args.managers.split(",")[0]:
                env = {**env, "PATH": f"{project / '.venv' / 'bin'}{os.pathsep}{env['PATH']}"}
                repro_cold = sh("dvc repro", project, env)
                repro_noop = sh("dvc repro", project, env)
                print(f"dvc repro of the default bake: cold {repro_cold:.1f} s, "
                      f"no-op {repro_noop:.1f} s")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
