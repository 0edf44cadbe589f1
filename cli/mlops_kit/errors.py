"""The one exception type commands raise for problems a user can fix, and a last net.

`one_line_errors` turns the failures a hostile or broken repository can still cause deep
inside a writer (a permission denied, a symlink loop, a full disk, nesting too deep) into
a `UsageError`, so the CLI prints one `Error:` line instead of a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path


class UsageError(Exception):
    """Bad input: the CLI prints the message on one line and exits with `exit_code`."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _where(error: OSError, root: Path | None) -> str:
    filename = error.filename
    if filename is None:
        return ""
    path = Path(str(filename))
    if root is not None:
        with suppress(ValueError):
            path = path.relative_to(root)
    return f"{path.as_posix()}: "


@contextmanager
def one_line_errors(root: Path | None = None, exit_code: int = 2) -> Iterator[None]:
    """Report OS errors, symlink loops and over-deep nesting as a `UsageError`."""
    try:
        yield
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise UsageError(f"{_where(error, root)}{reason}; nothing was written", exit_code) from None
    except RecursionError:
        raise UsageError(
            "an input is nested too deeply (or a symlink loops); nothing was written",
            exit_code,
        ) from None
    except RuntimeError as error:
        # pathlib reports a symlink loop as RuntimeError on Python 3.11 and 3.12.
        if "loop" not in str(error).lower():
            raise
        raise UsageError(
            f"{error}; fix or remove the link, nothing was written", exit_code
        ) from None
