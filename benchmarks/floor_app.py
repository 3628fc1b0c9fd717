"""The startup floor: the smallest Textual app a prompt needs (one ``Static``, one ``Input``).

``python -m benchmarks.floor_app`` is launched exactly as flux-tui is (same terminal, same wrapper, same
environment). Its prompt's placeholder carries the text the harness waits for as the first frame, and
the prompt has focus, so "first frame" and "ready for input" are measured the same way for both: no
app built on Textual is ready sooner than this one. Ctrl+Q quits it (Textual's default binding).
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Input, Static

# Contains ``harness.FIRST_FRAME_TEXT`` (a test checks it); not imported from there, so that the floor
# imports nothing but Textual.
PLACEHOLDER = "Type a message (Enter sends)"


class FloorApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("flux-tui startup floor")
        yield Input(placeholder=PLACEHOLDER)


def main() -> None:
    FloorApp().run()


if __name__ == "__main__":
    main()
