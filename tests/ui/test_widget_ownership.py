"""The conversation screen owns its widgets: no other module of the app reaches into them. Modules
outside the screen talk to it through its methods and the app's state (bound down with data_bind);
widgets talk up with messages. The screen's read-only parts (``chat``, ``sidebar``...) are for tests."""

from __future__ import annotations

import re
from pathlib import Path

import flux_tui

PACKAGE = Path(flux_tui.__file__).parent
OWNER = PACKAGE / "ui" / "screens" / "conversation.py"
PARTS = ("chat", "inspector", "sidebar", "prompt_input", "top_bar", "panels")
REACHING = re.compile(rf"\.(?:{'|'.join(PARTS)})\b(?!\s*=)")
WIDGET_TYPES = ("ChatPane", "ToolInspector", "CostSidebar", "PromptInput", "TopBar")
QUERIES = re.compile(rf"query(?:_one|_exactly_one)?\(\s*(?:{'|'.join(WIDGET_TYPES)})\b")


# Widgets whose own attributes bear these names (a message's ``sidebar``, the panel row's ``panels``).
WIDGETS = (PACKAGE / "ui" / "widgets", PACKAGE / "ui" / "panels.py")


def _modules() -> list[Path]:
    return [
        path
        for path in PACKAGE.rglob("*.py")
        if path != OWNER and not any(path == home or home in path.parents for home in WIDGETS)
    ]


def test_no_module_but_the_screen_reaches_into_its_widgets() -> None:
    found = []
    for path in _modules():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if re.search(r"\b(?:app|self|conversation|screen)\b", code) and (
                REACHING.search(code) or QUERIES.search(code)
            ):
                found.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}")
    assert found == []


def test_the_check_sees_a_reach_into_the_screen() -> None:
    assert REACHING.search("app.conversation.chat.add_notice(text)")
    assert REACHING.search("self.sidebar.set_budget(usd)")
    assert QUERIES.search("self.app.query_one(ChatPane)")
    assert not REACHING.search("self.conversation.notice(text)")
