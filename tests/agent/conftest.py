"""Fixtures of the agent tests: the real providers (real SDKs over HTTP) on the fake API server."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from fakeapi import FakeAPI

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from agent_doubles import Recorder  # noqa: E402
from agent_rig import KEYS, MODELS, MakeRig, Rig  # noqa: E402

from flux_tui.core.agent import Agent  # noqa: E402
from flux_tui.core.protocols import Approver  # noqa: E402
from flux_tui.llm.base_provider import ProviderSettings  # noqa: E402
from flux_tui.llm.provider_factory import create_provider  # noqa: E402
from flux_tui.tools import ToolBox  # noqa: E402


@pytest.fixture
async def make_rig(fake_api: FakeAPI, tmp_path: Path) -> AsyncIterator[MakeRig]:
    """``make_rig(kind, approver=None, max_steps=25, **toolbox_kwargs)``."""
    rigs: list[Rig] = []

    def make(kind: str, approver: Approver | None = None, max_steps: int = 25, **box: Any) -> Rig:
        workspace = tmp_path / "ws"
        workspace.mkdir(exist_ok=True)
        base = fake_api.anthropic_base_url if kind == "anthropic" else fake_api.openai_base_url
        settings = ProviderSettings(
            name=kind, kind=kind, model=MODELS[kind], api_key=KEYS[kind], base_url=base
        )
        provider = create_provider(settings)
        recorder = Recorder()
        agent = Agent(
            provider,
            tools=ToolBox(workspace, **box),
            approver=approver,
            system_prompt="You are a test assistant.",
            max_steps=max_steps,
            sinks=[recorder],
        )
        rig = Rig(fake_api, kind, workspace, agent, recorder, [provider])
        rigs.append(rig)
        return rig

    yield make
    for rig in rigs:
        for provider in rig.providers:
            await provider.aclose()
