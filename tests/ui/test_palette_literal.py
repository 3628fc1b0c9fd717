"""The command palette's entries hold model and provider names: shown as they are, never read as markup."""

from __future__ import annotations

from textual.content import Content
from textual.fuzzy import Matcher

from flux_tui.ui.commands import escape_markup, highlight

PATH = "src/[id]/page.tsx"


def test_highlight_keeps_the_candidate_literal_and_marks_the_match() -> None:
    shown = highlight(Matcher("page"), PATH)
    assert shown.plain == PATH
    assert shown.spans and min(span.start for span in shown.spans) >= PATH.index("page")
    assert highlight(Matcher("zzz"), "m-[/]").plain == "m-[/]"


def test_escaped_help_reads_back_as_the_same_text() -> None:
    # textual.markup.escape leaves the first five of these to be read as tags.
    for text in ("[B]x[/B]", "[$accent]x", "[ bold]x", "[_x]", "[$foo]", "[/]", "[red", "[@click=app.quit]"):
        assert Content.from_markup(escape_markup(text)).plain == text
    for text in ("a\\[b]c", "end\\", "\\\\[b]", PATH):
        assert Content.from_markup(escape_markup(text)).plain == text
