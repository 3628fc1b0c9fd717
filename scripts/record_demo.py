"""Record the offline demo session, ``flux_tui/sessions/demo/demo_session.jsonl``.

    python scripts/record_demo.py [--out PATH] [--tps 40]

It actually runs the app (``flux_tui.ui.launch.build_app``, the same wiring as ``flux-tui``, driven
headless by Textual's pilot) against the project's test API server (``tests/fakeapi.py``) with scripted
replies, and exports the session it recorded: a short coding conversation with a Markdown answer, a
``read_file`` tool call, an ``edit_file`` call approved in the dialog (with its diff), and a switch from
anthropic to openai mid-session, with usage, so the sidebar shows a per-provider breakdown. Test keys, a
throw-away workspace and data dir: no real key, file or network is involved. The session title says it
was recorded against the test API server.

``flux-tui replay --demo`` plays the result with no key and no network.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fakeapi import FakeAPI  # noqa: E402

from flux_tui.core.config import load_config  # noqa: E402
from flux_tui.sessions import SessionStore, export_jsonl  # noqa: E402
from flux_tui.sessions.demo import demo_session_path  # noqa: E402
from flux_tui.ui.app import FluxApp  # noqa: E402
from flux_tui.ui.launch import build_app  # noqa: E402
from flux_tui.ui.screens.approval import ApprovalScreen  # noqa: E402

TITLE_PREFIX = "Demo (recorded against flux-tui's test API server)"
TITLE = f"{TITLE_PREFIX}: tidy up greet.py"
SIZE = (160, 50)
READ_PAUSE = 1.2  # seconds "the user" spends reading between two prompts

SOURCE = """\
def greet(name):
    return "hello " + name


if __name__ == "__main__":
    print(greet("world"))
"""

PROMPT_1 = "What does greet.py do, and what would you improve?"
PREFACE_1 = "Let me read the file first."
ANSWER_1 = """\
`greet.py` defines a single function, **`greet(name)`**, and calls it when run as a script:

```python
def greet(name):
    return "hello " + name
```

Running `python greet.py` prints `hello world`.

### What I would improve

1. **Use an f-string**: `f"Hello, {name}!"` reads better than concatenation.
2. **Add type hints**: `def greet(name: str) -> str:` documents the contract.
3. **Capitalise** the greeting for display.

Want me to make those changes?
"""

PROMPT_2 = "Yes please: f-string, type hints and a capital H."
PREFACE_2 = "Here is the edit; it needs your approval."
OLD = 'def greet(name):\n    return "hello " + name'
NEW = 'def greet(name: str) -> str:\n    return f"Hello, {name}!"'
ANSWER_2 = """\
Done. `greet.py` now reads:

```python
def greet(name: str) -> str:
    return f"Hello, {name}!"
```

`python greet.py` prints `Hello, world!`.
"""

PROMPT_3 = "Now a quick doctest for it, please."
ANSWER_3 = """\
Put an example in the docstring; `doctest` runs it as a test:

```python
def greet(name: str) -> str:
    \"\"\"Greet someone by name.

    >>> greet("Ada")
    'Hello, Ada!'
    \"\"\"
    return f"Hello, {name}!"
```

Run it with:

```bash
python -m doctest -v greet.py
```

