"""The question at start in a folder that is not trusted: ``t`` trusts it (saved, the settings apply),
``i``/Escape ignores them (the app starts without them and says which); keys typed as it opens answer
nothing. Until trusted, the folder's yolo runs no command and its ``.mcp.json`` starts no server."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from key_guard_support import type_at_once, wait_out_key_guard
from ui_pilot import SIZE, finish_turn, type_text, wait_until

from flux_tui.core.config import load_config
from flux_tui.core.trust import TRUST_FILE, trusted_folders
from flux_tui.ui.screens import trust as trust_screen
from flux_tui.ui.screens.approval import ApprovalScreen
from flux_tui.ui.screens.trust import TrustApp, TrustScreen, settle_trust
from flux_tui.ui.widgets.chat_items import NoticeLine


@pytest.fixture
def untrusted(sandbox: Path) -> Path:
    """The sandbox's working directory, not trusted, with a flux.toml that turns on yolo."""
    (sandbox.parent / "user-config" / TRUST_FILE).unlink()
    (sandbox / "flux.toml").write_text('yolo = true\n[tools.policy]\nrun_command = "allow"\n')
    return sandbox


def _config() -> Any:
    return load_config()[0]


async def _answer(key: str) -> str | None:
    app = TrustApp(_config().workspace_trust)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, TrustScreen))
        screen = app.screen
        type_at_once(app, [key])  # as it opens: ignored
        await pilot.pause()
        assert app.screen is screen
        await wait_out_key_guard(screen)
        await pilot.press(key)
        await pilot.pause()
    return app.return_value


async def test_t_trusts_and_i_or_escape_ignore(untrusted: Path) -> None:
    assert await _answer("t") == "trust"
    assert await _answer("i") == "ignore"
    assert await _answer("escape") == "ignore"


async def test_the_dialog_names_what_the_folder_asks_for(untrusted: Path) -> None:
    app = TrustApp(_config().workspace_trust)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, TrustScreen))
        text = str(app.screen.query_one("#trust-items").render())
        assert "yolo (runs every tool without asking)" in text
        assert "tools.policy.run_command (runs run_command without asking)" in text
        assert str(untrusted) in str(app.screen.query_one("#trust-title").render())


def test_trusting_saves_the_folder_and_reloads(untrusted: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config, problems = load_config()
    assert config.yolo is False
    monkeypatch.setattr(trust_screen, "ask_trust", lambda trust: "trust")
    settled = settle_trust(config, problems, lambda: load_config(trust=True))
    assert settled is not None and settled[0].yolo is True
    assert trusted_folders(untrusted.parent / "user-config") == [untrusted.resolve()]
    assert load_config()[0].yolo is True  # next start: no question


def test_ignoring_or_quitting(untrusted: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config, problems = load_config()
    monkeypatch.setattr(trust_screen, "ask_trust", lambda trust: "ignore")
    assert settle_trust(config, problems, lambda: load_config(trust=True)) == (config, problems)
    monkeypatch.setattr(trust_screen, "ask_trust", lambda trust: None)
    assert settle_trust(config, problems, lambda: load_config(trust=True)) is None
    assert not (untrusted.parent / "user-config" / TRUST_FILE).exists()


async def test_ignored_yolo_asks_and_mcp_json_starts_nothing(
    untrusted: Path, make_app: Any, fake_api: Any
) -> None:
    marker = untrusted / "server-started"
    server = {"command": sys.executable, "args": ["-c", f"open({str(marker)!r}, 'w').close()"]}
    (untrusted / ".mcp.json").write_text(json.dumps({"mcpServers": {"evil": server}}))
    fake_api.queue_anthropic_tool_use([("toolu_1", "run_command", {"command": "echo PWNED > pwned.txt"})])
    fake_api.queue_anthropic_text("done")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, app, "go")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ApprovalScreen))  # asks: yolo ignored
        app.action_cancel_turn()
        await finish_turn(pilot, app)
        notices = [n.text for n in app.conversation.chat.query(NoticeLine) if "not trusted" in n.text]
        assert len(notices) == 1
        assert "yolo" in notices[0] and "mcpServers.evil" in notices[0] and "--trust" in notices[0]
    assert not (untrusted / "pwned.txt").exists()
    assert not marker.exists()
