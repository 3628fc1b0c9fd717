"""What the agent loop needs from the layers above it, as Protocols, so core never imports llm or tools.

``ChatProvider`` is satisfied by ``flux_tui.llm.BaseLLMProvider``, ``ToolRunner`` by
``flux_tui.tools.ToolBox``. The small dataclasses here are the currency between the agent, the tool box
and whoever approves tool calls (the TUI dialog, the headless runner, a test callback).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from flux_tui.core.agent_events import AgentEvent
from flux_tui.core.events import ProviderEvent
from flux_tui.core.transcript import ToolCall, Transcript

if TYPE_CHECKING:
    from flux_tui.core.agent import Agent


class ChatProvider(Protocol):
    """The part of ``BaseLLMProvider`` the agent uses."""

    name: str
    model: str
    kind: str
    transcript: Transcript

    def send_message(
        self,
        message: str | None,
        system_prompt: str | None = None,
        tools: list[dict[str, Any]] | None = None,
    ) -> AsyncIterator[ProviderEvent]: ...

    def add_tool_result(self, tool_use_id: str, result: str, is_error: bool = False) -> None: ...

    def set_current_file_context(self, file_path: str | None) -> None: ...


# How the tool box classifies a call before it runs:
#   "auto"        policy allows it, run without asking
#   "yolo"        policy would ask, but --yolo is on
#   "ask"         someone must approve it first
#   "policy_deny" flux.toml denies this tool
PrepDecision = Literal["auto", "yolo", "ask", "policy_deny"]


@dataclass(slots=True)
class PreparedCall:
    """A validated tool call, ready to be approved and run.

    ``error`` set means the call cannot run (bad arguments, a path outside the workspace, a stale file):
    the message goes back to the model as an error result and nobody is asked. ``data`` is private to
    the tool box (what ``prepare`` computed for ``run``).
    """

    call: ToolCall
    decision: PrepDecision = "auto"
    preview: str | None = None  # unified diff of a write/edit, or the command and its cwd
    error: str | None = None
    read_only: bool = False  # read-only calls of one reply may run concurrently
    # A cancel waits for the run to complete (a file write is quick and must not be reported as
    # cancelled when it happened); otherwise the run is cancelled (run_command kills its processes).
    finish_on_cancel: bool = False
    data: Any = None
    # Why it asks although the tool is allowed ("may hold secrets"), or why the policy denies it.
    reason: str | None = None
    # What "approve for this session" covers; None: every call of the tool.
    approval_key: str | None = None
    # The same in words for the approval dialog ("reading .env only"); None: the tool.
    session_scope: str | None = None

    @property
    def needs_approval(self) -> bool:
        return self.error is None and self.decision == "ask"


@dataclass(slots=True)
class ToolOutcome:
    """What running a tool produced; ``content`` goes back to the model."""

    content: str
    is_error: bool = False
    diff: str | None = None  # the diff that was applied (write/edit)
    touched_path: str | None = None  # file read or edited: becomes the provider's file context


class ToolRunner(Protocol):
    """The part of ``ToolBox`` the agent uses."""

    def schemas(self) -> list[dict[str, Any]]:
        """Tool definitions in the Anthropic format (name, description, input_schema)."""
        ...

    def prepare(self, call: ToolCall) -> PreparedCall:
        """Validate the input, compute the preview and say whether approval is needed (per policy)."""
        ...

    async def run(self, prepared: PreparedCall) -> ToolOutcome: ...

    def history_replaced(self) -> None:
        """The model's history was cleared or replaced by another conversation's: what it read or wrote
        of files is no longer in it, so nothing it saw guards a write any more."""
        ...

    def allow_for_session(self, tool_name: str) -> None:
        """The user chose "approve for this session": stop asking for this tool (``tool_name`` is the
        call's ``approval_key`` when it has one: only that class of the tool's calls)."""
        ...


@dataclass(slots=True)
class ApprovalRequest:
    call_id: str
    tool_name: str
    input: dict[str, Any]
    preview: str | None = None
    reason: str | None = None  # why it asks, when the tool alone would not ("may hold secrets")
    session_scope: str | None = None  # what "approve for the session" covers; None: every call of the tool


@dataclass(slots=True)
class ApprovalDecision:
    decision: Literal["approved", "approved_session", "denied"]
    reason: str | None = None  # for a denial: returned to the model
    by_user: bool = True  # False: nobody was asked (a non-interactive run denies what needs approval)


Approver = Callable[[ApprovalRequest], Awaitable[ApprovalDecision]]
EventSink = Callable[[AgentEvent], None]


@dataclass(slots=True)
class StepRequest:
    """One model request of a turn, as handed to the ``StreamStep`` seam.

    ``message`` is the user prompt on the first step and None afterwards (continue after tool results).
    Note for wrappers that retry: the provider appends ``message`` to the transcript when the stream
    starts, so a retry must send ``None`` instead of the same prompt again.
    """

    message: str | None
    system_prompt: str | None
    tools: list[dict[str, Any]] | None
    step: int  # 1-based index of the model request within the turn
    turn_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


# The seam for retries with backoff, failover and a budget gate: a function that turns one
# step request into the provider's event stream. The default is ``agent.provider.send_message(...)``; a
# wrapper may wait, retry, call ``agent.emit(Notice(...))`` or fail over with
# ``agent.switch_provider(new, reason="failover", during_turn=True)``, as long as it yields the events of
# the reply that finally counts.
StreamStep = Callable[["Agent", StepRequest], AsyncIterator[ProviderEvent]]
