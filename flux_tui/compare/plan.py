"""What each target of a comparison is sent: the recording's conversation as its model had it.

A prompt that never reached a provider (the budget dialog's "Don't send", a provider without a key)
was never part of the recording's conversation, so no target is sent it and it is not a turn of the
comparison. Where the recording cleared the conversation (``/clear``), each target's is cleared at the
same point: the prompts after it go without what came before, as they went in the recording.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from flux_tui.compare.figures import RunFigures, TurnFigures


@dataclass(frozen=True, slots=True)
class Step:
    prompt: str
    clear_first: bool = False  # the recording cleared the conversation before this prompt


@dataclass(slots=True)
class Plan:
    recording: RunFigures  # the recording's figures, its turns those the targets are sent
    steps: list[Step]
    left_out: list[TurnFigures]  # prompts that never reached a provider

    @property
    def note(self) -> str:
        """What the comparison says of the prompts it leaves out; empty when it leaves none."""
        if not self.left_out:
            return ""
        names = ", ".join(f"“{turn.prompt.strip()[:40]}”" for turn in self.left_out)
        were = "was" if len(self.left_out) == 1 else "were"
        return f"left out: {names} {were} never sent in the recording"


def plan(recording: RunFigures) -> Plan:
    """The steps every target runs, and the recording's turns they line up with."""
    kept: list[TurnFigures] = []
    steps: list[Step] = []
    left_out: list[TurnFigures] = []
    clear = False
    for turn in recording.turns:
        clear = clear or turn.cleared_before
        if not turn.sent or not turn.prompt.strip():
            left_out.append(turn)
            continue
        kept.append(turn)
        steps.append(Step(turn.prompt, clear_first=clear and bool(steps)))
        clear = False
    return Plan(replace(recording, turns=kept), steps, left_out)
