"""Fixtures of the reliability tests: ``make_rig`` builds the real Agent with ``ReliableStep`` on a real
provider (real SDK over HTTP) against the fake API, recording into a temporary session store."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from fakeapi import FakeAPI

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from rel_support import KEYS, OTHER, SYSTEM, Events, MakeRig, Rig, make_step  # noqa: E402

from flux_tui.core.agent import Agent  # noqa: E402
from flux_tui.core.budget import BudgetGuard, ConfirmOverBudget  # noqa: E402
from flux_tui.sessions import SessionRecorder, SessionStore  # noqa: E402
from flux_tui.tools import ToolBox  # noqa: E402


@pytest.fixture
async def make_rig(fake_api: FakeAPI, tmp_path: Path) -> AsyncIterator[MakeRig]:
    """``make_rig(kind, max_retries=2, fallback=False, idle_timeout=60, budget_usd=None, confirm=None)``.

    ``fallback=True`` names the other provider as the fallback. Retry waits are recorded in
    ``rig.delays`` instead of slept; jitter is pinned to its ceiling (1 s, 2 s, 4 s...).
    """
    rigs: list[Rig] = []

    def make(
        kind: str,
        *,
        max_retries: int = 2,
        fallback: bool = False,
        idle_timeout: float = 60.0,
        budget_usd: float | None = None,
        confirm: ConfirmOverBudget | None = None,
    ) -> Rig:
        workspace = tmp_path / f"ws-{len(rigs)}"
        workspace.mkdir()
        store = SessionStore(tmp_path / "data" / f"sessions-{len(rigs)}.db", secrets=KEYS.values())
        recorder = SessionRecorder(store, secrets=KEYS.values(), autoflush=False)
        events = Events()
        delays: list[float] = []
        budget = BudgetGuard(budget_usd, confirm=confirm) if budget_usd else None
        rig = Rig(
            api=fake_api,
            kind=kind,
            agent=None,  # type: ignore[arg-type]
            events=events,
            step=None,  # type: ignore[arg-type]
            store=store,
            recorder=recorder,
            workspace=workspace,
            delays=delays,
            idle_timeout=idle_timeout,
        )
        fallbacks: list[tuple[str, str | None]] = [(OTHER[kind], None)] if fallback else []
        rig.step = make_step(
            rig.build, max_retries=max_retries, fallbacks=fallbacks, budget=budget, delays=delays
        )
        rig.agent = Agent(
            rig.build(kind),
            tools=ToolBox(workspace),
            system_prompt=SYSTEM,
            sinks=[events, recorder],
            stream_step=rig.step,
        )
        rigs.append(rig)
        return rig

    yield make
    for rig in rigs:
        rig.recorder.close()
        rig.store.close()
        for provider in rig.made:
            await provider.aclose()
