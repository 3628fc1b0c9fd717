"""A long streamed Markdown answer keeps a blank line before every heading, where the answer is cut
into chunks too (a heading opening a chunk after the first had none: every 8th of ~500-character
sections)."""

from __future__ import annotations

from typing import Any

from ui_pilot import SIZE, send

from flux_tui.ui.widgets.answer_text import CHUNK_CHARS
from flux_tui.ui.widgets.chat_items import AssistantAnswer

SECTIONS = 30
BODY = "The section explains one idea in plain words, " * 9  # about 450 characters


def _answer_markdown() -> str:
    return "".join(f"## Section {n}\n\n{BODY.strip()}\n\n" for n in range(SECTIONS))


def _laid_out_lines(answer: AssistantAnswer) -> list[str]:
    """The answer's text lines where the layout puts them, blank rows between chunks included."""
    rows: dict[int, str] = {}
    for chunk in answer.chunks:
        top = chunk.virtual_region.y
        for offset, line in enumerate(chunk.rendered_text.split("\n")):
            rows[top + offset] = line.strip()
    first, last = min(rows), max(rows)
    return [rows.get(y, "") for y in range(first, last + 1)]


async def test_every_heading_of_a_long_streamed_answer_has_a_blank_line_before_it(
    make_app: Any, fake_api: Any
) -> None:
    text = _answer_markdown()
    assert len(text) > 3 * CHUNK_CHARS  # the answer spans several chunks
    fake_api.queue_anthropic_text(text, chunk_tokens=8)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        answer = await send(pilot, app, "explain thirty ideas")
        await app.conversation.chat.materialize_all()
        await pilot.pause()
        await pilot.pause()
        assert len(answer.chunks) >= 3
        lines = _laid_out_lines(answer)
        headings = [index for index, line in enumerate(lines) if line.startswith("Section ")]
        assert len(headings) == SECTIONS
        missing = [lines[index] for index in headings[1:] if lines[index - 1] != ""]
        assert missing == []
