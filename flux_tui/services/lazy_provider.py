"""A provider stand-in that builds the real one (and so imports its SDK) only when first needed.

The app hands one of these to the agent at startup, so the first frame paints without importing
``anthropic`` or ``openai``. The real provider is built in a thread (the SDK import takes a while and
would otherwise freeze the UI) on first use, or earlier by ``warm_up()`` once the screen is up. A
provider that cannot be built (no key, no URL) fails its first request with a ``ConfigError`` saying
how to fix it, so the agent reports it like any other failure and the app stays up.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import aclosing
from typing import Any

from flux_tui.core import provider_registry
from flux_tui.core.config import ResolvedProvider
from flux_tui.core.errors import ConfigError
from flux_tui.core.events import ProviderEvent
from flux_tui.core.transcript import Transcript
from flux_tui.llm.base_provider import BaseLLMProvider, ProviderSettings

log = logging.getLogger(__name__)

ProviderFactory = Callable[[ProviderSettings, Transcript], BaseLLMProvider]


def setup_hint(ready: Sequence[str] = (), *, lacks_key: bool = False) -> str:
    """How to go on when a provider cannot be used: the providers that are ready, when there are
    some (the user has a key, not this one's); else how to set any provider up, naming every
    registered provider's key variable (a first start with no key at all)."""
    if ready:
        fix = "Set it before starting flux-tui, or in flux.toml; or" if lacks_key else "Or"
        return f"{fix} go on with a provider that is ready: {', '.join(ready)} (/provider)."
    keys = [spec.key_envs[0] for spec in provider_registry.specs() if spec.key_envs]
    named = ", ".join(keys[:-1]) + f" or {keys[-1]}" if len(keys) > 1 else "".join(keys)
    first = f"Set {named}, add the key to flux.toml, or" if named else "Add a provider to flux.toml, or"
    return (
        f"{first} point flux-tui at a local OpenAI-compatible server ([providers.NAME] "
        'kind="openai" base_url=... in flux.toml, or OPENAI_BASE_URL); then pick it with /provider.'
    )


def default_factory(settings: ProviderSettings, transcript: Transcript) -> BaseLLMProvider:
    from flux_tui.llm.provider_factory import create_provider  # the SDK is imported on first build

    return create_provider(settings, transcript)


class LazyProvider:
    """Satisfies the agent's ``ChatProvider`` protocol; delegates to the real provider once built."""

    def __init__(
        self,
        resolved: ResolvedProvider,
        transcript: Transcript,
        factory: ProviderFactory | None = None,
        hint: Callable[[], str] = setup_hint,
    ) -> None:
        self.resolved = resolved
        self._hint = hint  # how to go on when it cannot be built, asked when that happens
        self.settings = ProviderSettings(**resolved.settings_kwargs())
        self._transcript = transcript
        self._factory = factory or default_factory
        self._inner: BaseLLMProvider | None = None
        self._building: asyncio.Future[BaseLLMProvider] | None = None

    # -- identity (no build needed) ---------------------------------------------------------------

    @property
    def name(self) -> str:
        return self.settings.name

    @property
    def kind(self) -> str:
        return self.settings.kind

    @property
    def model(self) -> str:
        return self.settings.model

    @model.setter
    def model(self, value: str) -> None:
        self.settings.model = value  # shared with the built provider: the next request uses it

    @property
    def missing(self) -> str | None:
        return self.resolved.missing

    @property
    def built(self) -> BaseLLMProvider | None:
        return self._inner

    @property
    def transcript(self) -> Transcript:
        return self._transcript

    @transcript.setter
    def transcript(self, value: Transcript) -> None:
        self._transcript = value
        if self._inner is not None:
            self._inner.transcript = value

    # -- building -----------------------------------------------------------------------------------

    async def ensure(self) -> BaseLLMProvider:
        """The real provider, built once (in a thread) however many callers ask at the same time."""
        if self._inner is not None:
            return self._inner
        if self.missing:
            raise ConfigError(f"{self.missing}. {self._hint()}")
        if self._building is None:
            self._building = asyncio.ensure_future(asyncio.to_thread(self._build))
        try:
            inner = await asyncio.shield(self._building)
        except Exception:
            self._building = None
            raise
        inner.transcript = self._transcript
        self._inner = inner
        return inner

    def _build(self) -> BaseLLMProvider:
        inner = self._factory(self.settings, self._transcript)
        # SDK-backed providers create their client (importing the SDK) on first use: do it here, off
        # the UI thread, rather than in the middle of the first request.
        getattr(inner, "client", None)
        if isinstance(inner, BaseLLMProvider):  # the hook is the base class's (a plug-in may not subclass it)
            try:
                inner.preload()
            except Exception:  # only a head start: the first request loads what it needs as it goes
                log.debug("preloading the request path of %s failed", self.settings.name, exc_info=True)
        return inner

    async def warm_up(self) -> None:
        """Build ahead of the first request; a failure is left for the first request to report."""
        if self.missing:
            return
        try:
            await self.ensure()
        except Exception:
            return

    # -- ChatProvider ---------------------------------------------------------------------------------

    async def send_message(
        self,
        message: str | None,
        system_prompt: str | None = None,
        tools: list[dict[str, Any]] | None = None,
    ) -> AsyncIterator[ProviderEvent]:
        inner = await self.ensure()
        async with aclosing(inner.send_message(message, system_prompt, tools)) as stream:  # type: ignore[type-var]
            async for event in stream:
                yield event

    def add_tool_result(self, tool_use_id: str, result: str, is_error: bool = False) -> None:
        self._transcript.add_tool_result(tool_use_id, result, is_error=is_error)

    def set_current_file_context(self, file_path: str | None) -> None:
        self._transcript.file_context = file_path

    def clear_history(self) -> None:
        self._transcript.clear()

    @property
    def listed(self) -> list[str] | None:
        """What the endpoint itself listed (``BaseLLMProvider.listed``)."""
        return self._inner.listed if self._inner is not None else None

    async def list_models(self) -> list[str]:
        """The endpoint's models after the configured ones; just the configured ones when unreachable."""
        configured = list(self.settings.models)
        if self.missing:
            return configured
        try:
            inner = await self.ensure()
            offered = await inner.list_models()
        except Exception:
            return configured
        return list(dict.fromkeys([*configured, *offered]))

    def get_token_usage(self) -> dict[str, Any]:
        return self._inner.get_token_usage() if self._inner is not None else {}

    async def aclose(self) -> None:
        if self._inner is not None:
            await self._inner.aclose()
