"""The tool phase of a step: propose, decide, run and answer every tool call of one model reply.

Every call gets exactly one result, whatever happens (bad arguments, a denial, a tool that raises, a
cancel), so the history stays valid for any provider. Results are added in the order the model made the
calls, all in one user message, which is committed once when the phase ends.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from flux_tui.core.agent_events import (
    AgentEvent,
    Decision,
    ToolCallDecided,
    ToolCallFinished,
    ToolCallProposed,
    ToolCallRunning,
    ToolStatus,
)
from flux_tui.core.protocols import (
    ApprovalDecision,
    ApprovalRequest,
    Approver,
    PreparedCall,
    ToolOutcome,
    ToolRunner,
)
from flux_tui.core.transcript import ResultStatus, ToolCall, Transcript

log = logging.getLogger(__name__)

CANCELLED_RESULT = "cancelled by the user: the tool call did not complete"
NO_APPROVER_REASON = "no one is available to approve it (non-interactive run)"


@dataclass(slots=True)
class _Result:
    content: str
    is_error: bool
    status: ResultStatus


def denied_text(reason: str | None, *, by_user: bool = True) -> str:
    """What the model reads for a denied call: a user's denial is said to be one, no other is."""
    what = "denied by user" if by_user else "denied"
    return f"{what}: {reason}" if reason else what


