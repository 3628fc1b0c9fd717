"""Scripted sessions of the real app against the fake API server, shared by the snapshot tests and
``scripts/screenshots.py`` so the committed pictures and the tested ones come from the same steps.

Everything that could differ between runs is pinned: terminal size, tool durations (a fake clock), no
timestamps, ports or paths on screen, the cursor does not blink.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from flux_tui.core import _agent_tools
from flux_tui.ui.app import FluxApp
from flux_tui.ui.screens.approval import ApprovalScreen

SAMPLE_FILE = "greet.py"
SAMPLE_SOURCE = '''\
def greet(name: str) -> str:
    """Say hello."""
    return "hello " + name


if __name__ == "__main__":
    print(greet("world"))
'''

TOOL_ANSWER = """\
`greet.py` defines one function, **`greet(name)`**, which returns a greeting:

```python
def greet(name: str) -> str:
    return "hello " + name
```

Running the file prints `hello world`. Two small improvements:

1. use an f-string: `f"hello {name}"`;
2. capitalise the greeting for display.
"""

SWITCH_FIRST = "Use a **list comprehension**: `[x * x for x in numbers]` is clear and fast."
SWITCH_SECOND = (
    "For very large inputs prefer a generator expression, `(x * x for x in numbers)`: it yields the "
    "squares one at a time instead of building the whole list in memory."
)


class FakeClock:
    """Stands in for the ``time`` module of the agent's tool phase: every call lasts 42 ms."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        self.now += 0.021
        return self.now


@contextlib.contextmanager
def fixed_tool_durations() -> Iterator[None]:
    original = _agent_tools.time
    _agent_tools.time = FakeClock()  # type: ignore[assignment]
    try:
        yield
    finally:
        _agent_tools.time = original


async def _wait(condition: Callable[[], object], timeout: float = 15.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise TimeoutError("scenario step did not complete")
        await asyncio.sleep(0.02)


async def settle(pilot: Pilot[Any]) -> None:
    """Wait for background work (model list, context window) and the turn; freeze the cursor."""
    app = pilot.app
    assert isinstance(app, FluxApp)
    await _wait(lambda: not app.turn_running and app.conversation.chat.current is None)
    await app.workers.wait_for_complete()
    for answer in app.conversation.chat.answers:
        await answer.settle()
    app.conversation.prompt_input.cursor_blink = False
    await pilot.pause()
    await pilot.pause()


async def prompt(pilot: Pilot[Any], text: str) -> None:
    app = pilot.app
    assert isinstance(app, FluxApp)
    app.conversation.prompt_input.insert(text)
    await pilot.press("enter")


async def idle(pilot: Pilot[Any], api: Any, workspace: Path) -> None:
    await settle(pilot)


async def tool_call(pilot: Pilot[Any], api: Any, workspace: Path) -> None:
    (workspace / SAMPLE_FILE).write_text(SAMPLE_SOURCE)
    api.queue_anthropic_tool_use(
        [("toolu_01", "read_file", {"path": SAMPLE_FILE})],
        text="I'll read the file first.",
        usage={"input_tokens": 1480, "output_tokens": 62},
    )
    api.queue_anthropic_text(TOOL_ANSWER, usage={"input_tokens": 1720, "output_tokens": 148})
    await prompt(pilot, f"What does {SAMPLE_FILE} do?")
    await settle(pilot)
    await pilot.press("ctrl+t")
    await settle(pilot)
    await pilot.press("escape")  # the keys back in the prompt: the picture shows it ready for the next one
    await settle(pilot)


async def provider_switch(pilot: Pilot[Any], api: Any, workspace: Path) -> None:
    app = pilot.app
    assert isinstance(app, FluxApp)
    api.queue_anthropic_text(SWITCH_FIRST, usage={"input_tokens": 2100, "output_tokens": 38})
    api.queue_openai_text(SWITCH_SECOND, usage={"prompt_tokens": 2210, "completion_tokens": 41})
    await prompt(pilot, "How do I square every number in a list?")
    await settle(pilot)
    await prompt(pilot, "/provider openai")
    await _wait(lambda: app.agent.provider.name == "openai")
    await settle(pilot)
    await prompt(pilot, "And for a huge list?")
    await settle(pilot)
    await prompt(pilot, "/stats")
    await settle(pilot)


async def approval(pilot: Pilot[Any], api: Any, workspace: Path) -> None:
    (workspace / SAMPLE_FILE).write_text(SAMPLE_SOURCE)
    api.queue_anthropic_tool_use([("toolu_01", "read_file", {"path": SAMPLE_FILE})])
    edit = {"path": SAMPLE_FILE, "old_string": '"hello " + name', "new_string": 'f"Hello, {name}!"'}
    api.queue_anthropic_tool_use([("toolu_02", "edit_file", edit)], text="Switching to an f-string.")
    await prompt(pilot, f"Make {SAMPLE_FILE} use an f-string.")
    await _wait(lambda: isinstance(pilot.app.screen, ApprovalScreen))
    app = pilot.app
    assert isinstance(app, FluxApp)
    app.conversation.prompt_input.cursor_blink = False
    await pilot.pause()
    await pilot.pause()


SCENARIOS: dict[str, Callable[[Pilot[Any], Any, Path], Awaitable[None]]] = {
    "main-idle": idle,
    "conversation-tool-call": tool_call,
    "provider-switch": provider_switch,
    "approval-dialog": approval,
}

