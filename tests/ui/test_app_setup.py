"""Starting without keys, with a broken flux.toml, and the startup import budget."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from ui_pilot import SIZE, run_command, send

from flux_tui.core.config import load_config
from flux_tui.ui.app import FluxApp
from flux_tui.ui.widgets.chat_items import TurnError
from flux_tui.ui.widgets.info_panel import InfoPanel


async def test_no_key_start_explains_setup_and_stays_usable(sandbox: Path) -> None:
    config, problems = load_config()
    app = FluxApp(config, problems=problems)
    async with app.run_test(size=SIZE) as pilot:
        setup = app.conversation.chat.query_one(InfoPanel)
        assert setup.has_class("setup")
        for needle in (
            "ANTHROPIC_API_KEY",
            "OPENAI_API_KEY",
            "flux.toml",
            'kind = "openai"',
            "OPENAI_BASE_URL",
        ):
            assert needle in setup.source
        await run_command(pilot, app, "/help")
        assert any(panel.has_class("help") for panel in app.conversation.chat.query(InfoPanel))

        answer = await send(pilot, app, "hello?")
        assert answer.state == "failed"
        error = answer.query_one(TurnError)
        assert "ANTHROPIC_API_KEY is required" in error.error
        assert app.is_running
        # Nothing was sent anywhere: the prompt stays in the chat, marked, out of the history the model
        # will see; /retry sends it once a provider is configured.
        assert app.transcript.messages == []
        assert [
            (p.prompt, (p.mark or "").startswith("⊘ not sent")) for p in app.conversation.chat.prompts
        ] == [("hello?", True)]


async def test_config_problems_are_shown_at_start(sandbox: Path) -> None:
    (sandbox / "flux.toml").write_text('max_tokens = "lots"\nnot_a_setting = 1\n')
    config, problems = load_config(anthropic_api_key="k")
    assert problems
    app = FluxApp(config, problems=problems)
    async with app.run_test(size=SIZE):
        panel = next(p for p in app.conversation.chat.query(InfoPanel) if p.has_class("problems"))
        assert "flux.toml" in panel.source
        assert "max_tokens" in panel.source and "not_a_setting" in panel.source


async def test_a_provider_without_key_is_skipped_when_another_is_ready(make_app: Any) -> None:
    app = make_app(keys=False, openai_api_key="test-openai-key")
    async with app.run_test(size=SIZE):
        assert app.agent.provider.name == "openai"
        assert not app.conversation.chat.query(InfoPanel).filter(".setup")


STARTUP_SCRIPT = textwrap.dedent(
    """
    import asyncio, sys
    from flux_tui.core.config import load_config
    from flux_tui.ui.app import FluxApp

    HEAVY = ("anthropic", "openai", "genai_prices")

    class Probe(FluxApp):
        seen = None

        def _after_first_frame(self):
            # Runs once the first frame is on screen, right before the deferred heavy work starts.
            Probe.seen = (sorted(m for m in HEAVY if m in sys.modules), self.screen.is_mounted)
            super()._after_first_frame()

    async def main():
        config, problems = load_config(anthropic_api_key="k", openai_api_key="k")
        app = Probe(config, problems=problems)
        async with app.run_test(size=(120, 40)) as pilot:
            while Probe.seen is None:
                await asyncio.sleep(0.01)
            print("FRAME", *Probe.seen)
    asyncio.run(main())
    """
)


def test_first_frame_paints_without_importing_the_sdks(sandbox: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", STARTUP_SCRIPT], capture_output=True, text=True, timeout=60, cwd=sandbox
    )
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("FRAME"))
    assert line == "FRAME [] True"
