"""The sessions browser's comparison (F5): the selected session's prompts re-run on chosen targets.

Targets are picked from the provider and model menus (``a`` adds the pair shown); ``r`` runs them one
after the other (``flux_tui.compare.runner``: a scratch copy of the workspace, commands denied). Each
run gets a column beside the recording's, and its answers stream into it as they come; a progress line
says which target and turn is running. ``s`` saves each finished run as a session of its own (its
meta names the compared session and the target).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Label, Select, Static

from flux_tui.compare.figures import RunFigures, TurnFigures, next_reply, run_figures
from flux_tui.compare.plan import Step, plan
from flux_tui.compare.runner import rerun
from flux_tui.core.agent_events import AgentEvent, StepFinished, TextDelta, TurnStarted
from flux_tui.core.money import usd
from flux_tui.core.terminal_text import terminal_safe

if TYPE_CHECKING:
    from flux_tui.services.sessions import SessionService


def turn_summary(index: int, turn: TurnFigures) -> str:
    cost = usd(turn.cost_usd, estimated=turn.estimated)
    tools = f" · {turn.calls_summary}" if turn.tool_calls else ""
    failed = f" · {terminal_safe(turn.error)}" if turn.error else ""
    tokens = f"{turn.input_tokens:,} in / {turn.output_tokens:,} out"
    return f"Turn {index}: {tokens} · {cost} · {turn.seconds:.1f}s{tools}{failed}"


class RunColumn(VerticalScroll):
    """One run: a header, then each turn's answer (streaming) and figures."""

    def __init__(self, title: str) -> None:
        super().__init__(classes="compare-column")
        self.title = title
        self.turn_text: Static | None = None
        self.answer = ""
        self._step_ended = False  # the next text starts a reply of its own (after a tool call)

    def compose(self) -> ComposeResult:
        yield Static(self.title, classes="compare-head", markup=False)

    def start_turn(self, number: int, prompt: str) -> None:
        first = prompt.strip().splitlines()[0] if prompt.strip() else ""
        self.mount(Static(f"Turn {number}: {terminal_safe(first)}", classes="compare-turn", markup=False))
        self.answer = ""
        self.turn_text = Static("", markup=False)
        self.mount(self.turn_text)

    def end_step(self) -> None:
        self._step_ended = True

    def add_text(self, text: str) -> None:
        if self._step_ended:
            self.answer, self._step_ended = next_reply(self.answer), False
        self.answer += text
        if self.turn_text is not None:
            self.turn_text.update(terminal_safe(self.answer))  # a model's text: drawn as text only

    def show_figures(self, run: RunFigures) -> None:
        lines = [turn_summary(i, t) for i, t in enumerate(run.turns, start=1)]
        lines.append(f"Total: {usd(run.total_cost_usd, estimated=run.estimated)}")
        self.mount(Static("\n".join(lines), classes="compare-figures", markup=False))


