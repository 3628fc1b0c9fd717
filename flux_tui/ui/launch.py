"""Start the app the way the command line asked (``cli.py`` calls ``launch``).

- plain ``flux-tui``: a new conversation, recorded as a session from its first event;
- ``--continue`` / ``--resume ID``: that session on screen as it was, its history for the model, new
  events appended to it;
- ``replay ID`` / ``replay --demo``: the normal UI in replay mode (no provider is built, nothing is sent
  or recorded); the demo is read from the package, so it needs no key, network or store.

``build_app`` does everything but running, so tests drive the same app with ``run_test``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

from flux_tui.core.config import Config, ConfigProblem
from flux_tui.core.exit_codes import ExitCode
from flux_tui.core.logging_setup import config_secrets
from flux_tui.core.terminal_text import terminal_safe
from flux_tui.exit_signals import end_on_signals
from flux_tui.services.lazy_provider import ProviderFactory
from flux_tui.sessions import (
    LoadedSession,
    SessionError,
    SessionStore,
    SessionStoreError,
)
from flux_tui.sessions.commands import open_store
from flux_tui.typeahead import take_early
from flux_tui.ui import textual_css_cache
from flux_tui.ui.app import FluxApp
from flux_tui.ui.early_keys import post_early_keys
from flux_tui.ui.session_actions import SessionActions

# Textual writes each frame to the terminal from a thread of its own, which takes the interpreter lock
# from the UI thread again for every write it makes. At CPython's 5 ms switch interval the first frame
# waits 9 ms to reach the terminal and the first keys' echo 30 ms while the UI thread works on (menus,
# footer, warm-ups; measured, `--terminal pty`). At 0.5 ms the echo of keys typed at the first frame
# comes 38 ms sooner, and streaming loses nothing (firehose 0.21 against 0.24 s, steady CPU 6.6
# against 7.1 %, two runs each). Set for the full-screen app only, for as long as it runs.
UI_SWITCH_INTERVAL = 0.0005

NOTHING_TO_CONTINUE = "No saved session to continue: this is a new one."
NO_TERMINAL = (
    "the full-screen app needs a terminal, and its keyboard (standard input) or its screen (standard "
    "error, where it draws) is redirected. Without a terminal: `flux-tui run PROMPT` answers a prompt, "
    "`flux-tui export ID` prints a session, `flux-tui sessions` lists them."
)


class LaunchError(Exception):
    """The command line asked for something impossible; ``code`` is the exit code."""

    def __init__(self, message: str, code: int = ExitCode.FAILED) -> None:
        super().__init__(message)
        self.code = code


def launch(config: Config, problems: Sequence[ConfigProblem], args: argparse.Namespace) -> int:
    """Run the app until the user quits; returns the exit code (1: unknown session, missing demo...)."""
    textual_css_cache.install(config.cache_dir)  # before the app's stylesheet is made
    try:
        return _run(config, problems, args)
    finally:
        textual_css_cache.save()  # the terminal is the user's again: nothing waits for this
        textual_css_cache.uninstall()


def _run(config: Config, problems: Sequence[ConfigProblem], args: argparse.Namespace) -> int:
    try:
        app = build_app(config, problems, args)
    except LaunchError as exc:
        print(f"flux-tui: {terminal_safe(str(exc))}", file=sys.stderr)
        return exc.code
    if not (os.isatty(0) and os.isatty(2)):  # Textual would draw into the pipe and wait for keys forever
        if app.session_actions is not None:
            app.session_actions.close()
        print(f"flux-tui: {NO_TERMINAL}", file=sys.stderr)
        return ExitCode.USAGE
    if app.session_actions is not None:
        # The terminal closing (SIGHUP) or a SIGTERM quits as the user would: the session's last
        # events are written and its lock file removed by the close below.
        app.session_actions.on_ready(lambda: end_on_signals(app.exit))
    post_early_keys(app, take_early())
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(UI_SWITCH_INTERVAL)
    try:
        app.run()
    finally:
        sys.setswitchinterval(switch_interval)
        if app.session_actions is not None:
            app.session_actions.close()
    return app.return_code or 0


def build_app(
    config: Config,
    problems: Sequence[ConfigProblem] = (),
    args: argparse.Namespace | None = None,
    *,
    store: SessionStore | None = None,
    provider_factory: ProviderFactory | None = None,
) -> FluxApp:
    """The app with its session store wired in, and what ``args`` asks done once it is mounted.

    ``store`` defaults to ``open_store(config)``; the caller of a built app closes
    ``app.session_actions`` after running it (``launch`` does).
    """
    args = args or argparse.Namespace()
    replaying = getattr(args, "command", None) == "replay"
    demo = replaying and bool(getattr(args, "demo", False))
    store_problem: str | None = None
    if store is None:
        try:
            store = open_store(config)
        except SessionStoreError as exc:
            if not demo and (replaying or _resuming(args)):
                raise  # the command line's one message and exit code for store problems
            store_problem = str(exc)
    actions = SessionActions(store, secrets=config_secrets(config), problem=store_problem)
    try:
        start = _replay_start(actions, args) if replaying else _resume_start(actions, args)
        sinks = actions.service.sinks()
        app = FluxApp(config, problems=problems, sinks=sinks, provider_factory=provider_factory)
    except BaseException:
        actions.close()
        raise
    actions.attach(app)
    if store_problem:
        said = f"Sessions are not saved in this run: {store_problem}"
        actions.on_ready(lambda: actions.notice(said, "warning"))
    if start is not None:
        actions.on_ready(start)
    return app


def _resuming(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "continue_latest", False) or getattr(args, "resume", None))


def _resume_start(actions: SessionActions, args: argparse.Namespace) -> Any:
    """``--resume ID`` / ``--continue``: load the session now (an unknown id stops the launch)."""
    store = actions.service.store
    if store is None or not _resuming(args):
        return None
    if getattr(args, "resume", None):
        session_id = _resolve(store, args.resume)
    else:
        session_id = store.latest_session_id()
        if session_id is None:
            return lambda: actions.notice(NOTHING_TO_CONTINUE)
    loaded = _load(store, session_id, split_deltas=False)
    # --provider/--model on the command line win over where the session stopped (a switch, recorded).
    chosen = (getattr(args, "provider", None), getattr(args, "model", None))
    return lambda: actions.show_session(loaded, record=True, chosen=chosen)


def _replay_start(actions: SessionActions, args: argparse.Namespace) -> Any:
    """``replay ID`` / ``replay --demo``: load the session now, play it once the app is up."""
    from flux_tui.sessions.demo import load_demo
    from flux_tui.ui.replay_controller import parse_speed

    try:
        speed = parse_speed(str(getattr(args, "speed", "1") or "1"))
    except ValueError as exc:
        raise LaunchError(str(exc), code=ExitCode.USAGE) from exc
    session_id = getattr(args, "session_id", None)
    if getattr(args, "demo", False):
        try:
            loaded = load_demo()
        except (OSError, SessionError) as exc:
            raise LaunchError(f"cannot play the demo: {exc}") from exc
        stored = False
    elif session_id:
        store = actions.service.store
        if store is None:
            raise LaunchError("the session store could not be opened")
        loaded = _load(store, _resolve(store, session_id))
        stored = True
    else:
        raise LaunchError(
            "replay needs a session ID (see `flux-tui sessions list`) or --demo", code=ExitCode.USAGE
        )
    return lambda: actions.start_replay(loaded, speed=speed, stored=stored)


def _resolve(store: SessionStore, id_or_prefix: str) -> str:
    try:
        return store.resolve_id(id_or_prefix)
    except SessionStoreError:
        raise
    except SessionError as exc:
        raise LaunchError(str(exc)) from exc


def _load(store: SessionStore, session_id: str, *, split_deltas: bool = True) -> LoadedSession:
    try:
        return store.load(session_id, split_deltas=split_deltas)
    except SessionStoreError:
        raise
    except SessionError as exc:
        raise LaunchError(str(exc)) from exc
