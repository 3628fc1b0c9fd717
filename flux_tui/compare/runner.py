"""Re-running a session's prompts on one target (provider and model), in a scratch workspace.

Each target gets its own conversation (a new transcript), its own copy of the workspace (the user's
files are never touched: writes and edits land in the copy, which is deleted afterwards) and the
recording's system prompt and tool set. Commands are denied unless ``allow_commands``; a secret file
that would ask before being read is refused (nobody is there to approve). Retries as in a normal turn;
no fallback (the figures must be the target's own) and no budget gate (the user asked for the run).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from flux_tui.compare.figures import RunFigures, run_figures
from flux_tui.core.agent import Agent
from flux_tui.core.agent_events import AgentEvent
from flux_tui.core.failover import ReliableStep
from flux_tui.core.hints import HEADLESS_HINTS
from flux_tui.core.logging_setup import config_secrets
from flux_tui.core.retry import RetryPolicy
from flux_tui.core.transcript import Transcript
from flux_tui.headless import deny_approval
from flux_tui.services.providers import ProviderService
from flux_tui.tools import ToolBox

#: Not copied into the scratch workspace: version control and environments are large and no tool
#: needs them to answer the same prompts.
SKIPPED = (".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".mypy_cache")


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
    prompts: Sequence[str],
    target: tuple[str, str | None],
    *,
    allow_commands: bool = False,
    on_event: Callable[[AgentEvent], None] | None = None,
    on_turn: Callable[[int], None] | None = None,
) -> RunFigures:
    """Send ``prompts`` in order to ``target``; the figures of each turn (a failed turn keeps its error
    and the next prompt is still sent). ``on_event`` sees every agent event as it comes (live views);
    ``on_turn(i)`` is called before prompt ``i`` (0-based) is sent."""
    events: list[AgentEvent] = []

    def sink(event: AgentEvent) -> None:
        events.append(event)
        if on_event is not None:
            on_event(event)

    workspace = Path(getattr(config, "workspace", None) or Path.cwd())
    tools_cfg = getattr(config, "tools", None)
    policy = dict(getattr(tools_cfg, "policy", None) or {})
    policy.update({name: "allow" for name in ("write_file", "edit_file")})  # they touch the copy only
    policy["run_command"] = "allow" if allow_commands else "deny"
    with tempfile.TemporaryDirectory(prefix="flux-compare-") as scratch:
        tools = ToolBox(
            scratch_copy(workspace, Path(scratch)),
            policy=policy,
            command_timeout=float(getattr(tools_cfg, "command_timeout", 120.0) or 120.0),
            secret_files=getattr(tools_cfg, "secret_files", None),
            secret_values=config_secrets(config),
        )
        if not allow_commands:
            tools.deny_reasons["run_command"] = (
                "commands are not run in a comparison (flux-tui compare --allow-commands runs them)"
            )
        provider = ProviderService(config, Transcript()).build_now(*target)
        agent = Agent(
            provider,
            tools=tools,
            approver=deny_approval,
            system_prompt=getattr(config, "system_prompt", None),
            max_steps=int(getattr(tools_cfg, "max_steps", 25) or 25),
            sinks=[sink],
            stream_step=ReliableStep(
                policy=RetryPolicy(max_retries=int(getattr(config, "max_retries", 2))),
                secrets=config_secrets(config),
                hints=HEADLESS_HINTS,
            ),
        )
        try:
            for index, prompt in enumerate(prompts):
                if on_turn is not None:
                    on_turn(index)
                await agent.run_turn(prompt)
        finally:
            await provider.aclose()
    return run_figures(events, provider.name, provider.model)
