"""Providers for a conversation: the menu, resolving and building them, switching provider and model.

Switching hands the same Transcript to the new provider, so the conversation carries over. Whether a
switch may happen now (not while an answer streams) is the caller's to check: only it knows what runs.
Every switch, restore or failover is recorded as a ``ProviderSwitched`` event through the agent.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from flux_tui.core.agent import Agent
from flux_tui.core.agent_events import ProviderSwitched
from flux_tui.core.config import ResolvedProvider
from flux_tui.core.errors import ConfigError
from flux_tui.core.protocols import ChatProvider
from flux_tui.core.transcript import Transcript
from flux_tui.llm.base_provider import ProviderSettings
from flux_tui.services.lazy_provider import LazyProvider, ProviderFactory, default_factory, setup_hint

log = logging.getLogger(__name__)


class SwitchRefused(Exception):
    """A switch that cannot happen (an unknown provider); the message says why, for the user."""


def missing_label(missing: str | None) -> str:
    """A short tag for the provider menu: "no key", "no URL", "no model"."""
    if not missing:
        return ""
    text = missing.lower()
    if "base_url" in text or "url" in text:
        return "no URL"
    if "model" in text and "key" not in text:
        return "no model"
    return "no key"


def already_on(provider: ChatProvider, name: str, model: str | None = None) -> bool:
    """Whether going to provider ``name`` with ``model`` (None or blank: its current model) would
    change nothing: such a switch is no switch, whatever else is going on."""
    wanted = (model or "").strip()
    return name == provider.name and wanted in ("", provider.model)


def record_switch(agent: Agent, previous_provider: str | None, previous_model: str | None) -> bool:
    """A conversation going on with another provider or model than it stopped on (a resumed session,
    a provider asked for on the command line) records the switch, as ``/provider`` records it.
    False when there is nothing to record."""
    provider = agent.provider
    if previous_provider is None or (previous_provider, previous_model) == (provider.name, provider.model):
        return False
    agent.emit(
        ProviderSwitched(
            provider=provider.name,
            model=provider.model,
            previous_provider=previous_provider,
            previous_model=previous_model or "",
            reason="user",
        )
    )
    return True


def _is_snapshot_of(listed: str, alias: str) -> bool:
    date = listed.removeprefix(f"{alias}-")
    return date != listed and len(date) == 8 and date.isdigit()


def _names(named: list[str], model: str) -> bool:
    """Whether ``named`` holds ``model``: by name, or as the alias of a dated snapshot listed."""
    return model in named or any(_is_snapshot_of(name, model) for name in named)


class ProviderService:
    """The providers of ``config`` for the conversation in ``transcript``, built by ``factory``."""

    def __init__(self, config: Any, transcript: Transcript, factory: ProviderFactory | None = None) -> None:
        self.config = config
        self.transcript = transcript
        self.factory = factory or default_factory
        self._model_lists: dict[str, list[str]] = {}  # provider name -> models its endpoint offers
        self._last_models: dict[str, str] = {}  # provider name -> the model in use when it was left
        self._closing: set[asyncio.Task[None]] = set()  # closes in flight, kept until they end

    # -- what there is ---------------------------------------------------------------------------------

    def names(self) -> list[str]:
        return list(self.config.provider_names())

    def options(self) -> list[tuple[str, str]]:
        """``(label, name)`` for the provider menu; the label says what an unusable one lacks."""
        tagged = ((name, missing_label(missing)) for name, missing in self._missing())
        return [(f"{name} ({tag})" if tag else name, name) for name, tag in tagged]

    def _missing(self) -> list[tuple[str, str | None]]:
        """Each provider that resolves, with what prevents using it (None: it is ready)."""
        found = []
        for name in self.names():
            try:
                found.append((name, self.config.provider_settings(name).missing))
            except ConfigError:
                continue
        return found

    def resolve(self, name: str, model: str | None = None) -> ResolvedProvider:
        """``ConfigError`` for a provider that is not configured."""
        resolved: ResolvedProvider = self.config.provider_settings(name, model)
        return resolved

    def context_window(self, name: str, model: str) -> int | None:
        """The context window of ``model`` on provider ``name``, found the way its requests find it;
        a provider that is not configured here (a replayed session's) by its name alone."""
        from flux_tui.core.pricing import context_window, settings_context_window

        try:
            settings = self.resolve(name, model)
        except ConfigError:
            return context_window(name, model, provider_name=name)
        return settings_context_window(settings)

    def input_price(self, name: str, model: str) -> float | None:
        """USD per fresh input token of ``model`` on provider ``name``, priced the way its replies are."""
        from flux_tui.core.pricing import input_price

        try:
            settings = self.resolve(name, model)
        except ConfigError:
            return input_price(name, model, provider_name=name)
        kind, name, url = settings.kind, settings.name, settings.base_url
        return input_price(kind, settings.model, provider_name=name, base_url=url)

    def lists_model(self, provider: ChatProvider, model: str) -> bool:
        """Whether the endpoint of ``provider`` lists ``model``, or the user's ``models`` for it do (True
        while the endpoint's list is not known): by name, or as the alias of a dated snapshot listed
        (``claude-opus-4-1`` for ``claude-opus-4-1-20250805``, as Anthropic lists its models)."""
        # A provider built again for a switch back has no list of its own: the one fetched before holds.
        listed = getattr(provider, "listed", None) or self._model_lists.get(provider.name)
        if not listed:
            return True
        entry = self.config.providers.get(provider.name)
        return _names([*(entry.models if entry is not None else ()), *listed], model)

    def known_models(self, name: str) -> list[str]:
        """The models provider ``name`` is known to serve: its endpoint's list once fetched, and the
        configured ones (its kind's usual models, and the one it starts with)."""
        try:
            configured = list(self.resolve(name).models)
        except ConfigError:
            return []
        return [*self._model_lists.get(name, []), *configured]

    def home_of(self, model: str, current: str) -> list[str]:
        """The ready providers, other than ``current``, whose known models hold ``model``, when
        ``current``'s do not: ``/model gpt-4.1`` on Anthropic means OpenAI's. Empty when ``current``
        names it, or nobody else does."""
        if _names(self.known_models(current), model):
            return []
        others = (name for name, missing in self._missing() if name != current and missing is None)
        return [name for name in others if _names(self.known_models(name), model)]

    def knows_models(self, name: str) -> bool:
        """Whether the models of provider ``name`` were fetched from its endpoint already."""
        return name in self._model_lists

    def models_of(self, provider: ChatProvider) -> list[str]:
        """The models to offer for ``provider``: fetched from its endpoint, else the configured ones."""
        fetched = self._model_lists.get(provider.name)
        if fetched:
            return fetched
        settings = getattr(provider, "settings", None)
        return list(getattr(settings, "models", None) or [provider.model])

    async def load_models(self, provider: ChatProvider) -> list[str]:
        """Ask ``provider``'s endpoint for its models (configured ones first) and remember them for
        ``models_of``; empty when it cannot list them."""
        list_models = getattr(provider, "list_models", None)
        if list_models is None:
            return []
        models: list[str] = list(await list_models())
        if models:
            self._model_lists[provider.name] = models
        return models

    # -- building --------------------------------------------------------------------------------------

    def build(self, resolved: ResolvedProvider) -> LazyProvider:
        """A provider that is built (its SDK imported) on first use; one that lacks a key or URL fails
        its first request with a ``ConfigError`` saying how to fix it."""
        return LazyProvider(resolved, self.transcript, self.factory, lambda: self.setup_hint(resolved))

    def setup_hint(self, resolved: ResolvedProvider) -> str:
        """How to go on when ``resolved`` lacks a key or URL: the other providers ready now, if any."""
        ready = [name for name, missing in self._missing() if not missing and name != resolved.name]
        return setup_hint(ready, lacks_key=missing_label(resolved.missing) == "no key")

    def build_now(self, name: str | None = None, model: str | None = None) -> ChatProvider:
        """The real provider ``name`` (the configured one by default), built here and now.
        ``ConfigError`` when it cannot be built (unknown name, missing key or URL)."""
        resolved = self.resolve(name or self.config.provider, model)
        if resolved.missing:
            raise ConfigError(resolved.missing)
        return self.factory(ProviderSettings(**resolved.settings_kwargs()), self.transcript)

    def fallback(self, name: str, model: str | None) -> ChatProvider:
        """A ``fallback`` provider for ``ReliableStep`` (lazy, as one picked in the menu). ``ConfigError``
        for an unknown provider or one without a key or URL: the step skips it with a notice."""
        resolved = self.resolve(name, model)
        if resolved.missing:
            raise ConfigError(resolved.missing)
        return self.build(resolved)

    def initial(self) -> tuple[LazyProvider, str | None]:
        """The configured provider, or the first ready one when it cannot be used (and why)."""
        names = self.names()
        wanted = self.config.provider if self.config.provider in names else names[0]
        resolved = self.resolve(wanted)
        note = None if self.config.provider in names else f"Unknown provider {self.config.provider!r}."
        if resolved.missing:
            ready = [n for n in names if not self.config.provider_settings(n).missing]
            if ready:
                note = f"{resolved.missing}; using {ready[0]} instead."
                resolved = self.resolve(ready[0])
        if note and not resolved.missing:
            note = f"{note} Switch with /provider or the menu."
        return self.build(resolved), note

    # -- switching -------------------------------------------------------------------------------------

    def switch(self, agent: Agent, name: str, model: str | None = None) -> str | None:
        """Go on with provider ``name`` (and ``model``, else the one last used there in this session,
        else its own); the old provider is closed. Returns a warning
        to show (the provider lacks a key or URL: how to set it up), else None. ``SwitchRefused`` for
        a provider that is not configured: nothing changes."""
        current = agent.provider
        if already_on(current, name, model):
            return None
        # Back on a provider, the model last used there: a session moves between two models, not back
        # to a provider's default each time.
        self._last_models[current.name] = current.model
        model = model or self._last_models.get(name)
        try:
            resolved = self.resolve(name, model)
        except ConfigError as exc:
            raise SwitchRefused(str(exc)) from None
        agent.switch_provider(self.build(resolved), reason="user")
        self._retire(current)
        return f"{resolved.missing}. {self.setup_hint(resolved)}" if resolved.missing else None

    def switch_model(self, agent: Agent, model: str) -> bool:
        """Go on with ``model`` on the same provider; False when it is already the one (or empty)."""
        provider = agent.provider
        model = model.strip()
        if already_on(provider, provider.name, model):
            return False
        previous = provider.model
        provider.model = model
        agent.emit(
            ProviderSwitched(
                provider=provider.name,
                model=model,
                previous_provider=provider.name,
                previous_model=previous,
                reason="user",
            )
        )
        return True

    def restore(self, agent: Agent, name: str | None, model: str | None) -> str | None:
        """Put a resumed session's last provider and model back when they are configured and ready;
        otherwise stay on the current one and return why (the user can switch: the history carries
        over). Not recorded as a switch: the conversation is where it stopped. The caller warms a new
        provider up (``warm_up``) when it wants it ready."""
        from flux_tui.sessions.resume import provider_gone_note

        current = agent.provider
        if not name or (name, model) == (current.name, current.model):
            return None
        try:
            resolved = self.resolve(name, model)
        except ConfigError:
            return provider_gone_note(name, current.name)
        if resolved.missing:
            return provider_gone_note(name, current.name, resolved.missing)
        if name == current.name:
            current.model = resolved.model
            return None
        agent.provider = self.build(resolved)
        self._retire(current)
        return None

    # -- life cycle ------------------------------------------------------------------------------------

    async def warm_up(self, provider: ChatProvider) -> None:
        """Build ``provider`` ahead of its first request (the SDK import runs in a thread)."""
        warm_up = getattr(provider, "warm_up", None)
        if warm_up is not None:
            await warm_up()

    async def close(self, provider: ChatProvider) -> None:
        aclose = getattr(provider, "aclose", None)
        if aclose is not None:
            await aclose()

    def _retire(self, provider: ChatProvider) -> None:
        """Close a provider the conversation left, without waiting for it."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop: nothing can be mid-request, close it here
            if getattr(provider, "built", True) is not None:
                asyncio.run(self._close_quietly(provider))
            return
        task = loop.create_task(self._close_quietly(provider))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def _close_quietly(self, provider: ChatProvider) -> None:
        try:
            await self.close(provider)
        except Exception:  # nobody waits for it: a failed close must not surface as a stray error
            log.warning("closing provider %s failed", provider.name, exc_info=True)