class ToolPhase:
    """Runs the pending tool calls of the transcript's last assistant message."""

    def __init__(
        self,
        *,
        transcript: Transcript,
        tools: ToolRunner | None,
        approver: Approver | None,
        emit: Callable[[AgentEvent], None],
        redact: Callable[[str], str] | None = None,
    ) -> None:
        self._transcript = transcript
        self._redact = redact
        self._tools = tools
        self._approver = approver
        self._emit = emit
        self._results: dict[str, _Result] = {}
        self._touched: dict[str, str] = {}  # call id -> path read or edited
        self._session_allowed: set[str] = set()

    async def run(self, calls: list[ToolCall]) -> str | None:
        """Answer every call; returns the path that becomes the file context (last touched), if any.

        On cancellation the calls without a result are closed as cancelled before re-raising.
        """
        prepared = [self._prepare(call) for call in calls]
        running: list[asyncio.Task[None]] = []
        try:
            for prep in prepared:
                await self._handle(prep, running)
            if running:
                await asyncio.gather(*running)
        except BaseException:
            for task in running:
                task.cancel()
            if running:
                await asyncio.gather(*running, return_exceptions=True)
            self._store_results(calls)
            raise
        self._store_results(calls)
        touched = [self._touched[c.id] for c in calls if c.id in self._touched]
        return touched[-1] if touched else None

    # -- steps ----------------------------------------------------------------------------------

    def _prepare(self, call: ToolCall) -> PreparedCall:
        if call.input_error:
            prep = PreparedCall(call, error=f"invalid arguments for {call.name}: {call.input_error}")
        elif self._tools is None:
            prep = PreparedCall(call, error="no tools are available in this session")
        else:
            try:
                prep = self._tools.prepare(call)
            except Exception as exc:  # a tool bug must not crash the turn
                log.exception("prepare(%s) failed", call.name)
                prep = PreparedCall(call, error=f"{call.name} failed: {exc}")
        self._emit(
            ToolCallProposed(
                call_id=call.id,
                name=call.name,
                input=call.input,
                input_error=call.input_error,
                preview=prep.preview,
            )
        )
        return prep

    async def _handle(self, prep: PreparedCall, running: list[asyncio.Task[None]]) -> None:
        call = prep.call
        if prep.error is not None:
            self._finish(call, _Result(prep.error, True, "error"), "failed")
            return
        decision, reason, by_user = await self._decide(prep)
        self._emit(ToolCallDecided(call_id=call.id, decision=decision, reason=reason, by_user=by_user))
        if decision == "denied":
            self._finish(call, _Result(denied_text(reason, by_user=by_user), True, "denied"), "denied")
            return
        if decision == "policy_deny":
            text = prep.reason or f"{call.name} is disabled by the tool policy in flux.toml"
            self._finish(call, _Result(text, True, "denied"), "denied")
            return
        if prep.read_only:
            running.append(asyncio.create_task(self._execute(prep)))
            return
        # A change waits for earlier reads, so they see the files as they were when the model asked.
        if running:
            await asyncio.gather(*running)
            running.clear()
        await self._execute(prep)

    async def _decide(self, prep: PreparedCall) -> tuple[Decision, str | None, bool]:
        """The decision, its reason, and whether a user made it."""
        name = prep.call.name
        # What "approve for this session" covers: the tool, or a narrower class of its calls.
        key = prep.approval_key or name
        if prep.decision == "policy_deny":
            return "policy_deny", None, False
        if prep.decision in ("auto", "yolo"):
            return prep.decision, None, False
        if key in self._session_allowed:
            return "approved_session", "approved for this session", True
        if self._approver is None:
            return "denied", NO_APPROVER_REASON, False
        request = ApprovalRequest(
            call_id=prep.call.id,
            tool_name=name,
            input=prep.call.input,
            preview=prep.preview,
            reason=prep.reason,
            session_scope=prep.session_scope,
        )
        try:
            answer: ApprovalDecision = await self._approver(request)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("approver failed")
            return "denied", f"the approval could not be obtained ({exc})", False
        if answer.decision == "approved_session":
            self._session_allowed.add(key)
            if self._tools is not None:
                self._tools.allow_for_session(key)
        return answer.decision, answer.reason, answer.by_user

    async def _execute(self, prep: PreparedCall) -> None:
        call = prep.call
        assert self._tools is not None
        self._emit(ToolCallRunning(call_id=call.id))
        started = time.monotonic()
        cancelled: asyncio.CancelledError | None = None
        task = asyncio.ensure_future(self._tools.run(prep))
        try:
            try:
                outcome = await asyncio.shield(task)
            except asyncio.CancelledError as exc:
                if not prep.finish_on_cancel:
                    task.cancel()
                    await asyncio.gather(task, return_exceptions=True)
                    raise
                # Let the change land, report what really happened, then honour the cancel.
                cancelled = exc
                outcome = await task
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("tool %s raised", call.name)
            outcome = ToolOutcome(f"{call.name} failed: {type(exc).__name__}: {exc}", is_error=True)
        duration = time.monotonic() - started
        if outcome.touched_path and not outcome.is_error:
            self._touched[call.id] = outcome.touched_path
        status: ToolStatus = "failed" if outcome.is_error else "done"
        result = _Result(outcome.content, outcome.is_error, "error" if outcome.is_error else "ok")
        self._finish(call, result, status, duration=duration, diff=outcome.diff)
        if cancelled is not None:
            raise cancelled

    def _finish(
        self,
        call: ToolCall,
        result: _Result,
        status: ToolStatus,
        *,
        duration: float = 0.0,
        diff: str | None = None,
    ) -> None:
        if self._redact is not None:
            # Before the result enters the conversation: what the transcript holds is sent to the model.
            result = _Result(self._redact(result.content), result.is_error, result.status)
            diff = self._redact(diff) if diff else diff
        self._results[call.id] = result
        self._emit(
            ToolCallFinished(
                call_id=call.id, status=status, result=result.content, duration=duration, diff=diff
            )
        )

    def _store_results(self, calls: list[ToolCall]) -> None:
        """Add results in call order; calls that never finished are closed as cancelled."""
        pending = {c.id for c in self._transcript.pending_tool_calls()}
        for call in calls:
            if call.id not in pending:
                continue
            result = self._results.get(call.id)
            if result is None:
                result = _Result(CANCELLED_RESULT, True, "cancelled")
                self._finish(call, result, "cancelled")
            self._transcript.add_tool_result(
                call.id, result.content, is_error=result.is_error, status=result.status
            )
