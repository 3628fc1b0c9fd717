"""How far the character estimate of a request falls short of the provider's own count of it.

Pruning counts with ``tokens.estimate_tokens``, which is close to cl100k on English and code; a provider
counts with its own tokenizer, and languages such as German, Russian or Japanese take more tokens a
character than the estimate allows. Each reply's usage says what the provider counted for the prompt it
was sent; that count over the estimate of the same prompt scales the budget of the next request to the
same model, so a long conversation stays inside the window in any language. Only a shortfall scales: an
estimate above the count leaves some room unused, never a request over the window.
"""

from __future__ import annotations

# Below this many estimated tokens the provider's own preamble (the tool-use instructions Anthropic adds,
# message framing) dominates the ratio, which then says nothing about the text.
MIN_ESTIMATED = 2_000
MAX_SCALE = 4.0  # past this the count is not about the same prompt (a proxy adding a large preamble)


class TokenScale:
    """The last shortfall seen per model: the factor to divide the next request's room by."""

    def __init__(self) -> None:
        self._by_model: dict[str, float] = {}

    def observe(self, model: str, estimated: int, counted: int) -> None:
        """``estimated``: the estimate of the prompt sent; ``counted``: the provider's input tokens for
        it, cache reads and writes included."""
        if estimated < MIN_ESTIMATED or counted <= 0:
            return
        self._by_model[model] = min(MAX_SCALE, max(1.0, counted / estimated))

    def factor(self, model: str) -> float:
        return self._by_model.get(model, 1.0)
