"""The error log for bug reports: a private, rotating file in the state dir, redacted line by line.

``setup_logging(config)`` (called once by the CLI for the app and for ``flux-tui run``) sends records
of flux-tui (INFO and up) and of everything else (WARNING and up) to ``<log_dir>/flux-tui.log``:
``config.log_dir`` is ``<data_dir>/logs`` when a data dir is set, else the platform's user state dir.
The directory is created 0700 and every log file 0600, rotated files included. Every formatted
record, traceback included, goes through ``Redactor`` (the configured keys plus key-shaped patterns),
so a key can never reach the file, whatever a library puts in its messages.
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flux_tui.core.redact import Redactor

LOG_FILENAME = "flux-tui.log"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MAX_BYTES = 1_000_000
BACKUPS = 3


class RedactingFormatter(logging.Formatter):
    """A Formatter whose whole output (message, arguments, traceback) is redacted."""

    def __init__(self, redactor: Redactor, fmt: str | None = LOG_FORMAT, **kwargs: Any) -> None:
        super().__init__(fmt, **kwargs)
        self.redactor = redactor

    def format(self, record: logging.LogRecord) -> str:
        return self.redactor.redact_text(super().format(record))


class RedactingFilter(logging.Filter):
    """For handlers whose formatter is not ours: redacts the record in place before it is emitted.

    The message is rendered with its arguments and a traceback is rendered into ``exc_text`` first, so
    nothing unredacted is formatted later.
    """

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor
        self._formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redactor.redact_text(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redactor.redact_text(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redactor.redact_text(record.stack_info)
        return True


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Creates each log file (first one and rotated ones) with mode 0600, never briefly wider."""

    def _open(self) -> Any:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with contextlib.suppress(OSError):
            os.chmod(self.baseFilename, 0o600)  # an existing file from an older version
        return os.fdopen(fd, "a", encoding=self.encoding or "utf-8", errors=self.errors)


def config_secrets(config: Any) -> list[str]:
    """Every key the config knows: built-in and named providers' keys and all their header values, and
    the MCP servers' credentials."""
    from flux_tui.core.secret_values import configured_values, mcp_env_secrets

    found = [value for value, _label, _credential in configured_values(config)]
    found.extend(mcp_env_secrets(config))
    return list(dict.fromkeys(found))


@dataclass
class LogSetup:
    """What ``setup_logging`` installed; ``close()`` removes it again (tests, a second app run)."""

    path: Path
    handler: logging.Handler
    redactor: Redactor
    _previous_levels: dict[str, int]

    def add_secrets(self, secrets: Iterable[str | None]) -> None:
        """Keys that became known later (a provider configured at run time)."""
        self.redactor.add_secrets(secrets)

    def close(self) -> None:
        logging.getLogger().removeHandler(self.handler)
        for name, level in self._previous_levels.items():
            logging.getLogger(name).setLevel(level)
        self.handler.close()


def setup_logging(
    config: Any = None,
    secrets: Iterable[str | None] | None = None,
    *,
    log_dir: Path | None = None,
    level: int = logging.INFO,
) -> LogSetup:
    """Install the redacting file handler; returns where it writes. Safe to call more than once
    (each call replaces the handler a previous one installed)."""
    directory = Path(log_dir or config.log_dir)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(OSError):
        os.chmod(directory, 0o700)
    all_secrets = list(secrets or [])
    if config is not None:
        all_secrets += config_secrets(config)
    redactor = Redactor(all_secrets)
    path = directory / LOG_FILENAME
    handler = PrivateRotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    handler.setFormatter(RedactingFormatter(redactor))
    handler.set_name("flux-tui-file")
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "flux-tui-file"]:
        root.removeHandler(old)
        old.close()
    previous = {"flux_tui": logging.getLogger("flux_tui").level}
    # Records of other libraries reach the handler from WARNING up (the root logger's default);
    # flux-tui's own from ``level`` up, which its logger is set to.
    handler.addFilter(_LevelByOrigin(level))
    root.addHandler(handler)
    logging.getLogger("flux_tui").setLevel(level)
    return LogSetup(path=path, handler=handler, redactor=redactor, _previous_levels=previous)


class _LevelByOrigin(logging.Filter):
    def __init__(self, own_level: int) -> None:
        super().__init__()
        self.own_level = own_level

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "flux_tui" or record.name.startswith("flux_tui."):
            return record.levelno >= self.own_level
        return record.levelno >= logging.WARNING
