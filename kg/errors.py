"""One exception family for the whole package; problems in the data are values, not exceptions."""

from __future__ import annotations


class KehoachError(Exception):
    """Base of every error kehoach-kg raises on purpose."""


class InputError(KehoachError):
    """A file cannot be read as a plan: not UTF-8, empty, binary, too large, not a plan.

    ``file`` and ``line`` say where; the message says why in words a person can act on.
    """

    def __init__(self, file: str, what: str, detail: str, line: int | None = None) -> None:
        self.file = file
        self.line = line
        self.what = what
        self.detail = detail
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {what}: {detail}")


class ValidationFailed(KehoachError):
    """The graph does not conform to the SHACL shapes (exit code 1)."""
