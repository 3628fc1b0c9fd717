"""Fixtures of the provider tests: providers built by the real factory, wired to the fake API."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fakeapi import FakeAPI

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from llm_support import DEFAULT_MODELS, KEYS  # noqa: E402
from sdk_fake_package import MakePackage, package_factory  # noqa: E402

from flux_tui.core.transcript import Transcript  # noqa: E402
from flux_tui.llm.base_provider import BaseLLMProvider, ProviderSettings  # noqa: E402
from flux_tui.llm.provider_factory import create_provider  # noqa: E402

MakeProvider = Callable[..., Any]


@pytest.fixture
async def make_provider(fake_api: FakeAPI) -> AsyncIterator[MakeProvider]:
    """``make_provider(kind, model=None, transcript=None, **settings)`` -> a provider on the fake API."""
    made: list[BaseLLMProvider] = []

    def make(kind: str, model: str | None = None, transcript: Transcript | None = None, **kw: Any) -> Any:
        base = fake_api.anthropic_base_url if kind == "anthropic" else fake_api.openai_base_url
        settings = ProviderSettings(
            name=kw.pop("name", kind),
            kind=kind,
            model=model or DEFAULT_MODELS[kind],
            api_key=kw.pop("api_key", KEYS[kind]),
            base_url=kw.pop("base_url", base),
            **kw,
        )
        provider = create_provider(settings, transcript)
        made.append(provider)
        return provider

    yield make
    for provider in made:
        await provider.aclose()


@pytest.fixture
def make_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MakePackage]:
    """``make_package(files)``: a fake package in tmp_path on sys.path (``sdk_fake_package``)."""
    with package_factory(tmp_path, monkeypatch) as make:
        yield make