*Tip:* keep examples short; they are documentation first.
"""


def isolate(home: Path) -> Path:
    """No real key, config file or working directory leaks into the recording."""
    for name in list(os.environ):
        if name.upper().startswith(("FLUX_", "ANTHROPIC_", "OPENAI_")):
            del os.environ[name]
    (home / "config").mkdir()
    os.environ["FLUX_CONFIG_DIR"] = str(home / "config")
    os.environ["FLUX_DATA_DIR"] = str(home / "data")
    workspace = home / "project"
    workspace.mkdir()
    (workspace / "greet.py").write_text(SOURCE)
    os.chdir(workspace)
    return workspace


def script(api: FakeAPI, tps: float) -> None:
    """The server's replies, in order."""
    pace = {"tokens_per_second": tps}
    api.queue_anthropic_tool_use(
        [("toolu_demo_read", "read_file", {"path": "greet.py"})],
        text=PREFACE_1,
        usage={"input_tokens": 1480, "output_tokens": 58},
        **pace,
    )
    api.queue_anthropic_text(ANSWER_1, usage={"input_tokens": 1690, "output_tokens": 164}, **pace)
    api.queue_anthropic_tool_use(
        [("toolu_demo_edit", "edit_file", {"path": "greet.py", "old_string": OLD, "new_string": NEW})],
        text=PREFACE_2,
        usage={"input_tokens": 1910, "output_tokens": 96},
        **pace,
    )
    api.queue_anthropic_text(ANSWER_2, usage={"input_tokens": 2080, "output_tokens": 61}, **pace)
    api.queue_openai_text(ANSWER_3, usage={"prompt_tokens": 2240, "completion_tokens": 118}, **pace)


async def _until(condition: Callable[[], object], timeout: float = 60.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise TimeoutError("the demo recording got stuck")
        await asyncio.sleep(0.05)


async def prompt(pilot: Any, app: FluxApp, text: str) -> None:
    app.prompt_input.focus()
    app.prompt_input.insert(text)
    await pilot.press("enter")


async def turn_done(app: FluxApp) -> None:
    await _until(lambda: not app.turn_running and app.chat.current is None)
    await app.wait_for_turn()
    await asyncio.sleep(READ_PAUSE)


async def drive(app: FluxApp, workspace: Path) -> str:
    async with app.run_test(size=SIZE) as pilot:
        await asyncio.sleep(READ_PAUSE)
        await prompt(pilot, app, PROMPT_1)
        await turn_done(app)

        await prompt(pilot, app, PROMPT_2)
        await _until(lambda: isinstance(app.screen, ApprovalScreen))
        await asyncio.sleep(READ_PAUSE)  # reading the diff
        await pilot.press("y")
        await turn_done(app)
        if "Hello, {name}!" not in (workspace / "greet.py").read_text():
            raise RuntimeError("the approved edit was not applied")

        await prompt(pilot, app, "/provider openai")
        await _until(lambda: app.agent.provider.name == "openai")
        await asyncio.sleep(READ_PAUSE)
        await prompt(pilot, app, PROMPT_3)
        await turn_done(app)
        assert app.session_actions is not None
        session_id = app.session_actions.service.current_session_id
        await app.workers.wait_for_complete()
    if session_id is None:
        raise RuntimeError("nothing was recorded")
    return session_id


async def record(out: Path, tps: float) -> None:
    with tempfile.TemporaryDirectory() as home, FakeAPI() as api:
        from flux_tui.core import pricing

        pricing.price_at_list(api.base_url)  # it stands in for the real APIs: list prices
        workspace = isolate(Path(home))
        script(api, tps)
        config, problems = load_config(
            anthropic_api_key="demo-anthropic-key",
            openai_api_key="demo-openai-key",
            anthropic_base_url=api.anthropic_base_url,
            openai_base_url=api.openai_base_url,
        )
        app = build_app(config, problems)
        try:
            session_id = await drive(app, workspace)
        finally:
            if app.session_actions is not None:
                app.session_actions.close()
        if api.pending("anthropic") or api.pending("openai"):
            raise RuntimeError("some scripted replies were not used: the conversation went off script")
        with SessionStore(config.data_path / "sessions.db") as store:
            store.rename(session_id, TITLE)
            text = export_jsonl(store.load(session_id), secrets=["demo-anthropic-key", "demo-openai-key"])
    if home in text:
        raise RuntimeError("the recording mentions the throw-away directory")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    shown = out.relative_to(ROOT) if out.is_relative_to(ROOT) else out
    print(f"wrote {shown} ({len(text.splitlines()) - 1} events)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--out", type=Path, default=ROOT / "flux_tui" / "sessions" / "demo" / demo_session_path().name
    )
    parser.add_argument("--tps", type=float, default=40.0, help="tokens per second of the scripted replies")
    options = parser.parse_args()
    asyncio.run(record(options.out.resolve(), options.tps))
