"""The send/stream/commit cycle shared by every SDK-backed provider.

A concrete provider supplies ``_make_client``, ``_wire`` (its wire module, whose ``build_request`` turns
messages into SDK kwargs; ``_request_options`` adds what only it sends), ``_open`` (send it through the
SDK, get its events decoded by ``_sse``), ``_reader`` (its wire-format reader) and ``_list_models``.
This class does the rest the same way for all of them: read the stream in batches, append the prompt,
fit the history into the context window (``core.pruning``, reported as a notice), map failures to
``core.errors``, and append the assistant message to the transcript exactly once, complete or marked
incomplete, whether the reply ended, failed or was cancelled.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import aclosing
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from flux_tui.core.errors import IncompleteStreamError, ModelNotFoundError, ProviderError
from flux_tui.core.events import DoneEvent, ProviderEvent
from flux_tui.core.ledger import prompt_tokens_of
from flux_tui.core.terminal_text import terminal_safe
from flux_tui.core.token_scale import TokenScale
from flux_tui.core.transcript import Message
from flux_tui.llm.base_provider import BaseLLMProvider, ProviderSettings

# The helpers below are loaded with the first request: the registry imports every provider class at
# startup to read its declaration, and the first frame does not wait for them.
if TYPE_CHECKING:
    from flux_tui.core.pruning import PruneResult
    from flux_tui.core.turn_split import TurnSplit
    from flux_tui.llm._errors import ErrorContext
    from flux_tui.llm._json_body import Encoded
    from flux_tui.llm._reply import Reply
    from flux_tui.llm._sse import EventDecoder, JsonEventStream
    from flux_tui.llm._wire_cache import WireCache

log = logging.getLogger(__name__)


def stream_body(request: dict[str, Any], encoded: Encoded | None = None) -> bytes:
    """The JSON body the SDK's ``create(**request, stream=True)`` sends: its ``extra_body`` merged in.
    ``encoded``: messages encoded earlier (``_wire_cache``), not encoded again."""
    from flux_tui.llm import _json_body

    body = {key: value for key, value in request.items() if key != "extra_body"}
    body.update(request.get("extra_body") or {})
    body["stream"] = True
    return _json_body.dumps_with(body, "messages", encoded or {})


def _joined(reply: Reply, kind: str, parts: list[str]) -> ProviderEvent:
    """A run of ``kind`` deltas (``text`` or ``thinking``) added to ``reply`` as one, and its event."""
    text = parts[0] if len(parts) == 1 else "".join(parts)
    if kind == "text":
        reply.add_text(text)
    else:
        reply.add_thinking(text)
    return {"type": kind, "content": text}  # type: ignore[return-value]


class WireReader(Protocol):
    """Reads one provider's stream events (JSON dicts) into a ``Reply`` (``_anthropic_wire``,
    ``_openai_wire``)."""

    def feed_delta(self, wire_event: dict[str, Any]) -> tuple[str, str] | None:
        """For an event that adds nothing but text or thinking, ``("text" | "thinking", the text)``
        (``""``: nothing), which ``StreamingProvider`` adds to the reply with the rest of its run; None
        for any other event, which goes to ``feed``."""
        ...

    def feed(self, wire_event: dict[str, Any]) -> list[ProviderEvent]: ...


class StreamingProvider(BaseLLMProvider):
    #: Top-level packages of the provider's SDK: their exceptions are mapped by ``_map_error``.
    sdk_packages: ClassVar[tuple[str, ...]] = ()
    records_transcript: ClassVar[bool] = True

    def __init__(self, settings: ProviderSettings, transcript: Any = None) -> None:
        super().__init__(settings, transcript)
        self._client: Any = None
        self._token_scale = TokenScale()  # what the provider counted against what was estimated
        self._told_dropping = False  # the user was told that turns are left out (``_pruning_notice``)
        # The history's segments and their wire messages, kept between requests (``_prepare``).
        self._split: TurnSplit | None = None
        self._wire_cache: WireCache | None = None

    # -- to implement ---------------------------------------------------------------------------

    def _wire(self) -> Any:
        """The module that speaks this provider's wire format (its ``build_request`` and reader),
        imported with the first request, not at startup."""
        raise NotImplementedError

    def _request_options(self) -> dict[str, Any]:
        """What this provider's ``build_request`` takes beyond what every provider sends."""
        return {}

    # -- the request ----------------------------------------------------------------------------

    def _build_request(
        self,
        messages: list[Message],
        system_prompt: str | None,
        file_context: str | None,
        tools: list[dict[str, Any]] | None,
        converted: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        return self._wire().build_request(  # type: ignore[no-any-return]
            messages,
            converted=converted,
            model=self.model,
            max_tokens=self.settings.max_tokens,
            temperature=self.settings.temperature,
            system_prompt=system_prompt,
            file_context=file_context,
            tools=tools,
            **self._request_options(),
        )

    def _reader(self, reply: Reply) -> WireReader:
        raise NotImplementedError

    async def _open(self, request: dict[str, Any]) -> Any:
        """Send ``request``; its stream of events (an async iterator and context manager, ``_sse``)."""
        raise NotImplementedError

    async def _list_models(self) -> list[str]:
        raise NotImplementedError

    def _make_client(self) -> Any:
        raise NotImplementedError

    # -- shared ---------------------------------------------------------------------------------

    @property
    def client(self) -> Any:
        """The SDK client, created on first use (the SDK is imported then, not at startup)."""
        if self._client is None:
            self._client = self._make_client()
        return self._client

    def preload(self) -> None:
        """Load what the first request needs (``_request_path``); called off the event loop."""
        from flux_tui.llm._request_path import preload_request_path

        self._wire()
        preload_request_path(self)

    def _timeout(self) -> Any:
        import httpx2

        # read= is the longest silence between two bytes: a stalled stream fails instead of hanging.
        return httpx2.Timeout(
            self.settings.request_timeout,
            read=self.settings.idle_timeout,
            connect=min(30.0, self.settings.request_timeout),
        )

    async def _post_stream(
        self, path: str, request: dict[str, Any], decode: EventDecoder, **options: Any
    ) -> JsonEventStream:
        """Send ``request`` (``create``'s keyword arguments) to ``path`` and return its events.

        The body is serialised here and sent through the client's generic ``post``: ``create`` walks
        every message of the history before sending (the OpenAI SDK through its TypedDict transform,
        30 ms per request after 100 exchanges; Anthropic's through a deep copy, 1 ms), which changes
        nothing in the plain dicts built here and grows with the session. The client still adds its
        headers and authentication, applies the timeouts and raises its errors for a failed status.
        """
        import httpx2

        from flux_tui.llm._errors import check_event_stream
        from flux_tui.llm._sse import JsonEventStream

        encoded = self._wire_cache.encoded if self._wire_cache is not None else None
        response = await self.client.post(
            path, cast_to=httpx2.Response, content=stream_body(request, encoded), stream=True, options=options
        )
        await check_event_stream(response, self._error_context(None))
        return JsonEventStream(response, decode)

    def build_request(
        self, system_prompt: str | None = None, tools: list[dict[str, Any]] | None = None
    ) -> dict[str, Any]:
        """The SDK arguments the next request would carry (for tests and the inspector)."""
        return self._prepare(system_prompt, tools)[0]

    def _prepare(
        self, system_prompt: str | None, tools: list[dict[str, Any]] | None
    ) -> tuple[dict[str, Any], PruneResult | None]:
        """The request, and what fitting it into the context window left out (None: not fitted)."""
        from flux_tui.llm._history import render_context

        file_context = render_context(self.transcript.file_context)
        if file_context and self.transcript.redact is not None:
            file_context = self.transcript.redact(file_context)
        if self._split is None:
            from flux_tui.core.turn_split import TurnSplit
            from flux_tui.llm._wire_cache import WireCache

            self._split, self._wire_cache = TurnSplit(), WireCache()
        messages, pruned = self._fit_context(system_prompt, file_context, tools)
        segments = pruned.segments if pruned is not None else None
        if segments is None:
            segments = self._split.segments(messages)
        assert self._wire_cache is not None
        converted = self._wire_cache.converted(segments, self._wire(), self.model)
        return self._build_request(messages, system_prompt, file_context, tools, converted), pruned

    def _fit_context(
        self, system_prompt: str | None, file_context: str | None, tools: list[dict[str, Any]] | None
    ) -> tuple[list[Message], PruneResult | None]:
        """The messages that fit the model's context window minus the reply budget (``core.pruning``),
        with the room scaled by what the provider counted for earlier requests (``token_scale``)."""
        messages = self.transcript.messages
        if not self.settings.context_pruning:
            return messages, None
        try:
            from flux_tui.core import pruning
            from flux_tui.core.pricing import settings_context_window
        except ImportError:  # pruning not available: send everything
            return messages, None
        window = settings_context_window(self.settings)
        if not window:
            return messages, None
        result = pruning.prune(
            self.transcript,
            context_window=window,
            reserve_for_reply=self.settings.max_tokens,
            system_prompt=system_prompt or "",
            tools=tools,
            file_context_text=file_context,
            # An estimate until the encoding is loaded, so a request never waits for it.
            wait=False,
            scale=self._token_scale.factor(self.model),
            split=self._split,
        )
        return result.messages, result

    def _pruning_notice(self, pruned: PruneResult | None) -> str | None:
        """What the user is told of turns left out: once as the conversation outgrows the window, not
        again on every request while it stays outgrown, and always when the request may not fit."""
        dropping = pruned is not None and pruned.dropped_turns > 0
        told, self._told_dropping = self._told_dropping, dropping
        if pruned is None or pruned.note is None or (pruned.fits and dropping and told):
            return None
        return pruned.note

    async def send_message(
        self,
        message: str | None,
        system_prompt: str | None = None,
        tools: list[dict[str, Any]] | None = None,
    ) -> AsyncIterator[ProviderEvent]:
        from flux_tui.llm._reply import Reply, normalise_stop_reason

        if message is not None:
            self.transcript.add_user_text(message)
        reply = Reply(provider=self.name, kind=self.kind, model=self.model)
        complete = False
        estimate: int | None = None
        try:
            request, pruned = self._prepare(system_prompt, tools)
            estimate = pruned.prompt_tokens if pruned is not None else None
            note = self._pruning_notice(pruned)
            if note:
                yield {"type": "notice", "content": note}
            async for event in self._events(request, reply):
                yield event
            if reply.stop_reason is None:
                raise IncompleteStreamError(
                    f"the answer from {self.name} ended before the model finished it",
                    provider=self.name,
                    partial_text=reply.text,
                )
            complete = True
        except ProviderError:
            raise
        except Exception as exc:
            if not self._is_api_error(exc):
                raise
            mapped = self._map_error(exc, self._error_context(reply))
            if isinstance(mapped, ModelNotFoundError):
                mapped.available = await self._safe_models()
            raise mapped from exc
        finally:
            self._commit(reply, complete)
        if reply.usage_seen:
            if estimate is not None:
                self._token_scale.observe(self.model, estimate, prompt_tokens_of(reply.usage))
            yield reply.usage_event()
        done: DoneEvent = {"type": "done", "stop_reason": normalise_stop_reason(reply.stop_reason or "")}
        yield done

    async def _events(self, request: dict[str, Any], reply: Reply) -> AsyncIterator[ProviderEvent]:
        """The stream's events fed to the wire reader, in batches (see ``_batching``).

        A run of text (thinking) deltas of a batch is joined into one event and added to the reply at
        once, as it is yielded: at a token per event, a dict, a reply part and a merge per token were
        most of what the app did with a delta. Any other wire event is fed only after the text before
        it was yielded: if the consumer stops at a yield, the reply holds exactly what it was given (a
        tool call it never saw is not committed).
        """
        from flux_tui.llm._batching import BATCH_GAP, ready_batches

        reader = self._reader(reply)
        stream = await self._open(request)
        async with stream, aclosing(ready_batches(stream, min_gap=BATCH_GAP)) as batches:
            async for batch in batches:
                kind = ""
                parts: list[str] = []
                for wire_event in batch:
                    delta = reader.feed_delta(wire_event)
                    if delta is not None:
                        if delta[1]:
                            if delta[0] != kind and parts:
                                yield _joined(reply, kind, parts)
                                parts = []
                            kind = delta[0]
                            parts.append(delta[1])
                        continue
                    if parts:
                        yield _joined(reply, kind, parts)
                        parts = []
                    for event in reader.feed(wire_event):
                        yield event
                if parts:
                    yield _joined(reply, kind, parts)

    def _commit(self, reply: Reply, complete: bool) -> None:
        from flux_tui.llm._reply import normalise_stop_reason

        if not complete and reply.salvage is not None:
            reply.salvage()
        blocks = reply.blocks()
        if complete or blocks:
            self.transcript.add_assistant(
                blocks,
                provider=self.name,
                model=self.model,
                stop_reason=normalise_stop_reason(reply.stop_reason) if reply.stop_reason else None,
                incomplete=not complete,
            )
        if reply.usage_seen:
            self._account(reply.usage_event())  # type: ignore[arg-type]

    def _is_api_error(self, exc: BaseException) -> bool:
        """An exception of this provider's SDK or transport (mapped by ``_map_error``)."""
        from flux_tui.llm._errors import is_sdk_error

        return is_sdk_error(exc, self.sdk_packages)

    def _map_error(self, exc: BaseException, ctx: ErrorContext) -> ProviderError:
        """The ``core.errors`` error for an SDK exception; a provider whose SDK raises differently
        overrides this."""
        from flux_tui.llm._errors import map_error

        return map_error(exc, ctx)

    def _error_context(self, reply: Reply | None) -> ErrorContext:
        """What an error message may say about this provider and ``reply`` (None: none began yet)."""
        from flux_tui.llm._errors import ErrorContext

        return ErrorContext(
            provider=self.name,
            kind=self.kind,
            model=self.model,
            key_env=self.settings.api_key_env or (self.key_envs[0] if self.key_envs else ""),
            base_url=self.settings.base_url,
            idle_timeout=self.settings.idle_timeout,
            api_key=self.settings.api_key,
            started=reply.started if reply is not None else False,
            partial_text=reply.text if reply is not None else "",
            sdk_packages=self.sdk_packages,
        )

    async def _safe_models(self) -> list[str]:
        try:
            return await self.list_models()
        except Exception:  # only a hint for an error message
            return list(self.settings.models)

    async def list_models(self) -> list[str]:
        """Models from the endpoint's ``/v1/models``; the configured list when that fails or is empty.
        A name with a control character is no model's (menus and completions would draw it): left out."""
        try:
            found = [name for name in await self._list_models() if terminal_safe(name) == name]
        except Exception as exc:
            log.info("listing models of %s failed (%s); configured ones used", self.name, type(exc).__name__)
            found = []
        self.listed = found or None
        return found or list(self.settings.models)

    async def aclose(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.close()
