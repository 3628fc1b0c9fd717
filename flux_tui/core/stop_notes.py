"""What a turn that ended unusually says, in the same words in the TUI and in ``flux-tui run``."""

from __future__ import annotations

STOP_NOTES: dict[str, str] = {
    "max_tokens": "The answer hit the max_tokens limit and was cut: raise max_tokens or ask to continue.",
    "max_steps": "The turn stopped at the step limit.",
    "refusal": "The model refused to answer.",
}
