"""Slash parsing, Tab completion, the palette, /help and the app's key bindings all list the commands of
the one registry, in its order: a command added, renamed or dropped in one of them alone fails here."""

from __future__ import annotations

import re
from typing import Any

from textual.widgets._footer import FooterKey
from ui_pilot import SIZE, run_command, wait_until

from flux_tui.ui.app import FluxApp
from flux_tui.ui.command_registry import COMMANDS, SLASH_COMMANDS, palette_commands
from flux_tui.ui.commands import complete, help_markdown, parse_slash
from flux_tui.ui.screens.conversation import ConversationScreen
from flux_tui.ui.widgets.chat_items import NoticeLine
from flux_tui.ui.widgets.info_panel import InfoPanel


def _table(markdown: str, heading: str) -> list[str]:
    """The first cells of the table under ``### heading`` (backticks and escapes removed)."""
    section = markdown.split(f"### {heading}", 1)[1].split("###", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return [re.sub(r"\\(.)", r"\1", row.split("`")[1]) for row in rows]


def test_the_registry_names_each_command_and_key_once() -> None:
    names = [command.name for command in SLASH_COMMANDS]
    keys = [command.key for command in COMMANDS if command.key]
    assert len(set(names)) == len(names) and len(set(keys)) == len(keys)
    assert len({command.palette for command in palette_commands()}) == len(palette_commands())


def test_help_lists_every_slash_command_and_every_key_of_the_registry() -> None:
    keyed = [command for command in COMMANDS if command.key]
    markdown = help_markdown([(command.key, command.key_label) for command in keyed])
    assert _table(markdown, "Commands") == [command.usage for command in SLASH_COMMANDS]
    assert _table(markdown, "Keys") == [command.key for command in keyed]


def test_tab_completes_every_slash_command_of_the_registry() -> None:
    expected = [f"/{c.name}{' ' if c.args else ''}" for c in SLASH_COMMANDS]
    assert complete("/", providers=(), models=()) == expected
    for command in SLASH_COMMANDS:
        assert parse_slash(f"/{command.name}") == (command.name, "")


def test_the_app_and_its_screen_bind_the_keys_of_the_registry_to_their_actions() -> None:
    def bound(bindings: Any) -> list[tuple[str, str, str, bool]]:
        return [(b.key, b.action, b.description, b.show) for b in bindings]

    def expected(screen: bool) -> list[tuple[str, str, str, bool]]:
        return [
            (c.key, c.action, c.key_label, c.show_key)
            for c in COMMANDS
            if c.key and not c.textual_key and c.screen == screen
        ]

    assert bound(FluxApp.BINDINGS) == expected(screen=False)
    assert bound(ConversationScreen.BINDINGS) == expected(screen=True)
    assert expected(screen=True)  # the panels' keys are the screen's
    in_help = [(b.key, b.action) for b in FluxApp.BINDINGS_FOR_HELP]
    assert in_help == [(c.key, c.action) for c in COMMANDS if c.key]


def test_every_action_and_handler_of_the_registry_is_a_method_of_its_owner() -> None:
    for command in COMMANDS:
        owner = ConversationScreen if command.screen else FluxApp
        if command.action and not command.textual_key:
            assert callable(getattr(owner, f"action_{command.action}", None)), command
        if command.handler:
            assert callable(getattr(owner, command.handler, None)), command
        assert command.action or command.handler, command  # something to run
        assert command.name or command.key or command.palette, command  # some way to run it


async def test_the_running_app_lists_the_registry_in_palette_help_footer_and_slash(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        switches = ("Switch provider: ", "Switch model: ")
        titles = [title for title, _, _ in app.palette_actions() if not title.startswith(switches)]
        assert titles == [command.palette_title for command in palette_commands()]
        hints = [hint for title, hint, _ in app.palette_actions() if not title.startswith(switches)]
        assert hints == [command.palette_hint for command in palette_commands()]

        await wait_until(pilot, lambda: app.screen.query(FooterKey))
        ours = [c for c in COMMANDS if c.key and not c.textual_key]  # the footer puts priority keys first
        actions = {command.action for command in ours}
        keys = app.screen.query(FooterKey)
        footer = [key.description for key in keys if key.action.rpartition(".")[2] in actions]
        assert sorted(footer) == sorted(command.key_label for command in ours if command.show_key)

        await run_command(pilot, app, "/help")
        await wait_until(pilot, lambda: app.conversation.chat.query(InfoPanel).filter(".help"))
        source = app.conversation.chat.query(InfoPanel).filter(".help").last().source
        assert _table(source, "Commands") == [command.usage for command in SLASH_COMMANDS]
        assert _table(source, "Keys") == [b.key_display or b.key for b in app.BINDINGS_FOR_HELP]

        for command in SLASH_COMMANDS:  # each is known to the slash runner (none says "Unknown")
            if not command.idle and command.name not in ("sessions", "help", "copy"):
                await run_command(pilot, app, f"/{command.name}")
        notices = [str(notice.render()) for notice in app.conversation.chat.query(NoticeLine)]
        assert not any("Unknown command" in notice for notice in notices), notices
