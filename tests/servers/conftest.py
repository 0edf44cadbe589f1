"""Session-wide real servers on 127.0.0.1: one PostgreSQL and one MLflow tracking server on it.

Both start lazily (only when a slow server test asks for them), once per session, and are
stopped by PID at the end of the session even when tests or start-up fail.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from servers.local_servers import MlflowServer, Postgres, running_mlflow_server, running_postgres


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Postgres]:
    """A throw-away PostgreSQL cluster with an empty `mlflow` database."""
    with running_postgres() as server:
        print(f"\nTIMING postgres start-up (initdb + ready): {server.startup_seconds:.1f} s")
        yield server


@pytest.fixture(scope="session")
def tracking_server(
    postgres_server: Postgres,
    tmp_path_factory: pytest.TempPathFactory,
    project_env: dict[str, str],
) -> Iterator[MlflowServer]:
    """`mlflow server --workers 1` on the PostgreSQL store, artifacts proxied to a temp dir."""
    env = {**project_env, **postgres_server.libpq_env}
    workdir = tmp_path_factory.mktemp("mlflow-server")
    with running_mlflow_server(postgres_server.sqlalchemy_uri, workdir, env) as server:
        print(f"\nTIMING mlflow server start-up to /health: {server.startup_seconds:.1f} s")
        yield server
