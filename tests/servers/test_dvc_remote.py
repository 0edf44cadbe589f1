"""DVC remote option: data pushed to a local-directory remote comes back in a fresh clone."""

from __future__ import annotations

import configparser
import hashlib
import json
import subprocess
import time
from pathlib import Path

import pytest
from helpers import bake_project, install_project, run

CREDENTIAL_KEYS = (
    "access_key_id",
    "secret_access_key",
    "session_token",
    "password",
    "user",
    "credentialpath",
    "key",
    "token",
)


def dvc_config(project: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser()
    parser.read(project / ".dvc" / "config", encoding="utf-8")
    return parser


def assert_no_credentials(project: Path) -> None:
    config = dvc_config(project)
    for section in config.sections():
        for key in config[section]:
            assert key not in CREDENTIAL_KEYS, f".dvc/config [{section}] holds {key}"
    assert "@" not in (project / ".dvc" / "config").read_text("utf-8")
    ignored = subprocess.run(
        ["git", "check-ignore", "--quiet", ".dvc/config.local"], cwd=project, check=False
    )
    assert ignored.returncode == 0, ".dvc/config.local (where credentials go) is git-ignored"


def output_digests(project: Path) -> dict[str, str]:
    """SHA-256 of every file under data/ and models/ that git does not track (DVC's outputs)."""
    tracked = set(run(["git", "ls-files"], cwd=project).stdout.splitlines())
    return {
        name: hashlib.sha256(path.read_bytes()).hexdigest()
        for folder in ("data", "models")
        for path in sorted((project / folder).rglob("*"))
        if path.is_file() and (name := path.relative_to(project).as_posix()) not in tracked
    }


@pytest.mark.parametrize(
    ("answer", "url"),
    [("s3://team-bucket/wine", "s3://team-bucket/wine"), ("/srv/dvc-store", "/srv/dvc-store")],
)
def test_remote_answer_becomes_the_default_remote_without_credentials(
    tmp_path: Path, answer: str, url: str
) -> None:
    project = bake_project(tmp_path, dvc_remote=answer)
    config = dvc_config(project)
    assert config["core"]["remote"] == "storage"
    assert dict(config["'remote \"storage\"'"]) == {"url": url}
    assert_no_credentials(project)


def test_no_remote_answer_means_no_remote(tmp_path: Path) -> None:
    project = bake_project(tmp_path)
    config = dvc_config(project)
    assert "remote" not in config["core"]
    assert not [s for s in config.sections() if s.startswith("'remote")]


@pytest.mark.slow
def test_push_then_clone_and_pull_restores_the_data(
    tmp_path: Path, project_env: dict[str, str]
) -> None:
    remote = tmp_path / "dvc-remote"
    remote.mkdir()
    project = bake_project(tmp_path, project_name="Remote Data", dvc_remote=str(remote))
    install_project(project, project_env)
    started = time.perf_counter()
    run(["dvc", "repro"], cwd=project, env=project_env)
    print(f"\nTIMING dvc repro with the embedded store: {time.perf_counter() - started:.1f} s")
    run(["git", "add", "--all"], cwd=project, env=project_env)
    run(["git", "commit", "--quiet", "-m", "Run the pipeline"], cwd=project, env=project_env)
    assert run(["git", "status", "--porcelain"], cwd=project).stdout == ""
    run(["dvc", "push"], cwd=project, env=project_env)
    assert any(path.is_file() for path in remote.rglob("*")), "the remote holds the data"

    clone = tmp_path / "clone"
    run(["git", "clone", "--quiet", str(project), str(clone)], cwd=tmp_path)
    pushed = output_digests(project)
    assert pushed, "the pipeline produced data and a model"
    assert output_digests(clone) == {}, "outputs are not in git"
    run(["dvc", "pull"], cwd=clone, env=project_env)
    assert output_digests(clone) == pushed
    status = run(["dvc", "status", "--json"], cwd=clone, env=project_env)
    assert json.loads(status.stdout) == {}
    assert_no_credentials(clone)
    assert dvc_config(clone)["'remote \"storage\"'"]["url"] == str(remote)
