"""An ``@path`` that looks like a slip for a file that is there (a typo, the file in another folder)
gives the prompt back before anything is paid for: the chat says which file was meant, the prompt is in
the editor to fix, and Enter again sends it as it is. A mention that names nothing in particular goes
at once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ui_pilot import SIZE, finish_turn, send, type_text, wait_until

from flux_tui.ui.prompt_context import SLIP_HELD
from flux_tui.ui.widgets.chat_items import NoticeLine

PATH = "/v1/messages"


def _notices(app: Any) -> list[str]:
    return [line.text for line in app.conversation.chat.query(NoticeLine)]


async def _held(pilot: Any, app: Any, text: str) -> None:
    """Type ``text``, press Enter, and wait until the prompt is given back for a slip."""
    await type_text(pilot, app, text)
    await pilot.press("enter")
    await wait_until(pilot, lambda: SLIP_HELD in _notices(app))


@pytest.fixture
def main_py(sandbox: Path) -> Path:
    (sandbox / "src").mkdir()
    (sandbox / "src" / "main.py").write_text("print('hi')\n")
    return sandbox


async def test_a_slip_gives_the_prompt_back_and_enter_again_sends_it(
    make_app: Any, fake_api: Any, main_py: Path
) -> None:
    fake_api.queue_anthropic_text("Sent as it was.")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _held(pilot, app, "explain @src/mian.py")
        said = (
            "@src/mian.py not attached: no such file or directory in the workspace; "
            "did you mean @src/main.py?"
        )
        assert said in _notices(app)
        assert app.conversation.prompt_input.text == "explain @src/mian.py"
        assert fake_api.requests_to(PATH) == []  # nothing paid for yet
        await pilot.press("enter")  # as it is
        await wait_until(pilot, lambda: fake_api.requests_to(PATH))
        await finish_turn(pilot, app)
        assert "explain @src/mian.py" in json.dumps(fake_api.last_request(PATH).body["messages"][-1])


async def test_a_fixed_slip_attaches_the_file(make_app: Any, fake_api: Any, main_py: Path) -> None:
    fake_api.queue_anthropic_text("It prints hi.")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _held(pilot, app, "explain @main.py")
        prompt = app.conversation.prompt_input
        prompt.load_text("explain @src/main.py")
        await pilot.press("enter")
        await wait_until(pilot, lambda: fake_api.requests_to(PATH))
        await finish_turn(pilot, app)
        assert "print('hi')" in json.dumps(fake_api.last_request(PATH).body["messages"][-1])
        assert _notices(app).count(SLIP_HELD) == 1


async def test_a_missing_file_without_a_likely_meaning_goes_at_once(
    make_app: Any, fake_api: Any, sandbox: Path
) -> None:
    (sandbox / "src").mkdir()
    fake_api.queue_anthropic_text("I will create it.")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, app, "create @src/new_module.py")
        await pilot.press("enter")
        await wait_until(pilot, lambda: fake_api.requests_to(PATH))
        await finish_turn(pilot, app)
        assert SLIP_HELD not in _notices(app)
        assert "@src/new_module.py not attached: no such file or directory in the workspace" in _notices(app)


async def test_a_prompt_edited_around_the_same_slip_goes_on_the_next_enter(
    make_app: Any, fake_api: Any, main_py: Path
) -> None:
    fake_api.queue_anthropic_text("Sent.")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _held(pilot, app, "read @src/Main.py")
        answer = await send(pilot, app, " please")  # more words, the same slip
        assert answer.text == "Sent."
        assert "read @src/Main.py please" in json.dumps(fake_api.last_request(PATH).body["messages"][-1])
        assert _notices(app).count(SLIP_HELD) == 1
