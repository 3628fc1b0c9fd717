"""One turn of the conversation as the chat shows it: its events and the widgets drawing them."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.widget import Widget

from flux_tui.core.agent_events import AgentEvent, TextDelta, ThinkingDelta


@dataclass
class ShownTurn:
    """One turn on screen: its events (to rebuild it when unfolded) and the widgets showing it."""

    events: list[AgentEvent] = field(default_factory=list)
    widgets: list[Widget] = field(default_factory=list)

    def compact(self) -> None:
        """Merge runs of streamed deltas: a folded turn keeps its text, not its thousands of tokens."""
        merged: list[AgentEvent] = []
        for event in self.events:
            last = merged[-1] if merged else None
            if isinstance(event, TextDelta) and isinstance(last, TextDelta):
                merged[-1] = TextDelta(text=last.text + event.text)
            elif isinstance(event, ThinkingDelta) and isinstance(last, ThinkingDelta):
                merged[-1] = ThinkingDelta(text=last.text + event.text)
            else:
                merged.append(event)
        self.events = merged
