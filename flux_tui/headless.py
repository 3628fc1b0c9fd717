"""``flux-tui run "PROMPT"``: one turn of the same agent loop, without the UI.

The answer streams to standard output; tool activity, warnings and errors go to standard error, so
``flux-tui run "..." > answer.md`` captures just the answer. Nobody is there to approve a tool call, so
calls that need approval are denied (the model is told) unless ``--yolo`` is on.

Exit codes: 0 the model finished (an answer cut at max_tokens too, with a warning on standard error);
1 the turn failed (provider error) or the model refused to answer; 2 configuration problem (no key,
unknown provider, bad workspace); 3 the step limit was hit before the model finished; 130 interrupted.
At the end, the turn's tokens and cost go to standard error, in the format of every other view.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from flux_tui import closed_pipe
from flux_tui.core.agent import STOP_ERROR, STOP_MAX_STEPS, Agent
from flux_tui.core.agent_events import (
    AgentEvent,
    Notice,
    PromptUnanswered,
    TextDelta,
    ToolCallDecided,
    ToolCallFinished,
    ToolCallProposed,
    TurnFailed,
    TurnFinished,
)
from flux_tui.core.errors import FluxError
from flux_tui.core.events import STOP_REFUSAL
from flux_tui.core.exit_codes import ExitCode
from flux_tui.core.ledger import UsageLedger
from flux_tui.core.logging_setup import config_secrets
from flux_tui.core.money import usage_line
from flux_tui.core.protocols import ApprovalDecision, ApprovalRequest, EventSink
from flux_tui.core.redact import Redactor
from flux_tui.core.stop_notes import STOP_NOTES
from flux_tui.core.terminal_text import terminal_streams

if TYPE_CHECKING:
    from flux_tui.sessions import LoadedSession

EXIT_OK = ExitCode.OK
EXIT_FAILED = ExitCode.FAILED
EXIT_CONFIG = ExitCode.USAGE
EXIT_MAX_STEPS = ExitCode.MAX_STEPS
EXIT_INTERRUPTED = ExitCode.INTERRUPTED

# The step limit has its own notice (with the limit) from the agent; these endings have none.
_SAID_AT_FINISH = ("max_tokens", STOP_REFUSAL)

DENY_REASON = "flux-tui run is non-interactive and this tool needs approval (rerun with --yolo to allow it)"
_ARGS_PREVIEW = 160


class HeadlessPrinter:
    """Event sink: answer text to ``out``, everything else (briefly) to ``err``.

    The text the model writes after a tool call starts a new paragraph: in ``out`` the tool call
    itself is not there to separate it from the text before. Both streams are redacted of API keys
    (``redactor``: the configured ones and their shapes), as ``--output-format json`` is: the end of
    the answer so far that could be the start of a key waits for the text after it.
    """

    def __init__(self, out: TextIO, err: TextIO, redactor: Redactor | None = None) -> None:
        self.out = out
        self.err = err
        self._redactor = redactor if redactor is not None else Redactor()
        self._names: dict[str, str] = {}
        self._at_line_start = True
        self._tail = ""  # the last two characters written to out
        self._held = ""  # answer text that may be the start of a key, not written yet
        self._new_paragraph = False

    def __call__(self, event: AgentEvent) -> None:
        if isinstance(event, TextDelta):
            text = self._held + event.text
            cut = self._redactor.unsafe_tail_start(text)
            self._held = text[cut:]
            self._write(self._redactor.redact_text(text[:cut]))
            return
        self._release()
        if isinstance(event, ToolCallProposed):
            self._new_paragraph = bool(self._tail)
            self._names[event.call_id] = event.name
            args = json.dumps(event.input, ensure_ascii=False)
            if len(args) > _ARGS_PREVIEW:
                args = args[:_ARGS_PREVIEW] + "…"
            self._say(f"[tool] {event.name} {args}")
        elif isinstance(event, ToolCallDecided) and event.decision == "denied":
            self._say(f"[tool] {self._names.get(event.call_id, '?')} denied: {event.reason or 'no reason'}")
        elif isinstance(event, ToolCallFinished):
            name = self._names.get(event.call_id, "?")
            line = f"[tool] {name} {event.status} ({event.duration:.2f} s)"
            if event.status == "failed":
                line += ": " + (event.result.strip().splitlines() or [""])[0][:200]
            self._say(line)
        elif isinstance(event, Notice):
            self._say(f"flux-tui: {event.level}: {event.text}")
        elif isinstance(event, PromptUnanswered):
            self._say(
                "flux-tui: the prompt got no answer: the session keeps it, marked, out of its history "
                "(run the command again to send it again)"
            )
        elif isinstance(event, TurnFinished) and event.stop_reason in _SAID_AT_FINISH:
            self._say(f"flux-tui: warning: {STOP_NOTES[event.stop_reason]}")
        elif isinstance(event, TurnFailed):
            self._say(f"flux-tui: error: {event.error}")
            if event.hint:
                self._say(f"flux-tui: {event.hint}")

    def _write(self, text: str) -> None:
        if not text:
            return
        if self._new_paragraph:
            self._new_paragraph = False
            text = "\n" * (2 - len(self._tail) + len(self._tail.rstrip("\n"))) + text
        if not self._put(text):
            return
        self._tail = (self._tail + text)[-2:]
        self._at_line_start = text.endswith("\n")

    def _put(self, text: str, *, in_turn: bool = True) -> bool:
        try:
            self.out.write(text)
            self.out.flush()
        except BrokenPipeError:
            closed_pipe.reader_gone(end_turn=in_turn)
            return False
        return True

    def _release(self) -> None:
        """Write the held end of the answer: the text it could have continued into is not coming."""
        held, self._held = self._held, ""
        self._write(self._redactor.redact_text(held))

    def _say(self, line: str) -> None:
        self.err.write(self._redactor.redact_text(line) + "\n")
        self.err.flush()

    def finish(self) -> None:
        self._release()
        if not self._at_line_start:
            self._put("\n", in_turn=False)  # after the turn: nothing to end
            self._at_line_start = True


async def deny_approval(request: ApprovalRequest) -> ApprovalDecision:
    return ApprovalDecision("denied", DENY_REASON, by_user=False)


async def run_headless(
    config: Any,
    prompt: str | None,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
    yolo: bool = False,
    sinks: list[EventSink] | None = None,
    resumed: LoadedSession | None = None,
    target: tuple[str, str | None] | None = None,
    spent_elsewhere_today: Callable[[], float] | None = None,
) -> int:
    """Run one turn for ``prompt`` and print it; returns the process exit code (see module doc).

    ``sinks`` receive every agent event too (e.g. a session store recording the run). ``resumed``: a
    stored session the turn goes on in (its history for the model, its spend for the budget);
    ``prompt=None`` then lets the model go on from where it stopped. ``target``: the provider and
    model (None: its default) to use instead of the configured ones. ``spent_elsewhere_today``: what
    the other sessions spent today, for ``budget_usd_per_day``.
    """
    # Looked up per call, not at import, so redirected streams (tests, wrappers) are honoured.
    out = out or sys.stdout
    err = err or sys.stderr
    # The model's text, tool output and error messages may hold escape sequences a terminal acts on.
    out, err = terminal_streams(out, err)
    from flux_tui.core.budget import HEADLESS_BUDGET_WORDS, refuse_over_budget
    from flux_tui.core.hints import HEADLESS_HINTS
    from flux_tui.core.transcript import Transcript
    from flux_tui.services.providers import ProviderService, record_switch
    from flux_tui.services.turns import budget_guard, build_agent, clean_prompt
    from flux_tui.tools import ToolBox

    yolo = yolo or bool(getattr(config, "yolo", False))
    if prompt is not None:
        prompt, notes = clean_prompt(prompt)
        for note in notes:
            err.write(f"flux-tui: {note}\n")
        if not prompt.strip():
            err.write("flux-tui: the prompt is empty\n")
            return EXIT_CONFIG
    transcript = resumed.transcript if resumed is not None else None
    problem = _nothing_to_continue(transcript) if prompt is None else None
    if problem:
        err.write(f"flux-tui: {problem}\n")
        return EXIT_CONFIG
    name, model = target or (None, None)
    providers = ProviderService(config, transcript if transcript is not None else Transcript())
    try:
        tools = ToolBox.from_config(config, yolo=yolo)
        # Built now, not on first use: a provider that cannot be built stops the run before it starts.
        provider = providers.build_now(name, model)
    except FluxError as exc:
        err.write(f"flux-tui: {exc}\n")
        return EXIT_CONFIG
    if yolo:
        err.write("flux-tui: --yolo is on: every tool call runs without asking\n")
    printer = HeadlessPrinter(out, err, Redactor(config_secrets(config)))
    ledger = UsageLedger()
    # Retries, failover to `fallback` providers and the budget gate, as in the TUI; nobody can confirm
    # spending past the budget here, so that request is refused.
    agent = build_agent(
        config,
        provider,
        tools=tools,
        approver=deny_approval,
        sinks=[printer, ledger.apply, *(sinks or [])],
        system_prompt=project_context(config),
        fallback=providers.build_now,  # built at once too: one that cannot be is skipped, and said
        confirm_over_budget=refuse_over_budget,
        budget_words=HEADLESS_BUDGET_WORDS,
        hints=HEADLESS_HINTS,
        spent_elsewhere_today=spent_elsewhere_today,
    )
    guard = budget_guard(agent)
    if resumed is not None and guard is not None:
        guard.load(resumed.events, copied_at=resumed.meta.copied_at)
    if resumed is not None:
        record_switch(agent, resumed.provider, resumed.model)
    if prompt is not None:
        prompt = _with_mentions(prompt, tools, agent, err)
    mcp = await start_mcp(config, tools, err, agent.redactor)
    try:
        # A task of its own: a closed standard output cancels the turn (closed_pipe), not the clean-up.
        stop_reason = await asyncio.ensure_future(agent.run_turn(prompt))
    except asyncio.CancelledError:
        printer.finish()
        if closed_pipe.is_gone():  # nobody reads the answer: a quiet end, as Unix tools make
            return ExitCode.BROKEN_PIPE
        err.write("flux-tui: interrupted\n")
        _say_usage(err, ledger)
        return EXIT_INTERRUPTED
    finally:
        if mcp is not None:
            await mcp.stop()
        # After a failover the agent holds a different provider than the one built here.
        await provider.aclose()
        if agent.provider is not provider:
            await agent.provider.aclose()
    printer.finish()
    _say_usage(err, ledger)
    if stop_reason in (STOP_ERROR, STOP_REFUSAL):  # a refusal is no answer: a script must not take it for one
        return EXIT_FAILED
    if stop_reason == STOP_MAX_STEPS:
        return EXIT_MAX_STEPS
    return EXIT_OK


def _with_mentions(prompt: str, tools: Any, agent: Agent, err: TextIO) -> str:
    """``@path`` attaches the file (or a directory's listing), as in the TUI; what is not attached is said."""
    from flux_tui.tools.mentions import expand_mentions

    expanded = expand_mentions(prompt, tools.ctx.workspace, tools.ctx.secret_files)
    for message in expanded.refused:
        err.write(f"flux-tui: {message}\n")
    for item in expanded.attached:
        err.write(f"flux-tui: attached {item.shown}" + (f" ({item.note})" if item.note else "") + "\n")
    context = expanded.text[len(prompt) :]
    return prompt + agent.redactor.redact_text(context) if context else prompt


async def start_mcp(config: Any, tools: Any, err: TextIO, redactor: Any = None) -> Any:
    """The MCP servers of ``.mcp.json`` and flux.toml, started, their tools in ``tools`` (None: none)."""
    from flux_tui.mcp.manager import McpManager

    say = lambda text, level: err.write(f"flux-tui: {level}: {text}\n")  # noqa: E731
    manager = McpManager(config, tools, say, redactor)
    if not manager.configured:
        return None
    await manager.start()
    return manager


def project_context(config: Any, workspace: Any = None) -> Any:
    """The configured system prompt with AGENTS.md and the environment (read on the first turn), of
    ``workspace`` (by default the configured one)."""
    from pathlib import Path

    from flux_tui.core.instructions import ProjectContext

    workspace = workspace or getattr(config, "workspace", None) or Path.cwd()
    config_dir = getattr(config, "config_path", None)
    return ProjectContext(getattr(config, "system_prompt", None), Path(workspace), config_dir)


def _say_usage(err: TextIO, ledger: UsageLedger) -> None:
    if ledger.entries:
        err.write(f"flux-tui: usage: {usage_line(ledger.turn)}\n")
        err.flush()


def _nothing_to_continue(transcript: Any) -> str | None:
    """Why ``run --continue`` without a prompt has nothing to do, or None."""
    from flux_tui.services.turns import continuable

    if transcript is None or not transcript.messages:
        return 'no prompt given (flux-tui run "PROMPT"; without one, --continue goes on in a session)'
    if not continuable(transcript):
        return "nothing to continue: the last answer is complete; give a prompt to go on"
    return None
