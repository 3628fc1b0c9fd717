"""Streaming Markdown chunks: where an answer may be cut, and that cutting never changes the text."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from ui_pilot import SIZE, wait_until

from flux_tui.core.agent_events import TextDelta, TurnFinished, TurnStarted
from flux_tui.ui.widgets import answer_text, markdown_lines
from flux_tui.ui.widgets.answer_text import ChunkSplitter


def split_all(pieces: list[str], limit: int) -> list[str]:
    """Feed ``pieces`` and return the chunks the splitter cuts them into."""
    splitter = ChunkSplitter(limit)
    chunks = [""]
    for piece in pieces:
        start = 0
        for cut in splitter.feed(piece):
            chunks[-1] += piece[start:cut]
            chunks.append("")
            start = cut
        chunks[-1] += piece[start:]
    return chunks


def test_cuts_only_at_a_blank_line_before_an_unindented_line() -> None:
    text = "para one\n\npara two\n\n    indented code\n\n- item\n  continued\n\npara three\n"
    chunks = split_all([text], limit=1)
    assert chunks == [
        "para one\n\n",
        "para two\n\n    indented code\n\n",
        "- item\n  continued\n\n",
        "para three\n",
    ]


def test_never_cuts_inside_a_code_fence() -> None:
    fence = "```python\nx = 1\n\ny = 2\n\n~~~\nstill code\n```\n"
    chunks = split_all(["intro\n\n", fence, "\nafter\n"], limit=1)
    assert fence in chunks[1]
    assert chunks == ["intro\n\n", fence + "\n", "after\n"]


def test_longer_closing_fence_and_tilde_fences() -> None:
    text = "~~~~\na\n\n```\nb\n\n~~~~~\n\nnext\n"
    assert split_all([text], limit=1) == ["~~~~\na\n\n```\nb\n\n~~~~~\n\n", "next\n"]


def test_respects_the_size_limit() -> None:
    text = "".join(f"paragraph {i}\n\n" for i in range(100))
    chunks = split_all([text], limit=200)
    assert all(len(chunk) < 200 + 20 for chunk in chunks)
    assert len(chunks) > 5


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(["word ", "\n", "\n\n", "```", "~~~", "    ", "- ", "# ", "x"]), max_size=80),
    st.integers(min_value=1, max_value=8),
    st.integers(min_value=1, max_value=30),
)
def test_token_boundaries_do_not_change_the_cuts(tokens: list[str], group: int, limit: int) -> None:
    text = "".join(tokens)
    pieces = ["".join(tokens[i : i + group]) for i in range(0, len(tokens), group)]
    chunks = split_all(pieces, limit)
    assert "".join(chunks) == text
    assert chunks == split_all([text], limit) or text == ""


async def test_a_long_fast_answer_is_chunked_deferred_then_rendered(make_app: Any) -> None:
    app = make_app()
    paragraphs = [f"Paragraph {i} " + "lorem ipsum " * 30 + "\n\n" for i in range(60)]
    async with app.run_test(size=SIZE) as pilot:
        app.apply_agent_event(TurnStarted(turn_id="t", prompt="long", provider="anthropic", model="m"))
        text = "".join(paragraphs)
        for token in re.findall(r"\s*\S+|\s+$", text):  # all at once, as a firehose delivers it
            app.apply_agent_event(TextDelta(text=token))
        app.apply_agent_event(TurnFinished(stop_reason="end_turn"))
        answer = app.conversation.chat.answers[-1]
        await answer.settle()
        chunks = answer.chunks
        assert len(chunks) > 3
        assert answer.text == text
        assert any(chunk.deferred for chunk in chunks[:-1])
        assert not chunks[-1].deferred  # the end of the answer is always rendered
        await wait_until(pilot, lambda: not any(chunk.deferred for chunk in answer.chunks), timeout=30)
        for chunk in chunks:  # rendered as Markdown: the same words, each paragraph on lines of its own
            assert chunk.rendered_text.split() == chunk.text.split()
            assert chunk.rendered_text.count("\n\n") == chunk.text.strip().count("\n\n")


MARKDOWN = (
    "# Title\n\nSome **bold** text and `code`.\n\n- one\n- two\n\n"
    "```python\ndef f():\n    return 1\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nThe end.\n"
)


async def test_markdown_is_rendered_not_shown_raw(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.apply_agent_event(TurnStarted(turn_id="t", prompt="md", provider="anthropic", model="m"))
        app.apply_agent_event(TextDelta(text=MARKDOWN))
        app.apply_agent_event(TurnFinished(stop_reason="end_turn"))
        answer = app.conversation.chat.answers[-1]
        await answer.settle()
        await pilot.pause()
        shown = answer.chunks[0].rendered_text
        lines = [line.strip() for line in shown.splitlines()]
        assert "Title" in lines and "# Title" not in shown  # a heading, not the marker
        assert "Some bold text and code." in lines
        assert any(line.startswith("•") and "one" in line for line in lines)  # a bullet
        assert "def f():" in shown and "```" not in shown  # a code block without its fence
        assert "| a | b |" not in shown and any(set(line) == {"─"} for line in lines)  # a table, ruled
        assert lines[-1] == "The end."


async def test_streaming_renders_only_the_block_still_growing(make_app: Any, monkeypatch: Any) -> None:
    rendered: list[str] = []
    real = markdown_lines.render_markdown

    def counting(console: Any, source: str, width: int, *colours: Any) -> Any:
        rendered.append(source)
        return real(console, source, width, *colours)

    monkeypatch.setattr(answer_text, "render_markdown", counting)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.apply_agent_event(TurnStarted(turn_id="t", prompt="md", provider="anthropic", model="m"))
        chunk = None
        for i in range(6):
            app.apply_agent_event(TextDelta(text=f"Paragraph {i} is here.\n\n"))
            await pilot.pause(answer_text.FLUSH_INTERVAL + 0.05)
            chunk = app.conversation.chat.answers[-1].chunks[0]
        assert chunk is not None
        await wait_until(pilot, lambda: chunk.rendered_text.split() == chunk.text.split())  # next beat
        closed = [source for source in rendered if source.startswith("Paragraph 0")]
        assert len(closed) <= 2  # rendered while it streamed, then once when closed; never again


async def test_an_answer_grows_while_a_later_chat_item_changes_in_the_same_frame(make_app: Any) -> None:
    """Regression: with ``layout: stream`` (Textual 8) the chat kept the answer's old height when a later
    item asked for layout in the same frame, and the answer showed only its header line."""
    from textual.widgets import Static

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.apply_agent_event(TurnStarted(turn_id="t", prompt="grow", provider="anthropic", model="m"))
        answer = app.conversation.chat.answers[-1]
        app.apply_agent_event(TextDelta(text="First paragraph.\n\n"))
        later = Static("a later item", classes="notice")
        await app.conversation.chat.mount(later)
        await wait_until(pilot, lambda: answer.chunks and answer.chunks[0].rendered_text.strip())
        await pilot.pause()
        height_before = answer.region.height
        chunk = answer.chunks[0]
        chunk.add("".join(f"Paragraph {i}.\n\n" for i in range(8)))
        chunk._show_pending()  # the write, now, in the same frame as the change below
        later.update("a later item\nnow two lines")
        await pilot.pause()
        await pilot.pause(0.1)
        text_lines = len(chunk.rendered_text.splitlines())
        assert chunk.region.height == text_lines
        assert answer.region.height >= height_before + 8 * 2 - 2  # the container followed its text
        assert later.region.y >= chunk.region.bottom  # and nothing overlaps it
