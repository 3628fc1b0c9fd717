"""The top bar's first frame: menu faces that look like the closed menus, replaced by the real menus
right after it, with whatever the app told the bar in between."""

from __future__ import annotations

import asyncio

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Select

from flux_tui.ui.messages import ModelChosen
from flux_tui.ui.widgets.top_bar import MenuFace, MenuSelect, TopBar

PROVIDERS = [("anthropic", "anthropic"), ("openai", "openai")]
MODELS = ["claude-sonnet-4-5", "claude-haiku-4-5"]


class FacesOnly(TopBar):
    """A bar that never gets past its first frame."""

    async def _build_menus(self) -> None:
        pass


def bar_of(
    cls: type[TopBar], providers: list[tuple[str, str]], provider: str, models: list[str], model: str
) -> TopBar:
    """A bar holding the app's state before it is mounted (as ``data_bind`` gives it)."""
    bar = cls()
    bar.set_reactive(TopBar.providers, providers)
    bar.set_reactive(TopBar.provider, provider)
    bar.set_reactive(TopBar.models, models)
    bar.set_reactive(TopBar.model, model)
    return bar


def show(bar: TopBar, provider: str, model: str, models: list[str]) -> None:
    """What the app's state does on a switch."""
    bar.provider, bar.model, bar.models = provider, model, models


class BarApp(App[None]):
    def __init__(self, bar: TopBar) -> None:
        super().__init__()
        self.bar = bar
        self.chosen: list[str] = []

    def compose(self) -> ComposeResult:
        yield self.bar

    def on_model_chosen(self, event: ModelChosen) -> None:
        self.chosen.append(event.model)


def _first_line(app: App[None]) -> str:
    return app.screen._compositor.render_strips()[0].text


async def test_the_first_frame_shows_what_the_menus_show() -> None:
    faces = BarApp(bar_of(FacesOnly, PROVIDERS, "anthropic", MODELS, "claude-sonnet-4-5"))
    async with faces.run_test(size=(120, 3)) as pilot:
        await pilot.pause()
        assert len(faces.bar.query(MenuFace)) == 2
        assert not faces.bar.query(Select)
        first_frame = _first_line(faces)
    menus = BarApp(bar_of(TopBar, PROVIDERS, "anthropic", MODELS, "claude-sonnet-4-5"))
    async with menus.run_test(size=(120, 3)) as pilot:
        await pilot.pause()
        assert not menus.bar.query(MenuFace)
        shown = _first_line(menus)
    assert "anthropic" in first_frame and "claude-sonnet-4-5" in first_frame and "▼" in first_frame
    assert first_frame == shown


async def test_the_menus_carry_what_the_bar_was_told_before_them() -> None:
    bar = bar_of(FacesOnly, PROVIDERS, "anthropic", MODELS, "claude-sonnet-4-5")
    app = BarApp(bar)
    async with app.run_test(size=(120, 3)) as pilot:
        show(bar, "openai", "gpt-4o", ["gpt-4o", "gpt-4o-mini"])
        await pilot.pause()
        assert "openai" in _first_line(app) and "gpt-4o" in _first_line(app)
        await TopBar._build_menus(bar)
        await pilot.pause()
        assert not bar.query(MenuFace)
        provider = bar.query_one("#provider-select", Select)
        model = bar.query_one("#model-select", Select)
        assert (provider.value, model.value) == ("openai", "gpt-4o")
        assert bar.offered_models == ["gpt-4o", "gpt-4o-mini"]
        model.value = "gpt-4o-mini"  # what picking it does
        await pilot.pause()
        assert app.chosen == ["gpt-4o-mini"]


async def test_a_switch_while_the_menus_are_being_mounted_reaches_them() -> None:
    bar = bar_of(FacesOnly, PROVIDERS, "anthropic", MODELS, "claude-sonnet-4-5")
    app = BarApp(bar)
    async with app.run_test(size=(120, 3)) as pilot:
        await pilot.pause()
        building = asyncio.create_task(TopBar._build_menus(bar))
        await asyncio.sleep(0)  # the menus are being mounted
        show(bar, "openai", "gpt-4o", ["gpt-4o", "gpt-4o-mini"])  # a replayed switch, say
        await building
        await pilot.pause()
        assert not bar.query(MenuFace)
        provider = bar.query_one("#provider-select", Select)
        model = bar.query_one("#model-select", Select)
        assert (provider.value, model.value) == ("openai", "gpt-4o")
        assert "openai" in _first_line(app) and "gpt-4o" in _first_line(app)


@pytest.mark.parametrize("menu_class", [MenuSelect, Select])
async def test_a_menu_taken_down_before_it_is_composed_fails_only_as_textuals(menu_class: type) -> None:
    """Quitting right after the first frame: the menus are mounted and taken down at once."""
    bar = bar_of(FacesOnly, PROVIDERS, "anthropic", MODELS, "claude-sonnet-4-5")
    app = BarApp(bar)
    failed = False
    try:
        async with app.run_test(size=(120, 3)) as pilot:
            menu = menu_class(PROVIDERS, value="anthropic", allow_blank=False)
            bar.mount(menu)
            menu.remove()
            await pilot.pause()
    except Exception:
        failed = True
    assert failed is (menu_class is Select)


async def test_menus_built_while_the_bar_is_taken_down_leave_it_alone() -> None:
    """Quitting right after the first frame: the menus' mounting finds the bar already going."""
    bar = bar_of(FacesOnly, PROVIDERS, "anthropic", MODELS, "claude-sonnet-4-5")
    app = BarApp(bar)
    async with app.run_test(size=(120, 3)) as pilot:
        await pilot.pause()
        bar.remove()
        await TopBar._build_menus(bar)  # raised NoMatches when it set the options of uncomposed menus
        assert bar._menus is None


@pytest.mark.parametrize(("width", "narrow"), [(80, True), (160, False)])
async def test_the_status_is_one_line_cut_with_an_ellipsis_when_it_does_not_fit(
    width: int, narrow: bool
) -> None:
    bar = bar_of(FacesOnly, PROVIDERS, "anthropic", MODELS, MODELS[0])
    app = BarApp(bar)
    async with app.run_test(size=(width, 3)) as pilot:
        if narrow:
            app.screen.add_class("-narrow")  # as the app marks a narrow terminal
        bar.mode = "replay"
        await pilot.pause()
        line = _first_line(app).rstrip()
        assert "▶ replay" in line
        if narrow:
            assert line.endswith("…"), line  # not a wrapped first line ("▶ replay:")
        else:
            assert line.endswith("nothing is sent, run or recorded")
