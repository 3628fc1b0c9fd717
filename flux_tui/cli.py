"""Command line: parse arguments, then start the app or run a headless subcommand.

Heavy modules (Textual app, SDKs, SQLite store) are imported inside the branch that needs them, so
`flux-tui --help` and the first frame stay fast.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from flux_tui.cli_store import store_problem
from flux_tui.core.exit_codes import MEANING, ExitCode, describe

EXIT_CODES = describe()
_STORE = {ExitCode.STORE: "the session store cannot be used (damaged, not flux-tui's, newer, locked)"}
_NO_SESSION = "no such session"
SUBCOMMAND_EXIT_CODES = {
    "run": describe(
        {
            ExitCode.OK: "the model finished",
            ExitCode.FAILED: "the turn failed (provider error), or no such session to resume or continue, "
            "or the model refused to answer",
            ExitCode.USAGE: "a configuration or usage problem (no key, unknown provider, no prompt)",
            ExitCode.MAX_STEPS: "the step limit was hit",
            ExitCode.STORE: "the session store cannot be used or the run could not be saved in it",
            ExitCode.INTERRUPTED: MEANING[ExitCode.INTERRUPTED],
            ExitCode.BROKEN_PIPE: MEANING[ExitCode.BROKEN_PIPE],
        }
    )
    + ' With --output-format json the same code is the object\'s "exit".',
    "replay": describe(
        {
            ExitCode.OK: "done",
            ExitCode.FAILED: f"{_NO_SESSION} (or demo)",
            ExitCode.USAGE: "a configuration problem",
            **_STORE,
        }
    ),
    "export": describe(
        {
            ExitCode.OK: "written",
            ExitCode.FAILED: f"{_NO_SESSION}, or the output file cannot be written",
            ExitCode.USAGE: "unknown format",
            **_STORE,
        }
    ),
    "import": describe(
        {
            ExitCode.OK: "imported (prints the new id)",
            ExitCode.FAILED: "the file cannot be read or is not an export",
            **_STORE,
        }
    ),
    "sessions": describe({ExitCode.OK: "listed", **_STORE}),
    "compare": describe(
        {
            ExitCode.OK: "every target answered every prompt",
            ExitCode.FAILED: f"{_NO_SESSION}, or a target's turn failed",
            ExitCode.USAGE: "no or a malformed target, a target that is not set up, or nothing to compare",
            **_STORE,
        }
    ),
    "completion": describe({ExitCode.OK: "printed", ExitCode.USAGE: "unknown shell"}),
}
COMPLETION_SHELLS = ("bash", "zsh", "fish")
TUI_COMMANDS = (None, "replay")  # the commands that run the full-screen app
SESSION_ID_HELP = "session id, a unique prefix of it, or 'last' (the latest session)"


class _Version(argparse.Action):
    """``--version``: the one version, ``flux_tui.__version__`` (which pyproject.toml reads too)."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        import flux_tui

        print(f"flux-tui {flux_tui.__version__}")
        parser.exit()


def about() -> str:
    """The description of ``--help``: the registered providers (plug-ins included), by their labels."""
    from flux_tui.core import provider_registry

    labels = [spec.label for spec in provider_registry.specs()]
    return f"Work with an AI coding assistant on {', '.join(labels)} or any compatible endpoint."


class _TopParser(argparse.ArgumentParser):
    """Reads the provider registry for its description only when the help is printed, so parsing the
    command line of every other run stays as fast as before."""

    def format_help(self) -> str:
        if self.description is None:
            self.description = about()
        return super().format_help()


def _fill(text: str) -> str:
    import textwrap

    return "\n\n".join(textwrap.fill(part, 100) for part in text.split("\n\n"))


def _sentence(help_text: str) -> str:
    """A one-line help as the description of its (sub)command's own --help."""
    return help_text[:1].upper() + help_text[1:] + "."


