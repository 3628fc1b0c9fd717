"""Answer text can be selected with the mouse and copied (ctrl+c); ``/copy``, f2 and ``/copy code N``
copy the last answer or one of its code blocks; each copy says what it copied."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from ui_pilot import SIZE, run_command, send

from flux_tui.ui.app import FluxApp
from flux_tui.ui.copying import code_blocks, copy_and_tell
from flux_tui.ui.widgets.answer_text import AnswerText

ANSWER = """Read the file with pathlib, it is the shortest way.

```python
from pathlib import Path
text = Path("notes.txt").read_text()
```

Or stream it:

```
with open("notes.txt") as f:
    for line in f: print(line)
```
"""


def notes(app: FluxApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def drag(pilot: Pilot[Any], widget: AnswerText, start: tuple[int, int], end: tuple[int, int]) -> None:
    await pilot.mouse_down(widget, offset=start)
    await pilot.hover(widget, offset=(start[0] + 1, start[1]))
    await pilot.hover(widget, offset=end)
    await pilot.mouse_up(widget, offset=end)
    await pilot.pause()


async def answered(make_app: Callable[..., FluxApp], fake_api: Any, pilot_body: Any) -> None:
    fake_api.queue_anthropic_text(ANSWER)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        answer = await send(pilot, app, "How do I read a file?")
        await pilot.pause()
        await pilot_body(pilot, app, answer)


async def test_answer_text_is_selected_with_the_mouse_and_copied(
    make_app: Callable[..., FluxApp], fake_api: Any
) -> None:
    async def body(pilot: Pilot[Any], app: FluxApp, answer: Any) -> None:
        chunk = answer.chunks[0]
        assert chunk.rendered_text.splitlines()[0].startswith("Read the file with pathlib")
        await drag(pilot, chunk, (9, 0), (17, 0))
        assert app.screen.get_selected_text() == "file with"
        line = chunk.render_line(0)
        selection_style = app.screen.get_component_rich_style("screen--selection")
        drawn = [seg for seg in line if seg.text == "file with"]
        assert drawn and drawn[0].style and drawn[0].style.bgcolor == selection_style.bgcolor
        await pilot.press("ctrl+c")  # the prompt has the focus and nothing selected: the screen copies
        assert app.clipboard == "file with"
        assert any("Copied the selection" in note for note in notes(app))

        # Across lines, into the code block: what was drawn, padding removed.
        lines = chunk.rendered_text.splitlines()
        code_row = next(i for i, text in enumerate(lines) if "read_text()" in text)
        await drag(pilot, chunk, (0, 0), (len(lines[code_row]) - 1, code_row))
        selected = app.screen.get_selected_text()
        assert selected is not None
        assert selected.startswith("Read the file with pathlib, it is the shortest way.\n")
        assert selected.rstrip().endswith('text = Path("notes.txt").read_text()')

    await answered(make_app, fake_api, body)


async def test_copy_command_and_key_copy_the_last_answer(
    make_app: Callable[..., FluxApp], fake_api: Any
) -> None:
    async def body(pilot: Pilot[Any], app: FluxApp, answer: Any) -> None:
        await run_command(pilot, app, "/copy")
        assert app.clipboard == ANSWER.strip("\n")  # the Markdown as written
        assert any(note.startswith("Copied the last answer (") for note in notes(app))
        copy_and_tell(app, "something else", "a test")
        await pilot.press("f2")
        assert app.clipboard == ANSWER.strip("\n")

    await answered(make_app, fake_api, body)


async def test_copy_code_copies_a_numbered_block(make_app: Callable[..., FluxApp], fake_api: Any) -> None:
    async def body(pilot: Pilot[Any], app: FluxApp, answer: Any) -> None:
        await run_command(pilot, app, "/copy code")
        assert app.clipboard == 'from pathlib import Path\ntext = Path("notes.txt").read_text()'
        assert any("code block 1 of 2 (python)" in note for note in notes(app))
        await run_command(pilot, app, "/copy code 2")
        assert app.clipboard == 'with open("notes.txt") as f:\n    for line in f: print(line)'
        await run_command(pilot, app, "/copy code 3")
        assert any("has 2 code blocks" in note for note in notes(app))
        assert app.clipboard.startswith("with open")  # unchanged
        await run_command(pilot, app, "/copy nonsense")
        assert "Usage: /copy" in app.conversation.chat.children[-1].render().plain  # type: ignore[attr-defined]

    await answered(make_app, fake_api, body)


async def test_nothing_to_copy_says_so(make_app: Callable[..., FluxApp]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await run_command(pilot, app, "/copy")
        await run_command(pilot, app, "/copy code")
        assert notes(app)[-2:] == ["No answer to copy yet.", "The last answer has no code block."]
        assert app.clipboard == ""


def test_code_blocks_are_parsed_as_markdown() -> None:
    blocks = code_blocks("text\n\n~~~js title\nx()\n~~~\n\n    indented\n\n```\nnot closed")
    assert [(b.language, b.code) for b in blocks] == [("js", "x()\n"), ("", "indented\n"), ("", "not closed")]
