"""Typed errors of ner_ar's public API."""

from __future__ import annotations

import os


class UserDataError(ValueError):
    """A user's gazetteer or rule file that cannot be used: ``path`` and ``line`` (1-based, or
    None when the whole file is at fault) say where, the message says what is wrong."""

    def __init__(self, path: str | os.PathLike[str], line: int | None, message: str) -> None:
        where = f"{os.fspath(path)}:{line}" if line is not None else os.fspath(path)
        super().__init__(f"{where}: {message}")
        self.path = os.fspath(path)
        self.line = line