class CompareScreen(Screen[None]):
    CSS_PATH = "compare_screen.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back"),
        Binding("a", "add", "Add target"),
        Binding("r", "run", "Run"),
        Binding("s", "save", "Save"),
    ]

    def __init__(self, sessions: SessionService, session_id: str, config: Any, providers: list[str]) -> None:
        super().__init__()
        self.sessions = sessions
        self.session_id = session_id
        self.config = config
        self.providers = providers
        self.targets: list[tuple[str, str | None]] = []
        self.runs: list[tuple[tuple[str, str | None], list[AgentEvent]]] = []  # finished target runs
        self.finished = asyncio.Event()  # set when a run of every target ended (tests)

    def compose(self) -> ComposeResult:
        yield Label(f"Compare session {self.session_id}", id="compare-title")
        with Horizontal(id="compare-pickers"):
            yield Select([(n, n) for n in self.providers], id="compare-provider", allow_blank=False)
            yield Select(self._model_options(self.providers[0] if self.providers else ""), id="compare-model")
        yield Static("No target yet: pick a provider and model, then press a.", id="compare-targets")
        yield Static("", id="compare-progress")
        yield Horizontal(id="compare-columns")
        yield Footer()

    def _model_options(self, provider: str) -> list[tuple[str, str]]:
        try:
            resolved = self.config.provider_settings(provider)
        except Exception:  # an unknown provider has no models to offer
            return []
        models = list(dict.fromkeys([resolved.model, *resolved.models]))
        return [(m, m) for m in models if m]

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "compare-provider" and isinstance(event.value, str):
            models = self.query_one("#compare-model", Select)
            options = self._model_options(event.value)
            models.set_options(options)
            if options:  # the provider's default model first
                models.value = options[0][1]

    def action_add(self) -> None:
        provider = self.query_one("#compare-provider", Select).value
        model = self.query_one("#compare-model", Select).value
        if not isinstance(provider, str):
            return
        target = (provider, model if isinstance(model, str) else None)
        if target not in self.targets:
            self.targets.append(target)
        labels = ", ".join(f"{p}:{m}" if m else p for p, m in self.targets)
        self.query_one("#compare-targets", Static).update(f"Targets: {labels} · r runs them")

    def action_close(self) -> None:
        self.app.pop_screen()

    def _progress(self, text: str) -> None:
        self.query_one("#compare-progress", Static).update(Text(text))

    @work(exclusive=True, group="compare", exit_on_error=False)
    async def action_run(self) -> None:
        store = self.sessions.store
        if store is None or not self.targets:
            self._progress("Add a target first (a).")
            return
        self.finished.clear()
        events = await asyncio.to_thread(store.events, self.session_id)
        compared = plan(run_figures(events))
        recording, steps = compared.recording, compared.steps
        if compared.note:
            self.notify(compared.note, markup=False)
        columns = self.query_one("#compare-columns", Horizontal)
        await columns.remove_children()
        first = RunColumn(f"recording · {recording.label}")
        await columns.mount(first)
        for number, turn in enumerate(recording.turns, start=1):
            first.start_turn(number, turn.prompt)
            first.add_text(turn.answer)
        first.show_figures(recording)
        self.runs = []
        for target in self.targets:
            await self._run_one(target, steps, columns)
        done = f"{len(self.runs)} of {len(self.targets)}"
        self._progress(f"Done: {done} targets ran · s saves them as sessions")
        self.finished.set()

    async def _run_one(self, target: tuple[str, str | None], steps: list[Step], columns: Horizontal) -> None:
        label = f"{target[0]}:{target[1]}" if target[1] else target[0]
        column = RunColumn(label)
        await columns.mount(column)
        collected: list[AgentEvent] = []
        turns = 0

        def on_event(event: AgentEvent) -> None:
            nonlocal turns
            collected.append(event)
            if isinstance(event, TurnStarted):
                turns += 1
                column.start_turn(turns, event.prompt)
            elif isinstance(event, TextDelta):
                column.add_text(event.text)
            elif isinstance(event, StepFinished):
                column.end_step()

        def on_turn(index: int) -> None:
            self._progress(f"{label}: turn {index + 1} of {len(steps)}")

        try:
            run = await rerun(
                self.config,
                steps,
                target,
                on_event=on_event,
                on_turn=on_turn,
                notify=lambda text: self.notify(text, severity="warning", markup=False),
            )
        except Exception as exc:  # a target that cannot be built or reached: the others still run
            column.mount(Static(f"failed: {exc}", classes="compare-figures", markup=False))
            return
        column.show_figures(run)
        self.runs.append((target, collected))

    @work(exclusive=True, group="compare-save", exit_on_error=False)
    async def action_save(self) -> None:
        store = self.sessions.store
        if store is None or not self.runs:
            self._progress("Nothing to save yet: run the comparison first (r).")
            return
        saved = []
        for (provider, model), events in self.runs:
            label = f"{provider}:{model}" if model else provider
            meta = {"compared_with": self.session_id, "target": label}
            session_id = await asyncio.to_thread(
                store.create_session, f"Compare {self.session_id[:8]} on {label}", meta=meta
            )
            await asyncio.to_thread(store.append, session_id, events)
            saved.append(session_id)
        self._progress(f"Saved {len(saved)} sessions: {', '.join(s[:8] for s in saved)}")
