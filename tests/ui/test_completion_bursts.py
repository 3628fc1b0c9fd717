"""Tab completes what is typed before it, even when the text and the Tab arrive in one read from the
terminal (fast typing, a paste then Tab at once): the completion is for the text the Tab follows, not
for the text of the last change the prompt has handled.

``pilot.press`` waits for the app to go idle after every key, which hides the fault: ``burst`` hands
the app all the keys at once, as a terminal read does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ui_pilot import SIZE, burst, handled


async def test_a_slash_command_and_tab_in_one_burst_complete(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, *"/prov", "tab")
        await handled(pilot)
        assert app.conversation.prompt_input.text == "/provider "
        burst(app, "tab")  # on to the provider names
        await handled(pilot)
        assert app.conversation.prompt_input.text == "/provider anthropic"


async def test_a_mention_and_tab_in_one_burst_complete(make_app: Any, sandbox: Path) -> None:
    (sandbox / "AGENTS.md").write_text("be brief\n")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, *"look at @AG", "tab")
        await handled(pilot)
        assert app.conversation.prompt_input.text == "look at @AGENTS.md"


async def test_a_tab_after_text_typed_past_a_completion_completes_that_text(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, *"/prov", "tab", "o", "tab")
        await handled(pilot)
        assert app.conversation.prompt_input.text == "/provider openai"


async def test_one_key_at_a_time_completes_too(make_app: Any, sandbox: Path) -> None:
    (sandbox / "AGENTS.md").write_text("be brief\n")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"/prov", "tab")
        assert app.conversation.prompt_input.text == "/provider "
        app.conversation.prompt_input.clear()
        await pilot.press(*"look at @AG", "tab")
        assert app.conversation.prompt_input.text == "look at @AGENTS.md"
