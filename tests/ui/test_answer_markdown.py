"""Answers' Markdown: one shared parser draws exactly what Rich's own ``Markdown`` draws, and the
warm-up loads it, so the first answer does not."""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

import markdown_it
import pytest
from rich.console import Console
from rich.markdown import Markdown, MarkdownElement
from ui_pilot import SIZE, wait_until

from flux_tui.ui.widgets import answer_markdown
from flux_tui.ui.widgets.answer_markdown import AnswerMarkdown, LeftHeading

SOURCE = (
    "# Title\n\nSome **bold**, `code`, ~~gone~~ and https://example.com/a\n\n"
    "- one\n- two\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\n```python\nx = 1\n```\n"
)


class RichOwn(Markdown):
    """Rich's ``Markdown`` with the answers' headings: its own ``__init__`` and parser."""

    elements: ClassVar[dict[str, type[MarkdownElement]]] = {**Markdown.elements, "heading_open": LeftHeading}


def rendered(markdown: Markdown) -> str:
    console = Console(width=60, force_terminal=True, color_system="truecolor", record=True)
    console.print(markdown)
    return console.export_text(styles=True)


def test_the_shared_parser_draws_what_rich_draws() -> None:
    assert rendered(AnswerMarkdown(SOURCE)) == rendered(RichOwn(SOURCE))


def test_it_sets_every_attribute_rich_sets() -> None:
    ours, rich = vars(AnswerMarkdown(SOURCE, code_theme="monokai")), vars(RichOwn(SOURCE))
    assert ours.keys() == rich.keys()
    del ours["parsed"], rich["parsed"]
    assert ours == rich


def test_documents_share_one_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[object] = []
    original = markdown_it.MarkdownIt.__init__

    def counting(self: Any, *args: Any, **kwargs: Any) -> None:
        built.append(self)
        original(self, *args, **kwargs)

    AnswerMarkdown("warm")  # the shared parser exists
    monkeypatch.setattr(markdown_it.MarkdownIt, "__init__", counting)
    for block in ("# a", "b", "- c"):
        AnswerMarkdown(block)
    assert built == []


async def test_the_warm_up_loads_what_an_answer_draws_with(
    make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(answer_markdown, "preload", lambda: calls.append("preload"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: calls, timeout=30)
        await asyncio.sleep(0)
    assert calls == ["preload"]


def test_preload_runs_outside_the_app() -> None:
    answer_markdown.preload()  # a throwaway console: nothing printed, nothing raised
