"""MLflow set-up in one place: which store, failing fast, runs never left RUNNING.

The store is `tracking.uri` from the config unless MLFLOW_TRACKING_URI is set in the
environment. mlflow is imported inside these functions only: it takes over a second to
import, and stages that do not log should not pay for it.
"""

from __future__ import annotations

import os
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from omegaconf import DictConfig

from .runner import StageError

if TYPE_CHECKING:
    from mlflow import ActiveRun

PROBE_TIMEOUT_SECONDS = 5.0
# MLflow retries a failed HTTP request for minutes by default; a pipeline step should fail
# in seconds. Values already in the environment win.
HTTP_DEFAULTS = {
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "2",
    "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1",
    "MLFLOW_HTTP_REQUEST_TIMEOUT": "30",
}
WHAT_TO_CHECK = (
    "check that the server is running (make server) and that MLFLOW_TRACKING_URI or "
    "conf/tracking/ names it"
)


class TrackingError(StageError):
    """The tracking store cannot be reached or refused a request."""


# Two pipelines that write the same new record (a dataset input, a model alias) to one
# tracking server at once both find it missing and both insert it; the store refuses the
# second insert. Asking again finds the first one's record.
STORE_ATTEMPTS = 4


def asked_again(request: Callable[[], object], attempts: int = STORE_ATTEMPTS) -> None:
    """Make `request()`, asking the store again (with a short pause) when it refuses."""
    from mlflow.exceptions import MlflowException

    for attempt in range(1, attempts):
        try:
            request()
            return
        except MlflowException:
            time.sleep(0.2 * attempt)
    request()


def tracking_uri(cfg: DictConfig) -> str:
    """Return the tracking URI: MLFLOW_TRACKING_URI if set, else `tracking.uri`."""
    return os.environ.get("MLFLOW_TRACKING_URI") or str(cfg.tracking.uri)


def check_server(uri: str, timeout: float = PROBE_TIMEOUT_SECONDS) -> None:
    """Raise TrackingError unless an http(s) tracking URI answers within `timeout` seconds.

    Any HTTP answer counts (an auth proxy may refuse the anonymous probe); only "nobody
    answers" fails. Other URI schemes (sqlite, file, databricks) are not probed.
    """
    if not uri.startswith(("http://", "https://")):
        return
    try:
        with urllib.request.urlopen(f"{uri.rstrip('/')}/health", timeout=timeout):
            pass
    except urllib.error.HTTPError:
        return
    except urllib.error.URLError as error:
        if isinstance(error.reason, ssl.SSLError):
            return  # something answered; MLflow applies its own TLS settings
        raise TrackingError(
            f"MLflow tracking server {uri} is not reachable ({error.reason}); {WHAT_TO_CHECK}"
        ) from None
    except OSError as error:
        raise TrackingError(
            f"MLflow tracking server {uri} is not reachable ({error}); {WHAT_TO_CHECK}"
        ) from None


def _first_line(text: object) -> str:
    """Return the first line of an MLflow error, without the response body it may quote."""
    lines = str(text).strip().splitlines()
    return lines[0].split(" Response body:")[0] if lines else "unknown error"


def start_tracking(cfg: DictConfig) -> str:
    """Point MLflow at the configured store and experiment; return the URI in use."""
    return _activate(cfg)[0]


def _activate(cfg: DictConfig) -> tuple[str, str]:
    """Point MLflow at the store and experiment; return the URI and the experiment id."""
    uri = tracking_uri(cfg)
    for name, value in HTTP_DEFAULTS.items():
        os.environ.setdefault(name, value)
    check_server(uri)
    import mlflow
    from mlflow.exceptions import MlflowException

    try:
        mlflow.set_tracking_uri(uri)
        experiment = mlflow.set_experiment(str(cfg.tracking.experiment))
    except MlflowException as error:
        raise TrackingError(
            f"MLflow store {uri} refused the experiment: {_first_line(error.message)}; "
            f"{WHAT_TO_CHECK}"
        ) from None
    return uri, experiment.experiment_id


@contextmanager
def tracked_run(
    cfg: DictConfig, run_name: str | None = None, run_id: str | None = None
) -> Iterator[ActiveRun]:
    """Start a run (or resume `run_id`); it ends FINISHED, or FAILED if the block raises."""
    uri, experiment_id = _activate(cfg)
    import mlflow
    from mlflow.exceptions import MlflowException

    try:
        # start_run's context manager ends the run as FAILED when the block raises.
        # The experiment is named explicitly: when two pipelines create it at once, the
        # loser gets it back from set_experiment without it becoming the active one.
        with (
            _store_errors_unlogged(),
            mlflow.start_run(
                run_id=run_id,
                run_name=run_name,
                experiment_id=None if run_id else experiment_id,
            ) as run,
        ):
            yield run
    except Exception as error:
        if not (isinstance(error, MlflowException) or _from_database(error)):
            raise
        first = _first_database_error(error)
        if first is None:  # the store answered with an error of its own
            message = getattr(error, "message", None) or str(error)
            raise TrackingError(f"MLflow store {uri}: {_first_line(message)}") from None
        message = str(getattr(first, "orig", None) or first)  # the driver's own words
        hint = STORE_HINT.get(uri.split(":", 1)[0], "")
        raise TrackingError(f"MLflow store {uri}: {_first_line(message)}{hint}") from None


# What to check when a local store fails half-way through a run.
STORE_HINT = {
    "sqlite": " (was the database file deleted or moved while the stage ran? run it again)",
}


def _from_database(error: BaseException) -> bool:
    return type(error).__module__.split(".")[0] in ("sqlalchemy", "sqlite3")


def _first_database_error(error: BaseException) -> BaseException | None:
    """Return the first database error in a chain (the later errors are its consequences)."""
    first = None
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _from_database(current):
            first = current
        current = current.__cause__ or current.__context__
    return first


@contextmanager
def _store_errors_unlogged() -> Iterator[None]:
    """Keep MLflow from logging a traceback per failed database call during a run.

    The failure still raises; `tracked_run` turns it into one line.
    """
    import logging

    store_logger = logging.getLogger("mlflow.store.db.utils")
    level = store_logger.level
    store_logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        store_logger.setLevel(level)
