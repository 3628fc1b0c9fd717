"""The dialog shown when a budget is spent and the agent is about to send another request: the session's
(``/budget``) or the day's over every session (``budget_usd_per_day``), each said in its own words.

``y`` sends it anyway (for the rest of this turn), ``n``/Escape does not (the turn fails with a
hint to raise the cap with ``/budget``); Enter presses the focused button, at first "Don't send". Keys
typed ahead or in a burst answer nothing (see :mod:`flux_tui.ui.screens.key_guard`).
The app passes ``budget_confirmer(app, unpriced=..., scope=...)`` to ``ReliableStep.from_config(...,
confirm_over_budget=...)``; ``unpriced`` names the session's unpriced models, which the figure leaves out,
and ``scope`` the cap reached ("session" or "daily").
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Label, Static

from flux_tui.core.budget import format_usd, unpriced_clause
from flux_tui.ui.screens.key_guard import GuardedChoiceScreen

# (title, the figure, how to raise the cap) for each cap.
WORDS = {
    "session": (
        "Session budget reached",
        "This session has spent {spent} of its {budget} budget",
        "Raise the cap with /budget USD.",
    ),
    "daily": (
        "Daily budget reached",
        "Today's sessions have spent {spent} of the {budget} daily budget",
        "budget_usd_per_day in flux.toml, read at start, raises the cap.",
    ),
}


class BudgetConfirmScreen(GuardedChoiceScreen):
    """Modal "over budget: send anyway?"; dismisses with True (send) or False (don't)."""

    CSS_PATH = "budget_confirm.tcss"
    AUTO_FOCUS = "#budget-no"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "send", "Send anyway"),
        Binding("n", "stop", "Don't send"),
        Binding("escape", "stop", "Don't send", show=False),
    ]
    KEY_HINTS = "y: send anyway · n or esc: don't send"
    BUTTON_ANSWERS: ClassVar[dict[str, bool]] = {"budget-yes": True, "budget-no": False}

    def __init__(
        self,
        spent: float,
        budget: float,
        *,
        unpriced: Sequence[str] = (),
        scope: str = "session",
        name: str | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id)
        self.spent = spent
        self.budget = budget
        self.unpriced = list(unpriced)
        self.scope = scope if scope in WORDS else "session"

    def compose(self) -> ComposeResult:
        title, figure, raise_it = WORDS[self.scope]
        figure = figure.format(spent=format_usd(self.spent), budget=format_usd(self.budget))
        with Vertical(id="budget-dialog"):
            yield Label(title, id="budget-title")
            yield Static(
                f"{figure}{unpriced_clause(self.unpriced)}.\nSend the next request anyway? ({raise_it})",
                id="budget-text",
            )
            yield self.key_hints()
            with Horizontal(id="budget-buttons"):
                # Content(...) keeps "[y]" literal instead of reading it as markup.
                yield Button(Content("Send anyway [y]"), id="budget-yes", variant="warning")
                yield Button(Content("Don't send [n]"), id="budget-no", variant="primary")

    def action_send(self) -> None:
        self.dismiss(True)

    def action_stop(self) -> None:
        self.dismiss(False)


def budget_confirmer(
    app: App[object], *, unpriced: Callable[[], Sequence[str]] = tuple, scope: str = "session"
) -> Callable[[float, float], Awaitable[bool]]:
    """The ``confirm_over_budget`` callback for ``ReliableStep``: opens the dialog from the turn worker
    and waits for the answer. A cancelled turn (Esc) takes the dialog away. ``unpriced()``: the
    session's unpriced models at the time, named next to the figure; ``scope``: the cap reached."""

    async def confirm(spent: float, budget: float) -> bool:
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()

        def decided(answer: bool | None) -> None:
            if not future.done():
                future.set_result(bool(answer))

        screen = BudgetConfirmScreen(spent, budget, unpriced=unpriced(), scope=scope)
        await app.push_screen(screen, callback=decided)
        try:
            return await future
        except asyncio.CancelledError:
            if screen in app.screen_stack:
                screen.dismiss(False)
            raise

    return confirm
