"""ToolBox: the tools of one session, their approval policy, and the ``ToolRunner`` the agent drives.

Policy per tool is ``allow`` (run without asking), ``ask`` (someone approves each call) or ``deny``.
Reading and listing are allowed by default; writing, editing and running commands ask. ``yolo`` turns
every ``ask`` into ``allow`` (an explicit ``deny`` in flux.toml still holds: the user wrote it on purpose).
"approve for this session" turns a tool's ``ask`` into ``allow`` until the ToolBox is gone.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from flux_tui.core.errors import ConfigError
from flux_tui.core.protocols import PreparedCall, PrepDecision, ToolOutcome
from flux_tui.core.transcript import ToolCall
from flux_tui.tools.base import Tool, ToolContext
from flux_tui.tools.command import RunCommand
from flux_tui.tools.file_tools import EditFile, ReadFile, WriteFile
from flux_tui.tools.jail import ToolError, Workspace
from flux_tui.tools.search import ListFiles, SearchFiles
from flux_tui.tools.stamps import ReadStamps

Policy = Literal["allow", "ask", "deny"]
POLICIES: tuple[Policy, ...] = ("allow", "ask", "deny")

TOOL_CLASSES: tuple[type[Tool], ...] = (ReadFile, ListFiles, SearchFiles, WriteFile, EditFile, RunCommand)

DEFAULT_POLICY: dict[str, Policy] = {
    "read_file": "allow",
    "list_files": "allow",
    "search_files": "allow",
    "write_file": "ask",
    "edit_file": "ask",
    "run_command": "ask",
}


class ToolBox:
    """Implements ``flux_tui.core.protocols.ToolRunner``."""

    def __init__(
        self,
        workspace: Path,
        policy: dict[str, str] | None = None,
        yolo: bool = False,
        command_timeout: float = 120,
        protected: Iterable[Path] = (),
    ) -> None:
        """``protected``: directories the file tools never write into (flux-tui's data, its logs)."""
        try:
            self.workspace = Workspace(workspace, protected)
        except ValueError as exc:
            raise ConfigError(str(exc)) from exc
        self.ctx = ToolContext(self.workspace, ReadStamps(), float(command_timeout))
        self.tools: dict[str, Tool] = {cls.name: cls(self.ctx) for cls in TOOL_CLASSES}
        self.policy: dict[str, Policy] = dict(DEFAULT_POLICY)
        for name, value in (policy or {}).items():
            if value not in POLICIES:
                raise ConfigError(
                    f"tool policy for {name!r} must be one of {', '.join(POLICIES)}, got {value!r}"
                )
            self.policy[name] = value  # type: ignore[assignment]
        self.yolo = yolo
        self.session_allowed: set[str] = set()

    @property
    def root(self) -> Path:
        return self.workspace.root

    # -- ToolRunner -----------------------------------------------------------------------------

    def schemas(self) -> list[dict[str, Any]]:
        """Schemas of the tools the model may use (denied tools are not offered at all)."""
        return [tool.schema() for name, tool in self.tools.items() if self.policy_for(name) != "deny"]

    def policy_for(self, name: str) -> Policy:
        return self.policy.get(name, "ask")

    def decision_for(self, name: str) -> PrepDecision:
        policy = self.policy_for(name)
        if policy == "deny":
            return "policy_deny"
        if policy == "allow" or name in self.session_allowed:
            return "auto"
        return "yolo" if self.yolo else "ask"

    def prepare(self, call: ToolCall) -> PreparedCall:
        tool = self.tools.get(call.name)
        if tool is None:
            known = ", ".join(self.tools)
            return PreparedCall(call, error=f"unknown tool {call.name!r}; available tools: {known}")
        decision = self.decision_for(call.name)
        if decision == "policy_deny":
            return PreparedCall(call, decision=decision, read_only=tool.read_only)
        if not isinstance(call.input, dict):
            return PreparedCall(call, error=f"arguments of {call.name} must be a JSON object")
        try:
            preview, data = tool.prepare(call.input)
        except ToolError as exc:
            return PreparedCall(call, decision=decision, error=str(exc), read_only=tool.read_only)
        return PreparedCall(
            call,
            decision=decision,
            preview=preview,
            read_only=tool.read_only,
            finish_on_cancel=tool.finish_on_cancel,
            data=data,
        )

    async def run(self, prepared: PreparedCall) -> ToolOutcome:
        if prepared.error is not None:
            return ToolOutcome(prepared.error, is_error=True)
        call = prepared.call
        tool = self.tools.get(call.name)
        if tool is None:
            return ToolOutcome(f"unknown tool {call.name!r}", is_error=True)
        try:
            return await tool.run(call.input, prepared.data)
        except ToolError as exc:
            return ToolOutcome(str(exc), is_error=True)
        except OSError as exc:
            return ToolOutcome(f"{call.name} failed: {exc.strerror or exc}", is_error=True)

    def allow_for_session(self, tool_name: str) -> None:
        self.session_allowed.add(tool_name)

    # -- conveniences ---------------------------------------------------------------------------

    @classmethod
    def from_config(cls, config: Any, *, yolo: bool | None = None) -> ToolBox:
        """Build from ``core.config.Config`` (workspace, [tools] policy and command_timeout, yolo)."""
        workspace = getattr(config, "workspace", None) or Path.cwd()
        tools_cfg = getattr(config, "tools", None)
        policy = dict(getattr(tools_cfg, "policy", None) or {})
        timeout = float(getattr(tools_cfg, "command_timeout", 120.0) or 120.0)
        on = bool(getattr(config, "yolo", False)) if yolo is None else yolo
        return cls(
            Path(workspace),
            policy=policy,
            yolo=on,
            command_timeout=timeout,
            protected=protected_dirs(config),
        )


def protected_dirs(config: Any) -> list[Path]:
    """Where flux-tui keeps its files (``Config.data_path``, ``Config.log_dir``): never written by tools."""
    dirs = [getattr(config, attr, None) for attr in ("data_path", "log_dir")]
    return [Path(d) for d in dirs if d is not None]
