"""Command line: parse arguments, then start the app or run a headless subcommand.

Heavy modules (Textual app, SDKs, SQLite store) are imported inside the branch that needs them, so
`flux-tui --help` and the first frame stay fast.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

# Kept in step with headless.EXIT_* and sessions.models.EXIT_STORE (not imported: --help stays fast).
EXIT_CODES = (
    "exit codes: 0 done; 1 the turn failed, or no such session or file; 2 a configuration or usage "
    "problem; 3 the step limit was hit (run); 4 the session store cannot be used (damaged, not "
    "flux-tui's, newer, locked) or the run could not be saved in it; 130 interrupted."
)


def _global_options(parser: argparse.ArgumentParser, *, default: Any = None) -> None:
    """The options that choose the provider, workspace and session; ``default=SUPPRESS`` on a
    subcommand, so an option given before the subcommand is not reset by the subcommand's default."""
    parser.add_argument(
        "--provider", default=default, help="provider to start with (overrides FLUX_PROVIDER)"
    )
    parser.add_argument("--model", default=default, help="model to start with (overrides FLUX_MODEL)")
    parser.add_argument(
        "--workspace", type=Path, default=default, help="root the file tools may touch (default: cwd)"
    )
    flag = False if default is None else default
    parser.add_argument(
        "--yolo", action="store_true", default=flag, help="allow every tool call without asking"
    )
    parser.add_argument(
        "--continue",
        dest="continue_latest",
        action="store_true",
        default=flag,
        help="resume the latest session (with run: go on in it without the UI)",
    )
    parser.add_argument("--resume", metavar="ID", default=default, help="resume the session with this id")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="flux-tui",
        description="Work with an AI coding assistant on Anthropic, OpenAI or any compatible endpoint.",
        epilog=EXIT_CODES,
    )
    _global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser(
        "run",
        help="run one prompt without the UI and print the answer",
        description="Run one prompt without the UI: the answer goes to stdout, tool activity to stderr. "
        "With --continue or --resume ID the prompt goes on in that session (without a prompt, the "
        "model goes on from where it stopped).",
    )
    run.add_argument("prompt", nargs="?", help="the prompt (use - to read it from standard input)")
    _global_options(run, default=argparse.SUPPRESS)

    replay = sub.add_parser("replay", help="re-enact a saved session in the UI")
    replay.add_argument("session_id", nargs="?", help="session id (see `flux-tui sessions list`)")
    replay.add_argument("--demo", action="store_true", help="play the bundled demo session")
    replay.add_argument("--speed", default="1", help="1, 2, 10 or instant (default 1)")

    export = sub.add_parser("export", help="export a session as Markdown or JSONL")
    export.add_argument("session_id")
    export.add_argument("--format", choices=("md", "jsonl"), default="md")
    export.add_argument("--output", "-o", type=Path, help="file to write (default: standard output)")

    imp = sub.add_parser("import", help="import a session from a JSONL export")
    imp.add_argument("file", type=Path)

    compare = sub.add_parser(
        "compare",
        help="re-run a session's prompts on other providers and models, side by side",
        description="Re-run the prompts of a saved session, in order, on each target (each with its own "
        "conversation, tools against a scratch copy of the workspace) and print tokens, cost, seconds "
        "and tool calls per turn beside the recording's.",
    )
    compare.add_argument("session_id", help="session id, a unique prefix, or 'last'")
    compare.add_argument(
        "--against", action="append", default=[], metavar="PROVIDER[:MODEL]", help="a target (repeatable)"
    )
    compare.add_argument("--format", choices=("table", "json"), default="table")
    compare.add_argument("--allow-commands", action="store_true", help="let the targets run commands")

    sessions = sub.add_parser("sessions", help="work with saved sessions")
    sessions_sub = sessions.add_subparsers(dest="sessions_command", metavar="ACTION")
    sessions_sub.add_parser("list", help="print the saved sessions as a table")
    return parser


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    if args.provider:
        overrides["provider"] = args.provider
    if args.model:
        overrides["model"] = args.model
    if args.workspace:
        overrides["workspace"] = args.workspace.resolve()
    if args.yolo:
        overrides["yolo"] = True
    return overrides


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except Exception as exc:
        code = _store_problem(exc)
        if code is None:
            raise
        return code


def _store_problem(exc: Exception) -> int | None:
    """The one place a session store problem becomes a message and an exit code (None: not one)."""
    from flux_tui.core.terminal_text import terminal_safe
    from flux_tui.sessions.models import EXIT_STORE, SessionStoreError

    if not isinstance(exc, SessionStoreError):
        return None
    print(f"flux-tui: {terminal_safe(str(exc))}", file=sys.stderr)
    return EXIT_STORE


