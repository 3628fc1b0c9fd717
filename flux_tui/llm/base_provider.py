"""The one abstraction every model provider implements (the plan's ``BaseLLMProvider``).

A provider holds a reference to a provider-neutral ``Transcript`` (core) and translates it to its wire
format on every request; handing the same Transcript to another provider continues the conversation
there. ``send_message`` streams ``ProviderEvent`` dicts and, when the reply ends (or fails, or is
cancelled), appends the assistant message to the transcript: complete, or marked ``incomplete`` with
whatever had streamed, so nothing is lost.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Mapping
from typing import Any, ClassVar

from flux_tui.core.events import ProviderEvent
from flux_tui.core.providers import ProviderSettings, ProviderSpec
from flux_tui.core.transcript import Transcript

__all__ = ["BaseLLMProvider", "ProviderSettings"]


class BaseLLMProvider(ABC):
    """Interface and shared bookkeeping of a model provider.

    A provider class declares itself with the class attributes below, or with ``declaration``, a
    ``ProviderSpec`` they are then taken from; config, the factory, the menus, the setup help, error
    messages and pricing read the declaration (``core.provider_registry``), so a plug-in is its own
    module plus its entry point in ``flux_tui.providers``.
    """

    #: The declaration the attributes below are taken from (``llm.<kind>_declaration`` for flux-tui's own):
    #: the registry reads it without importing the class's module.
    declaration: ClassVar[ProviderSpec | None] = None
    #: The implementation family ("anthropic", "openai", "gemini"); tags thinking blocks.
    kind: str = ""
    #: Shown to the user ("Anthropic").
    label: ClassVar[str] = ""
    #: Environment variables holding the key, read in this order; empty: the provider needs no key.
    key_envs: ClassVar[tuple[str, ...]] = ()
    #: Environment variable holding the base URL (``[providers.NAME] base_url`` otherwise).
    base_url_env: ClassVar[str | None] = None
    default_model: ClassVar[str] = ""
    #: Models offered in the menu when the endpoint cannot be asked.
    models: ClassVar[tuple[str, ...]] = ()
    #: The provider's own settings and their defaults (``[providers.NAME] settings``), in
    #: ``settings.options``.
    settings_defaults: ClassVar[Mapping[str, Any]] = {}
    #: genai-prices' provider id, when it is not ``kind``.
    pricing_id: ClassVar[str | None] = None
    #: A server on this machine or the LAN takes no key (OpenAI-compatible servers such as Ollama).
    local_needs_no_key: ClassVar[bool] = False
    #: The class appends the assistant message to the transcript itself (``StreamingProvider``);
    #: otherwise the base class records what ``send_message`` yields (the plan's interface alone).
    records_transcript: ClassVar[bool] = False
    #: What the endpoint itself listed at the last ``list_models`` (None: not asked, or it could not
    #: answer and the configured list stood in).
    listed: list[str] | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        declared = cls.__dict__.get("declaration")
        if declared is not None:
            for name, value in declared.class_attributes().items():
                setattr(cls, name, value)
        own = cls.__dict__.get("send_message")
        if own is not None and not cls.records_transcript and not getattr(own, "_flux_recorded", False):
            from flux_tui.llm._recording import recorded

            cls.send_message = recorded(own)  # type: ignore[method-assign]

    def __init__(self, settings: ProviderSettings, transcript: Transcript | None = None) -> None:
        self.settings = settings
        self.transcript = transcript if transcript is not None else Transcript()
        self._usage_totals: dict[str, int] = {
            "input_tokens": 0,
            "output_tokens": 0,
            "cache_read_tokens": 0,
            "cache_write_tokens": 0,
            "reasoning_tokens": 0,
        }
        self._cost: float | None = 0.0

    # -- identity -------------------------------------------------------------------------------

    @property
    def name(self) -> str:
        return self.settings.name

    @property
    def model(self) -> str:
        return self.settings.model

    @model.setter
    def model(self, value: str) -> None:
        self.settings.model = value

    # -- the plan's interface -------------------------------------------------------------------

    @abstractmethod
    def send_message(
        self,
        message: str | None,
        system_prompt: str | None = None,
        tools: list[dict[str, Any]] | None = None,
    ) -> AsyncIterator[ProviderEvent]:
        """Stream one model reply.

        ``message`` is appended to the transcript as a user prompt first; ``None`` continues the turn
        after tool results. ``tools`` use the Anthropic format (name, description, input_schema).
        Raises ``flux_tui.core.errors.ProviderError`` subclasses on failure.
        """

    def add_tool_result(self, tool_use_id: str, result: str, is_error: bool = False) -> None:
        self.transcript.add_tool_result(tool_use_id, result, is_error=is_error)

    def clear_history(self) -> None:
        self.transcript.clear()

    def set_current_file_context(self, file_path: str | None) -> None:
        self.transcript.file_context = file_path

    def get_token_usage(self) -> dict[str, Any]:
        """Totals of this provider object: the plan's keys plus cache and reasoning tokens.

        ``estimated_cost`` is None when the model has no known price.
        """
        totals = dict(self._usage_totals)
        totals["total_tokens"] = (
            totals["input_tokens"]
            + totals["output_tokens"]
            + totals["cache_read_tokens"]
            + totals["cache_write_tokens"]
        )
        totals["estimated_cost"] = self._cost
        return totals

    def _account(self, usage: dict[str, Any]) -> None:
        """Add one reply's final usage to the totals; cost becomes None once a reply is unpriced."""
        for key in self._usage_totals:
            self._usage_totals[key] += int(usage.get(key) or 0)
        cost: float | None = None
        try:
            from flux_tui.core.pricing import price_usage
        except ImportError:  # pricing not available: unpriced
            price_usage = None
        if price_usage is not None:
            try:
                cost = price_usage(
                    self.kind,
                    self.model,
                    usage,
                    provider_name=self.name,
                    base_url=self.settings.base_url,
                )
            except Exception:  # a price lookup must never break a reply
                cost = None
        if cost is None:
            self._cost = None
        elif self._cost is not None:
            self._cost += cost

    # -- extras the app needs -------------------------------------------------------------------

    @abstractmethod
    async def list_models(self) -> list[str]:
        """Models offered by the endpoint (``/v1/models``), falling back to the configured list."""

    async def aclose(self) -> None:  # noqa: B027 - optional hook, nothing to release by default
        """Release the HTTP client, if one was opened."""

    def preload(self) -> None:  # noqa: B027 - optional hook, nothing to load by default
        """Load what the first request needs, ahead of it: called in the thread that builds the
        provider for the app, after its first frame. Blocking work only; nothing to await."""
