"""App-level Textual messages, routed by ``FluxApp`` (widgets post them, the app decides)."""

from __future__ import annotations

from textual.message import Message


class AgentEventsPosted(Message):
    """AgentEvents produced by the turn worker are waiting in the app's inbox.

    The agent's sink appends each event to the inbox and posts one of these only when the inbox was
    empty, so a fast stream (thousands of deltas between two frames) costs one message per batch
    instead of one per token, and events keep their order.
    """


class PromptSubmitted(Message):
    """The user pressed Enter in the prompt: ``text`` is the whole prompt (pastes expanded), ``raw`` what
    the editor held (what ``PromptInput.give_back`` puts back when the prompt cannot be taken now)."""

    def __init__(self, text: str, raw: str | None = None) -> None:
        super().__init__()
        self.text = text
        self.raw = text if raw is None else raw


class ProviderChosen(Message):
    """The provider menu (or palette, or ``/provider``) picked a provider by its configured name."""

    def __init__(self, provider: str) -> None:
        super().__init__()
        self.provider = provider


class ModelChosen(Message):
    """The model menu (or palette, or ``/model``) picked a model of the current provider."""

    def __init__(self, model: str) -> None:
        super().__init__()
        self.model = model


class MenuClosed(Message):
    """A top-bar menu closed after a choice (or Esc): typing goes back to the prompt."""