def _subparser(sub: Any, name: str, **kwargs: Any) -> argparse.ArgumentParser:
    # A subcommand's help describes it: its one-line help when it has no description of its own (the
    # parsers share the top one's class, which would describe the whole app).
    kwargs["description"] = _fill(kwargs.get("description") or _sentence(kwargs["help"]))
    return sub.add_parser(
        name,
        epilog=_fill(SUBCOMMAND_EXIT_CODES[name]),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        **kwargs,
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
    resume_help = f"resume a session: {SESSION_ID_HELP}"
    parser.add_argument("--resume", metavar="ID", default=default, help=resume_help)
    parser.add_argument(
        "--trust",
        action="store_true",
        default=flag,
        help="apply this folder's flux.toml, .env and .mcp.json in full this run (base URLs, yolo, "
        "tool policies, MCP servers...), as if it were trusted",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _TopParser(prog="flux-tui", epilog=EXIT_CODES)
    parser.add_argument("--version", action=_Version, help="print the version and exit")
    _global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = _subparser(
        sub,
        "run",
        help="run one prompt without the UI and print the answer",
        description="Run one prompt without the UI: the answer goes to stdout, tool activity to stderr. "
        "With --continue or --resume ID the prompt goes on in that session (without a prompt, the "
        "model goes on from where it stopped).\n\n--output-format json prints one object when the run "
        'is over: {"answer", "session_id", "provider", "model", "usage": {...}, "cost_usd", '
        '"stop_reason", "exit", "error"}; stream-json prints every event as one JSON line as it '
        'happens, then that object with "kind": "result".',
    )
    run.add_argument("prompt", nargs="?", help="the prompt (use - to read it from standard input)")
    run.add_argument(
        "--output-format",
        choices=("text", "json", "stream-json"),
        default="text",
        help="text (default): the answer as it streams; json: one object at the end; "
        "stream-json: one JSON event per line",
    )
    _global_options(run, default=argparse.SUPPRESS)

    replay = _subparser(sub, "replay", help="re-enact a saved session in the UI")
    replay.add_argument("session_id", nargs="?", help=SESSION_ID_HELP)
    replay.add_argument("--demo", action="store_true", help="play the bundled demo session")
    replay.add_argument("--speed", default="1", help="1, 2, 10 or instant (default 1)")

    export = _subparser(sub, "export", help="export a session as Markdown or JSONL")
    export.add_argument("session_id", help=SESSION_ID_HELP)
    export.add_argument("--format", choices=("md", "jsonl"), default="md", help="md (default) or jsonl")
    export.add_argument("--output", "-o", type=Path, help="file to write (default: standard output)")

    imp = _subparser(sub, "import", help="import a session from a JSONL export")
    imp.add_argument("file", type=Path, help="the JSONL file (- reads standard input)")

    compare = _subparser(
        sub,
        "compare",
        help="re-run a session's prompts on other providers and models, side by side",
        description="Re-run the prompts of a saved session, in order, on each target (each with its own "
        "conversation, tools against a scratch copy of the workspace) and print tokens, cost, seconds "
        "and tool calls per turn beside the recording's.",
    )
    compare.add_argument("session_id", help=SESSION_ID_HELP)
    compare.add_argument(
        "--against", action="append", default=[], metavar="PROVIDER[:MODEL]", help="a target (repeatable)"
    )
    compare.add_argument("--format", choices=("table", "json"), default="table")
    allow_help = "let the targets run commands and MCP tools"
    compare.add_argument("--allow-commands", action="store_true", help=allow_help)

    sessions = _subparser(sub, "sessions", help="work with saved sessions")
    sessions_sub = sessions.add_subparsers(dest="sessions_command", metavar="ACTION")
    list_help = "print the saved sessions as a table"
    sessions_sub.add_parser("list", help=list_help, description=_sentence(list_help))

    completion = _subparser(
        sub,
        "completion",
        help="print a shell completion script",
        description="Print the completion script for SHELL. Install it with, for example: "
        "flux-tui completion bash > ~/.local/share/bash-completion/completions/flux-tui; "
        "flux-tui completion zsh > ~/.zfunc/_flux-tui; "
        "flux-tui completion fish > ~/.config/fish/completions/flux-tui.fish",
    )
    completion.add_argument("shell", choices=COMPLETION_SHELLS, help="bash, zsh or fish")
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


def _asks_trust(config: Any) -> bool:
    trust = config.workspace_trust
    return trust is not None and bool(trust.ignored)


def main(argv: list[str] | None = None) -> int:
    from flux_tui import closed_pipe

    closed_pipe.reset()
    try:
        code = _main(argv)
    except BrokenPipeError:
        closed_pipe.reader_gone()
        return ExitCode.BROKEN_PIPE
    except Exception as exc:
        code = store_problem(exc)
        if code is None:
            raise
        return code
    return ExitCode.BROKEN_PIPE if closed_pipe.is_gone() else code


def _main(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "completion":
        import shtab

        print(shtab.complete(parser, shell=args.shell))
        return ExitCode.OK
    if args.command not in TUI_COMMANDS:
        return _run(args)
    from flux_tui.typeahead import keep_typeahead

    with keep_typeahead():  # before the heavy imports: keys typed from here on reach the app as typed
        from flux_tui.ui.heap import hold_collection

        hold_collection()  # the app releases it after its first frame
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    from flux_tui.core.config import ConfigProblem, load_config
    from flux_tui.core.logging_setup import config_secrets, setup_logging

    trust = bool(getattr(args, "trust", False))
    config, problems = load_config(trust=trust, **_overrides(args))
    if _asks_trust(config):
        if args.command is None:  # the app asks first; nothing is built on settings not yet decided
            from flux_tui.ui.screens.trust import settle_trust

            settled = settle_trust(config, problems, lambda: load_config(trust=True, **_overrides(args)))
            if settled is None:
                return 0
            config, problems = settled
        elif args.command != "replay":
            print(f"flux-tui: {config.workspace_trust.notice('run again with --trust')}", file=sys.stderr)
    if args.command not in TUI_COMMANDS and any(p.fatal for p in problems):
        # Nobody reads a notice here: a subcommand stops rather than run on defaults.
        for problem in problems:
            print(f"flux-tui: {problem.as_stop()}", file=sys.stderr)
        if args.command == "run":
            from flux_tui.cli_run import report_stop

            report_stop(config, args, next(p.as_stop() for p in problems if p.fatal), ExitCode.USAGE)
        return ExitCode.USAGE
    try:
        setup_logging(config, config_secrets(config))
    except OSError as exc:  # no error log this time; everything else works
        problems.append(ConfigProblem("log", None, None, f"cannot write the error log: {exc}"))
    if args.command == "run":
        from flux_tui.cli_run import cmd_run

        return cmd_run(config, problems, args)
    if args.command in ("export", "import", "sessions"):
        return _cmd_sessions(config, args)
    if args.command == "compare":
        from flux_tui.compare.command import cmd_compare

        return cmd_compare(
            config, args.session_id, args.against, fmt=args.format, allow_commands=args.allow_commands
        )
    return _cmd_app(config, problems, args)


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
        return commands.cmd_export(
            store, args.session_id, args.format, sys.stdout, secrets=secrets, output=args.output
        )
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
