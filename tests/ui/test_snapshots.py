"""Pictures of the app (pytest-textual-snapshot), driven against the fake API server.

The scenarios are shared with ``scripts/screenshots.py``; sizes, tool durations and everything else
that could vary are pinned (see ``ui_scenarios.py``). Update with ``pytest --snapshot-update``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ui_pilot import SIZE
from ui_scenarios import SCENARIOS, fixed_tool_durations

from flux_tui.ui.app import FluxApp


def _check(
    name: str, make_app: Callable[..., FluxApp], fake_api: Any, sandbox: Path, snap_compare: Any
) -> None:
    app = make_app()

    async def run_before(pilot: Any) -> None:
        await SCENARIOS[name](pilot, fake_api, sandbox)

    with fixed_tool_durations():
        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("name", ["main-idle", "conversation-tool-call", "provider-switch"])
def test_snapshot(name: str, make_app: Any, fake_api: Any, sandbox: Path, snap_compare: Any) -> None:
    _check(name, make_app, fake_api, sandbox, snap_compare)
