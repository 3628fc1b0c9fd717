"""Keys typed before the app could read the terminal (kept by ``typeahead``) reach the prompt first, as
the driver would have read them: an Enter among them sends the prompt, and the keys the driver reads
after them follow in order."""

from __future__ import annotations

from typing import Any

from ui_pilot import SIZE, finish_turn, wait_until

from flux_tui.ui import early_keys
from flux_tui.ui.early_keys import post_early_keys


async def test_an_enter_typed_before_the_app_started_sends_the_prompt(make_app: Any, fake_api: Any) -> None:
    fake_api.queue_anthropic_text("Answered.")
    app = make_app()
    assert post_early_keys(app, b"fix the bug\rand then") == len("fix the bug\rand then")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*" more")  # read by the driver, after the early keys
        chat = app.conversation.chat
        await wait_until(pilot, lambda: len(chat.prompts) == 1)
        await finish_turn(pilot, app)
        sent = fake_api.last_request("/v1/messages").body["messages"][-1]["content"]
        assert "fix the bug" in str(sent) and "and then" not in str(sent)
        assert app.conversation.prompt_input.text == "and then more"


async def test_keys_not_text_arrive_as_the_keys_they_are(make_app: Any) -> None:
    app = make_app()
    post_early_keys(app, "añb\x1b[D\x7f".encode())  # a non-ASCII letter, left arrow, backspace
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.conversation.prompt_input.text == "ab")


async def test_without_textual_s_parser_the_keys_are_dropped_not_the_app(
    make_app: Any, monkeypatch: Any
) -> None:
    import builtins

    real_import = builtins.__import__

    def no_parser(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "textual._xterm_parser":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_parser)
    assert early_keys.post_early_keys(make_app(), b"hi\r") == 0
