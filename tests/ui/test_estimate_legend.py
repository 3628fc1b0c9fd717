"""The sidebar's "~ estimated while streaming" legend shows only while an answer streams; estimates an
ended turn leaves behind (cancelled, failed) keep their "~" with a legend that says why."""

from __future__ import annotations

import io

from rich.console import Console
from textual.app import App, ComposeResult
from textual.content import Content
from textual.widgets import Static

from flux_tui.core.agent_events import (
    AgentEvent,
    TurnCancelled,
    TurnFailed,
    TurnFinished,
    TurnStarted,
    UsageReported,
)
from flux_tui.ui.widgets.cost_sidebar import ESTIMATE_NOTE, CostSidebar


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield CostSidebar(id="sidebar")


def _usage_text(sidebar: CostSidebar) -> str:
    content = sidebar.query_one("#sb-usage", Static).content
    if isinstance(content, str | Content):
        return str(content)
    console = Console(width=32, record=True, color_system=None, file=io.StringIO())
    console.print(content)
    return console.export_text()


def _estimate(output_tokens: int) -> UsageReported:
    return UsageReported(
        provider="anthropic", model="claude-sonnet-4-5", input_tokens=900, output_tokens=output_tokens,
        estimated=True,
    )


async def _legend_after(end: AgentEvent | None) -> tuple[str, str]:
    app = Host()
    async with app.run_test(size=(60, 30)) as pilot:
        sidebar = app.query_one(CostSidebar)
        sidebar.apply(TurnStarted(turn_id="t1", prompt="hi", provider="anthropic", model="claude-sonnet-4-5"))
        sidebar.apply(_estimate(40))
        await pilot.pause()
        streaming = _usage_text(sidebar)
        if end is not None:
            sidebar.apply(end)
        await pilot.pause()
        await pilot.pause()
        return streaming, _usage_text(sidebar)


async def test_the_legend_is_shown_while_streaming_and_leaves_with_the_stream() -> None:
    for end in (
        TurnCancelled(),
        TurnFailed(error="the connection dropped", error_type="StreamError"),
        TurnFinished(stop_reason="end_turn"),
    ):
        streaming, after = await _legend_after(end)
        assert ESTIMATE_NOTE in streaming
        assert ESTIMATE_NOTE not in after, end
        assert "~" in after  # the figures are still estimates, and still marked


async def test_a_loaded_session_that_stopped_mid_answer_is_not_streaming() -> None:
    app = Host()
    async with app.run_test(size=(60, 30)) as pilot:
        sidebar = app.query_one(CostSidebar)
        sidebar.load(
            [TurnStarted(turn_id="t1", prompt="hi", provider="anthropic", model="m"), _estimate(10)]
        )
        await pilot.pause()
        await pilot.pause()
        assert ESTIMATE_NOTE not in _usage_text(sidebar)
