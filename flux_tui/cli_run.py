"""``flux-tui run``: one prompt through the agent loop without the UI, its output as text or JSON."""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import dataclass
from io import StringIO
from typing import Any

from flux_tui.cli_store import store_problem
from flux_tui.core.exit_codes import ExitCode


def cmd_run(config: Any, problems: list[Any], args: argparse.Namespace) -> int:
    fmt = getattr(args, "output_format", "text")
    if fmt == "text":
        return _run(config, problems, args, _RunIO(err=sys.stderr))
    from flux_tui.core.logging_setup import config_secrets
    from flux_tui.headless_output import JsonOutput, LastLine

    # The answer goes into the JSON; standard error keeps the tool activity and messages.
    output = JsonOutput(sys.stdout, stream=fmt == "stream-json", secrets=config_secrets(config))
    io = _RunIO(err=LastLine(sys.stderr), output=output)
    try:
        code = _run(config, problems, args, io)
    except Exception as exc:
        stored = store_problem(exc)  # said on stderr; the JSON carries the same exit code
        if stored is None:
            raise
        code, output.error = stored, str(exc)
    if output.error is None and code != 0:
        output.error = io.err.last
    output.finish(io.session_id, code)
    return code


def report_stop(config: Any, args: argparse.Namespace, error: str, code: int) -> None:
    """A run that stops before it starts still prints its JSON object (``error`` in it) for a script."""
    fmt = getattr(args, "output_format", "text")
    if fmt == "text":
        return
    from flux_tui.core.logging_setup import config_secrets
    from flux_tui.headless_output import JsonOutput

    output = JsonOutput(sys.stdout, stream=fmt == "stream-json", secrets=config_secrets(config))
    output.error = error
    output.finish(None, code)


@dataclass
class _RunIO:
    """Where a run writes: ``err`` always; with ``output`` (json, stream-json) the answer text goes
    nowhere but into it, and ``session_id`` is set once the run is saved."""

    err: Any
    output: Any = None
    session_id: str | None = None


def _run(config: Any, problems: list[Any], args: argparse.Namespace, io: _RunIO) -> int:
    from flux_tui.headless import EXIT_CONFIG, EXIT_INTERRUPTED, run_headless

    err = io.err
    for problem in problems:
        print(f"flux-tui: {problem}", file=err)
    from flux_tui.core.logging_setup import config_secrets
    from flux_tui.headless_session import RunRecording
    from flux_tui.services.sessions import spent_elsewhere_today
    from flux_tui.sessions import SessionError
    from flux_tui.sessions.commands import open_store
    from flux_tui.sessions.models import SessionStoreError
    from flux_tui.sessions.resume import headless_target, load_for_run, usable_target

    if args.prompt is None and not _resuming(args):
        print('flux-tui: run needs a prompt: flux-tui run "PROMPT" (- reads it from stdin)', file=err)
        return EXIT_CONFIG
    prompt = sys.stdin.read() if args.prompt == "-" else args.prompt
    store = open_store(config)
    try:
        loaded = load_for_run(store, args.resume, latest=bool(args.continue_latest))
    except SessionError as exc:
        store.close()
        if isinstance(exc, SessionStoreError):
            raise  # main() reports store problems, with their own exit code
        print(f"flux-tui: {exc}", file=err)
        return ExitCode.FAILED  # no such session
    # A headless run is a session like any other: browse, export or replay it later.
    session_id = loaded.id if loaded is not None else None
    recording = RunRecording(store, session_id=session_id, secrets=config_secrets(config), err=err)
    target = headless_target(loaded, args.provider, args.model)
    if not args.provider:
        target, note = usable_target(config, target, loaded, args.model)
        if note:
            print(f"flux-tui: {note}", file=err)
    code = EXIT_INTERRUPTED
    try:
        code = asyncio.run(
            _ended_by_signals(
                run_headless(
                    config,
                    prompt,
                    out=StringIO() if io.output is not None else None,
                    err=err,
                    yolo=bool(config.yolo),
                    sinks=[recording.recorder, *([io.output] if io.output is not None else [])],
                    resumed=loaded,
                    target=target,
                    spent_elsewhere_today=lambda: spent_elsewhere_today(store, recording.recorder.session_id),
                ),
                err,
            )
        )
    finally:
        code = recording.finish(code)
        io.session_id = recording.recorder.session_id
    return code


async def _ended_by_signals(run: Any, err: Any) -> int:
    """``run``, cancelled by SIGHUP or SIGTERM as Ctrl+C cancels it: the run's ``finally`` blocks
    write the session and release its lock file."""
    from flux_tui.exit_signals import ending_on_signals

    task = asyncio.current_task()
    assert task is not None
    ended: list[bool] = []

    def end() -> None:
        ended.append(True)
        task.cancel()

    with ending_on_signals(end):
        try:
            return int(await run)
        except asyncio.CancelledError:
            from flux_tui import closed_pipe

            if closed_pipe.is_gone():  # standard output's reader went away (closed_pipe)
                return ExitCode.BROKEN_PIPE
            if not ended:
                raise
            print("flux-tui: interrupted", file=err)
            return ExitCode.INTERRUPTED


def _resuming(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "continue_latest", False) or getattr(args, "resume", None))
