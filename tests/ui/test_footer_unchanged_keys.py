"""The footer composes its row of keys again only when what it shows changed (the bindings, their
state, compact or not), and its keys are not restyled as they mount: a focus change that leaves the keys
as they were costs 10 to 18 ms of the event loop per composition, right after the first frame."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding
from textual.widgets._footer import FooterKey
from ui_pilot import SIZE

from flux_tui.ui.widgets.footer import FluxFooter


async def test_an_unchanged_row_is_not_composed_again(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.app_focus = True
        footer = app.conversation.query_one(FluxFooter)
        footer.call_later(footer.bindings_changed, app.conversation)
        await pilot.pause()
        composed: list[int] = []
        real = footer.recompose

        async def counting() -> None:
            composed.append(1)
            await real()

        footer.recompose = counting  # type: ignore[method-assign]
        footer.call_later(footer.bindings_changed, app.conversation)  # a focus change, say, keys unchanged
        await pilot.pause()
        assert composed == []
        app.bind("f9", "bell", description="Ring")  # a new key to show
        footer.call_later(footer.bindings_changed, app.conversation)
        await pilot.pause()
        assert composed == [1]
        assert "Ring" in [key.description for key in footer.query(FooterKey)]


async def test_a_key_that_changes_state_is_composed_again(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.app_focus = True
        footer = app.conversation.query_one(FluxFooter)
        footer.call_later(footer.bindings_changed, app.conversation)
        await pilot.pause()
        before = footer._composed_from
        app._bindings.key_to_bindings["f9"] = [Binding("f9", "bell", "Ring")]
        assert footer._shown() != before


async def test_the_keys_are_not_restyled_as_they_mount(make_app: Any, monkeypatch: Any) -> None:
    restyled: list[FooterKey] = []
    real = FooterKey.update_node_styles

    def recording(self: FooterKey, animate: bool = True) -> None:
        restyled.append(self)
        real(self, animate)

    monkeypatch.setattr(FooterKey, "update_node_styles", recording)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.app_focus = True
        footer = app.conversation.query_one(FluxFooter)
        footer.call_later(footer.bindings_changed, app.conversation)
        await pilot.pause()
        keys = [key for key in footer.query(FooterKey) if not key.has_class("-command-palette")]
        assert keys and all(key.compact == footer.compact for key in keys)
        assert [key for key in restyled if key in keys] == []
