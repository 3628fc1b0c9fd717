"""What the session store hands out: session summaries, search hits, loaded sessions, errors."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flux_tui.core.agent_events import AgentEvent, ProviderSwitched, TurnStarted
from flux_tui.core.exit_codes import ExitCode
from flux_tui.core.money import usd
from flux_tui.core.terminal_text import terminal_safe
from flux_tui.core.transcript import Transcript

UNTITLED = "(untitled)"
#: The metadata key of a fork's or an import's copy: when its events were copied from another session.
#: The usage stored before then was spent there, not in this session (``daily``).
COPIED_AT = "copied_at"

# What a session id may be made of: ids end up in file names (locks, default export names) and on
# terminals, so one from outside (an import) that is anything else is replaced.
SAFE_SESSION_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def is_safe_session_id(session_id: object) -> bool:
    return isinstance(session_id, str) and SAFE_SESSION_ID.fullmatch(session_id) is not None


class SessionError(Exception):
    """Base of the session store's errors; messages are user-facing."""


class SessionNotFoundError(SessionError, LookupError):
    pass


class SessionFormatError(SessionError, ValueError):
    """An import file (or a stored row) that cannot be read."""


#: The exit code of the command line for every ``SessionStoreError`` (``cli.main`` maps it).
EXIT_STORE = ExitCode.STORE


class SessionStoreError(SessionError):
    """The database cannot be used (written by a newer flux-tui, damaged, not ours, locked, not
    writable), or a session in it is in use elsewhere. The message says which and what to do.

    ``transient``: trying again later may work (the database is locked by another process)."""

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


def copied_at(meta: dict[str, Any]) -> float | None:
    """When a fork's or an import's events were copied (``COPIED_AT`` in its metadata); None for a
    session of its own."""
    value = meta.get(COPIED_AT)
    return float(value) if isinstance(value, int | float) else None


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """One row of the sessions list: everything the browser and ``sessions list`` show."""

    id: str
    title: str | None  # None until the first prompt (or a rename) gives it one
    created_at: float
    updated_at: float  # time of the last event (or created_at)
    turns: int  # prompts sent (a "continue" is not a new turn)
    provider_models: tuple[tuple[str, str], ...] = ()  # (provider, model) in order of first use
    cost: float | None = 0.0  # sum of provider-reported costs; None when no reply had a price
    unpriced: bool = False  # some reply had no price: ``cost`` is a lower bound (or None)
    estimated: bool = False  # some reply ended without the provider's figures: its cost is an estimate
    input_tokens: int = 0
    output_tokens: int = 0
    title_custom: bool = False  # renamed by the user
    meta: dict[str, Any] = field(default_factory=dict)  # file_context, forked_from, ...

    @property
    def copied_at(self) -> float | None:
        return copied_at(self.meta)

    @property
    def display_title(self) -> str:
        """The title as printed or drawn: an imported session's is anyone's text (``terminal_safe``)."""
        return terminal_safe(self.title or "") or UNTITLED

    @property
    def providers(self) -> list[str]:
        return list(dict.fromkeys(p for p, _ in self.provider_models))

    @property
    def models(self) -> list[str]:
        """``provider:model`` labels in order of first use."""
        return [f"{p}:{m}" for p, m in self.provider_models]

    @property
    def cost_label(self) -> str:
        return format_cost(self.cost, partial=self.unpriced, estimated=self.estimated)


@dataclass(frozen=True, slots=True)
class SearchHit:
    session_id: str
    title: str | None
    message_id: str
    role: str  # "user" (a prompt) or "assistant" (an answer)
    snippet: str  # matched words wrapped in the markers passed to ``search``


@dataclass(slots=True)
class LoadedSession:
    """A stored session made ready to resume or replay.

    ``events`` are the stored events in order, plus synthetic closing events where the app stopped
    mid-turn (so a replay shows the interruption). ``transcript`` is rebuilt from the committed
    messages and made consistent: an unfinished answer is an ``incomplete`` assistant message, tool
    calls without results carry an ``interrupted`` result. ``repaired`` tells whether either happened.
    """

    meta: SessionInfo
    events: list[AgentEvent]
    transcript: Transcript
    repaired: bool = False

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def provider(self) -> str | None:
        """The provider in use when the session stopped (None if it never ran a turn)."""
        return self._last_target()[0]

    @property
    def model(self) -> str | None:
        return self._last_target()[1]

    def _last_target(self) -> tuple[str | None, str | None]:
        for event in reversed(self.events):
            if isinstance(event, TurnStarted | ProviderSwitched):
                return event.provider, event.model
        return None, None


def format_cost(cost: float | None, *, partial: bool = False, estimated: bool = False) -> str:
    """``$0.0123``; ``unpriced`` when nothing was priced; a ``+`` when some replies had no price, a
    ``~`` when some are estimates (``core.money``, the format of every view)."""
    return usd(cost, partial=partial, estimated=estimated)
