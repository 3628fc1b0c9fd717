"""An unexpected error that stops the app: its traceback reaches the app's log, and the one printed to
the terminal shows no frame's local variables (where a key can sit)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from flux_tui.ui.app import FluxApp

KEY = "sk-ant-api03-" + "k7" * 24


async def test_a_crash_is_logged_and_printed_without_locals(
    make_app: Callable[..., FluxApp], caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    app = make_app()

    def broken_handler() -> None:
        headers = {"x-api-key": KEY}  # a local of a failing frame, as in a request being built
        raise RuntimeError(f"the handler broke ({len(headers)} header)")

    with caplog.at_level(logging.CRITICAL), pytest.raises(RuntimeError):
        async with app.run_test() as pilot:
            await pilot.pause()
            app.call_later(broken_handler)
            await pilot.pause(0.2)

    printed = capsys.readouterr().err
    assert "the handler broke" in printed and "broken_handler" in printed  # the report is printed
    assert KEY[:24] not in printed  # the frame's locals are not listed (Textual's report cuts them)
    (record,) = [r for r in caplog.records if r.levelno == logging.CRITICAL]
    assert record.exc_info is not None and record.exc_info[1] is not None
    assert "the handler broke" in str(record.exc_info[1])
