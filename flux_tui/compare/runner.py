"""Re-running a session's prompts on one target (provider and model), in a scratch workspace.

Each target gets its own conversation (a new transcript), its own copy of the workspace (the user's
files are never touched: writes and edits land in the copy, which is deleted afterwards) and the
recording's system prompt (the configured one, the instruction files and the environment, read in the
copy) and tool set (the MCP servers' tools included, so the requests carry the same definitions and
the models the same choices). Commands and MCP tools, which can reach outside the copy, are offered
and denied at the call unless ``allow_commands``; whatever else asks (a secret file) is denied too:
nobody is there to approve. Retries as in a normal turn; no fallback (the figures must be the
target's own) and no budget gate (the user asked for the run).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from flux_tui.compare.figures import RunFigures, run_figures
from flux_tui.compare.plan import Step
from flux_tui.core.agent import Agent
from flux_tui.core.agent_events import AgentEvent
from flux_tui.core.failover import ReliableStep
from flux_tui.core.hints import HEADLESS_HINTS
from flux_tui.core.logging_setup import config_secrets
from flux_tui.core.protocols import ApprovalDecision, ApprovalRequest
from flux_tui.core.retry import RetryPolicy
from flux_tui.core.secret_values import tool_result_redactor
from flux_tui.core.transcript import Transcript
from flux_tui.headless import project_context
from flux_tui.mcp.specs import TOOL_PREFIX
from flux_tui.services.providers import ProviderService
from flux_tui.tools import ToolBox

#: Not copied into the scratch workspace: version control and environments are large and no tool
#: needs them to answer the same prompts.
SKIPPED = (".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".mypy_cache")
#: What the model reads when it calls a tool that reaches outside the copy and was not allowed.
DENIED = "{what} are not run in a comparison (flux-tui compare --allow-commands runs them)"


def parse_target(text: str) -> tuple[str, str | None]:
    """ "openai:gpt-4o" -> ("openai", "gpt-4o"); "openai" -> ("openai", None) (its default model)."""
    name, _, model = text.strip().partition(":")
    if not name:
        raise ValueError(f"not a PROVIDER[:MODEL] target: {text!r}")
    return name, model or None


def scratch_copy(workspace: Path, into: Path) -> Path:
    """A copy of ``workspace`` under ``into`` (symlinks kept as links, big tool directories left out)."""
    target = into / (workspace.name or "workspace")
    shutil.copytree(workspace, target, symlinks=True, ignore=shutil.ignore_patterns(*SKIPPED))
    return target


async def rerun(
    config: Any,
    steps: Sequence[Step],
    target: tuple[str, str | None],
    *,
    allow_commands: bool = False,
    on_event: Callable[[AgentEvent], None] | None = None,
    on_turn: Callable[[int], None] | None = None,
    notify: Callable[[str], None] | None = None,
) -> RunFigures:
    """Send the prompts of ``steps`` in order to ``target`` (clearing the conversation first where a
    step says so, ``compare.plan``); the figures of each turn (a failed turn keeps its error and the
    next prompt is still sent). ``on_event`` sees every agent event as it comes (live views);
    ``on_turn(i)`` is called before step ``i`` (0-based) is sent; ``notify`` hears of MCP servers that
    do not start."""
    events: list[AgentEvent] = []

    def sink(event: AgentEvent) -> None:
        events.append(event)
        if on_event is not None:
            on_event(event)

    workspace = Path(getattr(config, "workspace", None) or Path.cwd())
    tools_cfg = getattr(config, "tools", None)
    policy = dict(getattr(tools_cfg, "policy", None) or {})
    policy.update({name: "allow" for name in ("write_file", "edit_file")})  # they touch the copy only
    outside(policy, "run_command", allow_commands)
    with tempfile.TemporaryDirectory(prefix="flux-compare-") as scratch:
        root = scratch_copy(workspace, Path(scratch))
        tools = ToolBox(
            root,
            policy=policy,
            command_timeout=float(getattr(tools_cfg, "command_timeout", 120.0) or 120.0),
            secret_files=getattr(tools_cfg, "secret_files", None),
            secret_values=config_secrets(config),
        )
        provider = ProviderService(config, Transcript()).build_now(*target)
        agent = Agent(
            provider,
            tools=tools,
            approver=nobody_approves,
            system_prompt=project_context(config, root),
            max_steps=int(getattr(tools_cfg, "max_steps", 25) or 25),
            sinks=[sink],
            redactor=tool_result_redactor(config),  # the configured keys too, as in every other run
            stream_step=ReliableStep(
                policy=RetryPolicy(max_retries=int(getattr(config, "max_retries", 2))),
                secrets=config_secrets(config),
                hints=HEADLESS_HINTS,
            ),
        )
        mcp = _mcp_manager(config, agent, workspace, notify)
        try:
            if mcp is not None:
                await _start_mcp(mcp, agent.tools, allow_commands)
            for index, step in enumerate(steps):
                if on_turn is not None:
                    on_turn(index)
                if step.clear_first:
                    agent.clear_history()
                await agent.run_turn(step.prompt)
        finally:
            try:
                await provider.aclose()
            finally:
                if mcp is not None:  # also when the run is cancelled while the servers start
                    await mcp.stop()
    return run_figures(events, provider.name, provider.model)


def _mcp_manager(config: Any, agent: Agent, workspace: Path, notify: Callable[[str], None] | None) -> Any:
    """The recording's MCP servers for the copy (the trust of ``workspace`` decides on its
    ``.mcp.json``), not started yet; None when none is configured."""
    from flux_tui.mcp.manager import McpManager
    from flux_tui.mcp.specs import workspace_trusted

    say = notify or (lambda text: None)
    trusted = workspace_trusted(config, workspace)
    manager = McpManager(config, agent.tools, lambda text, level: say(text), agent.redactor, trusted=trusted)
    return manager if manager.configured else None


async def _start_mcp(manager: Any, tools: Any, allow: bool) -> None:
    """Start the servers; their tools are denied unless ``allow`` (then run without asking, unless
    configured ``deny``)."""
    await manager.start()
    for name in (name for names in manager.tool_names.values() for name in names):
        outside(tools.policy, name, allow)


def outside(policy: dict[str, str], name: str, allow: bool) -> None:
    """The policy of a tool that reaches outside the copy (commands, MCP tools): allowed when ``allow``,
    else asking, so it is offered as in the recording and ``nobody_approves`` denies it; one the user
    denies stays denied (and is not offered, as it was not in the recording)."""
    if policy.get(name) != "deny":
        policy[name] = "allow" if allow else "ask"


async def nobody_approves(request: ApprovalRequest) -> ApprovalDecision:
    """A comparison runs unattended: what asks is denied, and the model reads why."""
    if request.tool_name == "run_command":
        reason = DENIED.format(what="commands")
    elif request.tool_name.startswith(TOOL_PREFIX):
        reason = DENIED.format(what="MCP tools")
    else:
        reason = f"{request.reason or 'this call needs approval'}, and nobody approves calls in a comparison"
    return ApprovalDecision("denied", reason, by_user=False)
