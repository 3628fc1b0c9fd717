"""A mistake in one settings source, located well enough for the user to fix it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class ConfigProblem:
    """Something wrong in one settings source, located well enough for the user to fix it.

    ``fatal``: the app can start on defaults, but a command without a user to read the notice (the
    CLI's subcommands) must not: a whole file ignored, an unknown provider, an unusable data dir.
    """

    file: str  # a path, ".env", "environment" or "arguments"
    line: int | None
    key: str | None  # dotted, e.g. "tools.max_steps"
    message: str
    column: int | None = None
    fatal: bool = False
    #: What the app does instead ("using the default ..."); not said by a command that stops on it.
    fallback: str = ""

    def __str__(self) -> str:
        return f"{self.as_stop()}; {self.fallback}" if self.fallback else self.as_stop()

    def as_stop(self) -> str:
        """The problem without the fallback: what a subcommand says when it stops on it."""
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"
