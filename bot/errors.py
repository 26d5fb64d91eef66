"""Errors that reach the user as one line and an exit status."""

from __future__ import annotations


class ConfigError(Exception):
    """Bad settings or config: names the file, the key or line, and what was expected.

    Raised before anything starts, so a bad value never leaves the service half-running.
    """

    def __init__(self, source: str, where: str | None, problem: str) -> None:
        self.source = source
        self.where = where
        self.problem = problem
        location = f"{source}: {where}" if where else source
        super().__init__(f"{location}: {problem}")
