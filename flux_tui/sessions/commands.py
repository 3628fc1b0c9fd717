"""The session subcommands of the CLI as plain functions: they print and return an exit code.

``cli.py`` parses arguments, opens the store and calls these; session ids may be given as a unique
prefix of the id shown by ``flux-tui sessions list``. Ids, titles and messages come from outside (an
import, a model): they are printed through ``terminal_safe``, and an export to a terminal too.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from flux_tui.core.exit_codes import ExitCode
from flux_tui.core.logging_setup import config_secrets
from flux_tui.core.terminal_text import is_terminal, terminal_safe

from .models import SessionError, SessionInfo, SessionStoreError
from .paths import DB_FILENAME, write_private
from .store import SessionStore
from .titles import cut_title

EXPORT_FORMATS = ("md", "jsonl")
_TITLE_WIDTH = 40
_MODELS_WIDTH = 44


def open_store(config: Any, *, read_only: bool = False) -> SessionStore:
    """The session database the config points at (``data_dir`` or the user data dir).

    ``read_only`` for commands that only read (list, export): the file is opened ``mode=ro``, so a
    database nobody may write is still listed, and a missing one is not created.
    """
    return SessionStore(config.data_path / DB_FILENAME, secrets=config_secrets(config), read_only=read_only)


def cmd_sessions_list(store: SessionStore, out: TextIO | None = None, *, limit: int | None = None) -> int:
    """Print the sessions as a table (newest first): id, title, started, providers/models, cost, turns."""
    out = out or sys.stdout
    sessions = store.list_sessions(limit=limit)
    if not sessions:
        print("No saved sessions yet.", file=out)
        return ExitCode.OK
    header = ("ID", "TITLE", "STARTED", "PROVIDERS / MODELS", "COST", "TURNS")
    rows = [header, *(_row(info) for info in sessions)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        cells = [cell.rjust(widths[i]) if i >= 4 else cell.ljust(widths[i]) for i, cell in enumerate(row)]
        print("  ".join(cells).rstrip(), file=out)
    return ExitCode.OK


def cmd_export(
    store: SessionStore,
    session_id: str,
    fmt: str = "md",
    out: TextIO | None = None,
    *,
    err: TextIO | None = None,
    secrets: Iterable[str | None] = (),
    output: Path | None = None,
) -> int:
    """Write a session as Markdown (``md``) or JSONL (``jsonl``) to ``output`` (a file) or ``out``;
    1 on an unknown id or a file that cannot be written, 2 on an unknown format."""
    out, err = out or sys.stdout, err or sys.stderr
    if fmt not in EXPORT_FORMATS:
        _say(f"flux-tui: unknown export format {fmt!r} (choose {' or '.join(EXPORT_FORMATS)})", err)
        return ExitCode.USAGE
    try:
        loaded = store.load(store.resolve_id(session_id))
    except SessionStoreError:
        raise  # the database itself: the command line's one message and exit code for those
    except SessionError as exc:
        _say(f"flux-tui: {exc}", err)
        return ExitCode.FAILED
    # Imported here: ``open_store`` is on the app's way to its first frame, exports are not.
    from .jsonl import export_jsonl
    from .markdown import export_markdown

    render = export_markdown if fmt == "md" else export_jsonl
    text = render(loaded, secrets=secrets)
    if output is not None:
        # Opened only now that the export exists: a wrong id leaves an existing file as it was.
        try:
            write_private(output, text)
        except OSError as exc:
            _say(f"flux-tui: cannot write {output}: {exc.strerror or exc}", err)
            return ExitCode.FAILED
        return ExitCode.OK
    # A file gets the session exactly; a terminal would act on the escape sequences in it.
    out.write(terminal_safe(text) if is_terminal(out) else text)
    return ExitCode.OK


def cmd_import(
    store: SessionStore,
    path: str | Path,
    out: TextIO | None = None,
    *,
    err: TextIO | None = None,
    secrets: Iterable[str | None] = (),
) -> int:
    """Import a JSONL export (``-`` reads stdin); prints the new session's id. 1 on a bad file."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        text = sys.stdin.read() if str(path) == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        _say(f"flux-tui: cannot read {path}: {exc}", err)
        return ExitCode.FAILED
    from .jsonl import import_jsonl

    try:
        session_id = import_jsonl(store, text, secrets=secrets)
    except SessionStoreError:
        raise
    except SessionError as exc:
        _say(f"flux-tui: cannot import {path}: {exc}", err)
        return ExitCode.FAILED
    info = store.get(session_id)
    _say(f"Imported session {session_id}: {info.display_title}", out)
    if "imported_id" in info.meta:
        _say(f"(its id in the file, {info.meta['imported_id']!r}, is not a valid session id)", out)
    return ExitCode.OK


def _say(text: str, stream: TextIO) -> None:
    print(terminal_safe(text), file=stream)


def _row(info: SessionInfo) -> tuple[str, ...]:
    return (
        terminal_safe(info.id),
        cut_title(terminal_safe(info.display_title), _TITLE_WIDTH),
        datetime.fromtimestamp(info.created_at).strftime("%Y-%m-%d %H:%M"),
        _cut(terminal_safe(", ".join(info.models)) or "-", _MODELS_WIDTH),
        info.cost_label,
        str(info.turns),
    )


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
