"""``flux-tui compare SESSION_ID --against PROVIDER[:MODEL] ...``: the CLI entry point.

``SESSION_ID`` may be ``last`` (the latest session) or a unique prefix. The recording's figures come
from its stored events (nothing is re-run for it); each target re-runs the recorded prompts in order.
Progress goes to standard error, the table or JSON to standard output. Exit codes: 0 done, 1 a target
failed on some turn, 2 a bad target or session.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any, TextIO

from flux_tui.compare.figures import run_figures
from flux_tui.compare.output import to_json, to_table
from flux_tui.compare.plan import plan
from flux_tui.compare.runner import parse_target, rerun
from flux_tui.core.errors import FluxError
from flux_tui.core.exit_codes import ExitCode
from flux_tui.core.terminal_text import terminal_streams


def cmd_compare(
    config: Any,
    session: str,
    against: list[str],
    *,
    fmt: str = "table",
    allow_commands: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    from flux_tui.sessions import SessionError
    from flux_tui.sessions.commands import open_store
    from flux_tui.sessions.models import SessionStoreError

    # What the targets say is printed as text only on a terminal (``terminal_streams``).
    out, err = terminal_streams(out or sys.stdout, err or sys.stderr)
    try:
        targets = [parse_target(text) for text in against]
    except ValueError as exc:
        err.write(f"flux-tui: {exc}\n")
        return ExitCode.USAGE
    if not targets:
        err.write("flux-tui: name at least one target: --against PROVIDER[:MODEL]\n")
        return ExitCode.USAGE
    store = open_store(config, read_only=True)
    try:
        session_id = store.resolve_id(session)
        recording = run_figures(store.events(session_id))
    except SessionError as exc:
        if isinstance(exc, SessionStoreError):
            raise  # the command line reports store problems, with their own exit code
        err.write(f"flux-tui: {exc}\n")
        return ExitCode.FAILED  # no such session
    finally:
        store.close()
    compared = plan(recording)
    steps = compared.steps
    if not steps:
        err.write(f"flux-tui: session {session_id} has no prompts to compare\n")
        return ExitCode.USAGE
    if compared.note:
        err.write(f"flux-tui: compare: {compared.note}\n")
    runs = [compared.recording]
    failed = False
    for name, model in targets:
        label = f"{name}:{model}" if model else name

        def progress(index: int, label: str = label) -> None:
            err.write(f"flux-tui: compare: {label}: turn {index + 1} of {len(steps)}\n")
            err.flush()

        def notice(text: str, label: str = label) -> None:
            err.write(f"flux-tui: compare: {label}: {text}\n")

        try:
            job = rerun(
                config, steps, (name, model), allow_commands=allow_commands, on_turn=progress, notify=notice
            )
            run = asyncio.run(job)
        except FluxError as exc:
            err.write(f"flux-tui: {label}: {exc}\n")
            return ExitCode.USAGE
        failed = failed or any(turn.error and turn.error != "cancelled" for turn in run.turns)
        runs.append(run)
    out.write(to_json(session_id, runs) + "\n" if fmt == "json" else to_table(session_id, runs))
    out.flush()
    return ExitCode.FAILED if failed else ExitCode.OK
