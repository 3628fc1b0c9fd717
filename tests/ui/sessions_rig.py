"""Helpers for the sessions-UI and replay pilot tests: apps built the way ``flux-tui`` builds them
(``launch.build_app``, session store in the sandbox's ``FLUX_DATA_DIR``), a provider factory that counts
what it builds, and one conversation recorded live against the fake API server.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from typing import Any

from textual.pilot import Pilot
from ui_pilot import run_command, send, wait_until

from flux_tui.core.agent_events import (
    AgentEvent,
    MessageCommitted,
    TextDelta,
    TurnFinished,
    TurnStarted,
    UsageReported,
)
from flux_tui.core.config import Config, load_config
from flux_tui.core.transcript import TextBlock, Transcript
from flux_tui.llm.base_provider import BaseLLMProvider, ProviderSettings
from flux_tui.services.lazy_provider import default_factory
from flux_tui.sessions import SessionStore
from flux_tui.ui.app import FluxApp
from flux_tui.ui.launch import build_app
from flux_tui.ui.screens.sessions import SessionsScreen

FIRST_ANSWER = "Use **pathlib**: `Path('notes.txt').read_text()` reads the whole file. Zebrafish aside."
SECOND_ANSWER = "With `open()` and a loop you can stream it line by line instead."
THIRD_ANSWER = "Exactly: the generator keeps memory flat."


def sandbox_config(fake_api: Any, **overrides: Any) -> Config:
    settings: dict[str, Any] = {
        "anthropic_base_url": fake_api.anthropic_base_url,
        "openai_base_url": fake_api.openai_base_url,
        "anthropic_api_key": "test-anthropic-key",
        "openai_api_key": "test-openai-key",
    }
    config, _problems = load_config(**(settings | overrides))
    return config


def args(**values: Any) -> argparse.Namespace:
    """What ``cli.py`` hands to ``launch``."""
    base: dict[str, Any] = {"continue_latest": False, "resume": None, "command": None}
    return argparse.Namespace(**(base | values))


@dataclass
class CountingFactory:
    """A provider factory that records every provider it builds (a replay must build none)."""

    built: list[str] = field(default_factory=list)

    def __call__(self, settings: ProviderSettings, transcript: Transcript) -> BaseLLMProvider:
        self.built.append(settings.name)
        return default_factory(settings, transcript)


def make(config: Config, *, factory: CountingFactory | None = None, **arg_values: Any) -> FluxApp:
    return build_app(config, (), args(**arg_values), provider_factory=factory)


def close(app: FluxApp) -> None:
    if app.session_actions is not None:
        app.session_actions.close()


def open_store(config: Config) -> SessionStore:
    return SessionStore(config.data_path / "sessions.db")


@dataclass
class Recorded:
    session_id: str
    answers: list[str]
    cost: float | None
    prompts: list[str]


async def record_conversation(fake_api: Any, config: Config) -> Recorded:
    """Two turns on anthropic, a switch to openai, a third turn there: recorded by a real app."""
    fake_api.queue_anthropic_text(FIRST_ANSWER, usage={"input_tokens": 1200, "output_tokens": 40})
    fake_api.queue_anthropic_text(SECOND_ANSWER, usage={"input_tokens": 1300, "output_tokens": 30})
    fake_api.queue_openai_text(THIRD_ANSWER, usage={"prompt_tokens": 1400, "completion_tokens": 20})
    app = make(config)
    try:
        async with app.run_test(size=(160, 50)) as pilot:
            await send(pilot, app, "How do I read a file?")
            await send(pilot, app, "And line by line?")
            await run_command(pilot, app, "/provider openai")
            await wait_until(pilot, lambda: app.agent.provider.name == "openai")
            await send(pilot, app, "So a generator is better for big files?")
            recorded = Recorded(
                session_id=str(app.session_actions.service.current_session_id if app.session_actions else ""),
                answers=[answer.text for answer in app.conversation.chat.answers],
                cost=app.conversation.sidebar.ledger.session.cost,
                prompts=[prompt.prompt for prompt in app.conversation.chat.prompts],
            )
            await app.workers.wait_for_complete()
    finally:
        close(app)
    return recorded


async def wait_replay_done(pilot: Pilot[Any], app: FluxApp) -> None:
    await wait_until(pilot, lambda: app.replay is not None and app.replay.done)
    await wait_until(pilot, lambda: app.replay is None or app.focused is app.replay.bar)  # its keys work
    for answer in app.conversation.chat.answers:
        await answer.settle()


def store_session(
    store: SessionStore,
    turns: list[tuple[str, str]],
    *,
    provider: str = "anthropic",
    model: str = "claude-sonnet-4-6",
    cost: float = 0.01,
    start: float = 1_700_000_000.0,
) -> str:
    """A session written straight to the store, as the agent would have emitted it: (prompt, answer) turns."""
    transcript = Transcript()
    events: list[AgentEvent] = []
    ts = start
    for number, (prompt, answer) in enumerate(turns):
        ts += 10
        events.append(TurnStarted(ts=ts, turn_id=f"t{number}", prompt=prompt, provider=provider, model=model))
        user = transcript.add_user_text(prompt)
        events.append(MessageCommitted(ts=ts, message=user.to_dict()))
        events.append(TextDelta(ts=ts + 1, text=answer))
        events.append(
            UsageReported(
                ts=ts + 2, provider=provider, model=model, input_tokens=100, output_tokens=20, cost=cost
            )
        )
        reply = transcript.add_assistant(
            [TextBlock(answer)], provider=provider, model=model, stop_reason="end"
        )
        events.append(MessageCommitted(ts=ts + 2, message=reply.to_dict()))
        events.append(TurnFinished(ts=ts + 2, stop_reason="end_turn"))
    session_id = store.create_session(created_at=start)
    store.append(session_id, events)
    return session_id


async def open_browser(pilot: Pilot[Any], app: FluxApp, key: str = "ctrl+o") -> SessionsScreen:
    """Open the sessions browser with ``key`` (a key, or a command such as "/sessions") and wait until
    its list is loaded and drawn."""
    if key.startswith("/"):
        await run_command(pilot, app, key)
    else:
        await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(app.screen, SessionsScreen))
    screen = app.screen
    assert isinstance(screen, SessionsScreen)
    await wait_until(pilot, screen.loaded.is_set)
    await pilot.pause()
    await pilot.pause()
    return screen
