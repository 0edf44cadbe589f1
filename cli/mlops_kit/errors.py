"""The one exception type commands raise for problems a user can fix."""

from __future__ import annotations


class UsageError(Exception):
    """Bad input: the CLI prints the message on one line and exits with `exit_code`."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code
