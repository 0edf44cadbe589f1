"""SRV107: Jupyter with an emptied token on every interface, wherever it is started."""

from __future__ import annotations

from pathlib import Path

import pytest
from audit.support import TRAINING_PROJECT as TRAINING
from audit.support import places, repo

COMPOSE = """services:
  notebook:
    build: .
    ports:
      - "8888:8888"
    command: ["jupyter", "notebook", "--ip=0.0.0.0", "--port=8888", "--allow-root", {token}]
"""


@pytest.mark.parametrize(
    ("files", "found"),
    [
        (
            {"docker-compose.yaml": COMPOSE.format(token="\"--NotebookApp.token=''\"")},
            ["docker-compose.yaml:6"],
        ),
        (
            {"docker-compose.yaml": COMPOSE.format(token='"--ServerApp.token="')},
            ["docker-compose.yaml:6"],
        ),
        (
            {
                "Dockerfile": "FROM python:3.11\nRUN pip install jupyterlab==4.3.4\n"
                "CMD jupyter lab --ip 0.0.0.0 --allow-root \\\n"
                "    --ServerApp.token='' --ServerApp.password=''\n"
            },
            ["Dockerfile:3"],
        ),
        (
            {
                "docker/Dockerfile": "FROM quay.io/jupyter/scipy-notebook:2024-12-02\n"
                'CMD ["start-notebook.py", "--IdentityProvider.token="]\n'
            },
            ["docker/Dockerfile:2"],
        ),
        (
            {"scripts/lab.sh": "#!/bin/sh\nexec jupyter lab --ip='*' --NotebookApp.token=\"\"\n"},
            ["scripts/lab.sh:2"],
        ),
        (
            {
                "jupyter_server_config.py": "c = get_config()\nc.ServerApp.ip = '0.0.0.0'\n"
                "c.ServerApp.token = ''\n"
            },
            ["jupyter_server_config.py"],
        ),
    ],
)
def test_an_open_server_is_reported_where_it_is_started(
    tmp_path: Path, files: dict[str, str], found: list[str]
) -> None:
    assert places(repo(tmp_path, {**TRAINING, **files}, "open"), "SRV107") == found


@pytest.mark.parametrize(
    "files",
    [
        {"docker-compose.yaml": COMPOSE.format(token='"--NotebookApp.token=s3cr3t-lab"')},
        {"Dockerfile": "FROM python:3.11\nCMD jupyter lab --ip=127.0.0.1 --ServerApp.token=''\n"},
        {
            "Dockerfile": "FROM python:3.11\nCMD jupyter lab --ip=0.0.0.0 --ServerApp.token='' "
            "--ServerApp.password='argon2:$argon2id$v=19$m=10240,t=10,p=8$abc'\n"
        },
        {"Dockerfile": "FROM python:3.11\n# CMD jupyter lab --ip=0.0.0.0 --ServerApp.token=''\n"},
        {
            "examples/Dockerfile": "FROM python:3.11\n"
            "CMD jupyter lab --ip=0.0.0.0 --ServerApp.token=''\n"
        },
        {"jupyter_server_config.py": "c.ServerApp.ip = 'localhost'\nc.ServerApp.token = ''\n"},
    ],
)
def test_a_server_with_a_token_a_password_or_on_loopback_is_not(
    tmp_path: Path, files: dict[str, str]
) -> None:
    assert places(repo(tmp_path, {**TRAINING, **files}, "closed"), "SRV107") == []