def _main(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    if args.command in (None, "replay"):
        from flux_tui.ui.heap import hold_collection

        hold_collection()  # the app releases it after its first frame
    from flux_tui.core.config import ConfigProblem, load_config
    from flux_tui.core.logging_setup import config_secrets, setup_logging

    config, problems = load_config(**_overrides(args))
    if args.command is not None and args.command != "replay" and any(p.fatal for p in problems):
        # Nobody reads a notice here: a subcommand stops rather than run on defaults.
        for problem in problems:
            print(f"flux-tui: {problem}", file=sys.stderr)
        return 2
    try:
        setup_logging(config, config_secrets(config))
    except OSError as exc:  # no error log this time; everything else works
        problems.append(ConfigProblem("log", None, None, f"cannot write the error log: {exc}"))
    if args.command == "run":
        return _cmd_run(config, problems, args)
    if args.command in ("export", "import", "sessions"):
        return _cmd_sessions(config, args)
    if args.command == "compare":
        from flux_tui.compare.command import cmd_compare

        return cmd_compare(
            config, args.session_id, args.against, fmt=args.format, allow_commands=args.allow_commands
        )
    return _cmd_app(config, problems, args)


def _cmd_run(config: Any, problems: list[Any], args: argparse.Namespace) -> int:
    from flux_tui.headless import EXIT_CONFIG, EXIT_INTERRUPTED, run_headless

    for problem in problems:
        print(f"flux-tui: {problem}", file=sys.stderr)
    from flux_tui.core.logging_setup import config_secrets
    from flux_tui.headless_session import RunRecording
    from flux_tui.sessions import SessionError
    from flux_tui.sessions.commands import open_store
    from flux_tui.sessions.daily import spent_since, start_of_today
    from flux_tui.sessions.models import SessionStoreError
    from flux_tui.sessions.resume import headless_target, load_for_run

    if args.prompt is None and not _resuming(args):
        print('flux-tui: run needs a prompt: flux-tui run "PROMPT" (- reads it from stdin)', file=sys.stderr)
        return EXIT_CONFIG
    prompt = sys.stdin.read() if args.prompt == "-" else args.prompt
    store = open_store(config)
    try:
        loaded = load_for_run(store, args.resume, latest=bool(args.continue_latest))
    except SessionError as exc:
        store.close()
        if isinstance(exc, SessionStoreError):
            raise  # main() reports store problems, with their own exit code
        print(f"flux-tui: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    # A headless run is a session like any other: browse, export or replay it later.
    session_id = loaded.id if loaded is not None else None
    recording = RunRecording(store, session_id=session_id, secrets=config_secrets(config))
    target = headless_target(loaded, args.provider, args.model)
    code = EXIT_INTERRUPTED
    try:
        code = asyncio.run(
            run_headless(
                config,
                prompt,
                yolo=bool(config.yolo),
                sinks=[recording.recorder],
                resumed=loaded,
                target=target,
                spent_elsewhere_today=lambda: spent_since(
                    store, start_of_today(), exclude_session=recording.recorder.session_id
                ),
            )
        )
    finally:
        code = recording.finish(code)
    return code


def _resuming(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "continue_latest", False) or getattr(args, "resume", None))


def _cmd_sessions(config: Any, args: argparse.Namespace) -> int:
    from flux_tui.core.logging_setup import config_secrets
    from flux_tui.sessions import commands

    store = commands.open_store(config, read_only=args.command != "import")
    try:
        return _run_session_command(commands, store, config_secrets(config), args)
    finally:
        store.close()


def _run_session_command(commands: Any, store: Any, secrets: list[str], args: argparse.Namespace) -> int:
    if args.command == "export":
        out = args.output.open("w", encoding="utf-8") if args.output else sys.stdout
        try:
            return commands.cmd_export(store, args.session_id, args.format, out, secrets=secrets)
        finally:
            if args.output:
                out.close()
    if args.command == "import":
        return commands.cmd_import(store, args.file, sys.stdout, secrets=secrets)
    return commands.cmd_sessions_list(store, sys.stdout)


def _cmd_app(config: Any, problems: list[Any], args: argparse.Namespace) -> int:
    from flux_tui.ui.heap import release_collection
    from flux_tui.ui.launch import launch

    try:
        return launch(config, problems, args)
    finally:
        release_collection()  # in case the app stopped before its first frame


if __name__ == "__main__":
    raise SystemExit(main())
