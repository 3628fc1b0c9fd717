"""What a failed or stopped turn tells the user to do next, for the place they are in.

The TUI offers its commands (``/retry``, ``/continue``, ``/provider``); ``flux-tui run`` has none of
them, so its hints name what works there (run again, ``flux-tui run --continue``, ``--provider``).
``failover.ReliableStep`` puts the hint of its ``Hints`` on the error it gives up with; an error left
without one gets the agent's generic hint for its type.
"""

from __future__ import annotations

from dataclasses import dataclass

from flux_tui.core.errors import (
    BadRequestError,
    IncompleteStreamError,
    ModelNotFoundError,
    OverloadedError,
    ProviderConnectionError,
    RateLimitError,
)
from flux_tui.core.retry import MIDSTREAM_HINT
from flux_tui.core.wording import counted

_STEP_LIMIT = (
    "Stopped after {requests} in this turn (max_steps). {go_on}; raise [tools] max_steps to allow more."
)


@dataclass(frozen=True, slots=True)
class Hints:
    midstream: str  # part of the answer was shown, then the stream failed (the error does not say it is kept)
    broke_off: str  # the stream failed before any of the answer arrived
    fallbacks_failed: str  # "{errors}" is replaced by what each fallback said
    go_on: str  # how to let the model go on after the step limit
    by_error: tuple[tuple[type[Exception], str], ...] = ()  # first match wins; none: the agent's

    def step_limit(self, steps: int) -> str:
        return _STEP_LIMIT.format(requests=counted(steps, "model request"), go_on=self.go_on)

    def for_error(self, error: Exception) -> str | None:
        text = next((hint for cls, hint in self.by_error if isinstance(error, cls)), None)
        available = getattr(error, "available", None)
        if text is not None and isinstance(error, ModelNotFoundError) and available:
            text = f"{text.rstrip('.')} (available: {', '.join(available[:10])})."
        return text


TUI_HINTS = Hints(
    midstream=MIDSTREAM_HINT,
    broke_off="The answer broke off before any of it arrived. /retry asks again.",
    fallbacks_failed=(
        "The fallbacks failed too ({errors}). Try again later with /retry, or pick another provider "
        "with /provider."
    ),
    go_on="/continue lets the assistant go on",
)

HEADLESS_HINTS = Hints(
    midstream=(
        "The partial answer is saved in the session: `flux-tui run --continue` lets the model go on "
        'from where it stopped; `flux-tui run --continue "PROMPT"` sends a new prompt in it.'
    ),
    broke_off="The answer broke off before any of it arrived: run the command again.",
    fallbacks_failed=(
        "The fallbacks failed too ({errors}). Run the command again later, or pick another provider "
        "with --provider."
    ),
    go_on="`flux-tui run --continue` lets the assistant go on",
    by_error=(
        (RateLimitError, "The provider is rate limiting: wait a moment, then run the command again."),
        (OverloadedError, "The provider is overloaded: run the command again shortly, or use --provider."),
        (ModelNotFoundError, "Pick another model with --model."),
        (BadRequestError, "The provider rejected the request; another model (--model) may help."),
        (ProviderConnectionError, "Check the network or the provider's base URL, then run it again."),
        (IncompleteStreamError, "The answer broke off before any of it arrived: run the command again."),
    ),
)
