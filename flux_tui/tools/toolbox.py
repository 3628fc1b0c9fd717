"""ToolBox: the tools of one session, their approval policy, and the ``ToolRunner`` the agent drives.

Policy per tool is ``allow`` (run without asking), ``ask`` (someone approves each call) or ``deny``.
Reading and listing are allowed by default; writing, editing and running commands ask. ``yolo`` turns
every ``ask`` into ``allow`` (an explicit ``deny`` in flux.toml still holds: the user wrote it on purpose).
"approve for this session" turns a tool's ``ask`` into ``allow`` until the ToolBox is gone.

Two rules sit on top of the table. ``search_files`` returns file contents, so it is never more allowed
than ``read_file`` (denied when reading is denied, asking when reading asks). And reading a file that
usually holds secrets (``[tools] secret_files``: ``.env``, private keys, credentials) asks even when the
tool is allowed, with the reason shown; "approve for this session" then covers reading that one file
(its path inside the workspace, whichever reader asks), never the other secret files.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from flux_tui.core.errors import ConfigError
from flux_tui.core.logging_setup import config_secrets
from flux_tui.core.protocols import PreparedCall, PrepDecision, ToolOutcome
from flux_tui.core.transcript import ToolCall
from flux_tui.tools.base import Tool, ToolContext
from flux_tui.tools.command import RunCommand
from flux_tui.tools.file_tools import EditFile, ReadFile, WriteFile
from flux_tui.tools.jail import ToolError, Workspace
from flux_tui.tools.search import ListFiles, SearchFiles
from flux_tui.tools.secret_files import SecretFiles
from flux_tui.tools.stamps import ReadStamps

Policy = Literal["allow", "ask", "deny"]
POLICIES: tuple[Policy, ...] = ("allow", "ask", "deny")  # from least to most strict

#: Tools whose ``path`` argument, when it names a secret file, makes the call ask.
SECRET_READERS = frozenset({"read_file", "search_files"})
#: Tools that never get a looser policy than the one named (they return what it would).
POLICY_AT_MOST: dict[str, str] = {"search_files": "read_file"}

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
        secret_files: Iterable[str] | None = None,
        secret_values: Iterable[str | None] = (),
        protected: Iterable[Path] = (),
    ) -> None:
        """``secret_files``: globs of files whose reading asks (default ``DEFAULT_SECRET_FILES``);
        ``secret_values``: configured keys, removed from run_command's environment; ``protected``:
        directories the file tools never write into (flux-tui's data, its logs)."""
        try:
            self.workspace = Workspace(workspace, protected)
        except ValueError as exc:
            raise ConfigError(str(exc)) from exc
        self.ctx = ToolContext(
            self.workspace,
            ReadStamps(),
            float(command_timeout),
            SecretFiles() if secret_files is None else SecretFiles(secret_files),
            frozenset(v for v in secret_values if v),
        )
        self.tools: dict[str, Tool] = {cls.name: cls(self.ctx) for cls in TOOL_CLASSES}
        self.policy: dict[str, Policy] = dict(DEFAULT_POLICY)
        self.deny_reasons: dict[str, str] = {}  # what the model reads when a denied tool is called
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
        policy = self.policy.get(name, "ask")
        bound = POLICY_AT_MOST.get(name)
        if bound is not None:
            policy = max(policy, self.policy.get(bound, "ask"), key=POLICIES.index)
        return policy

    def decision_for(self, name: str, approval_key: str | None = None) -> PrepDecision:
        policy = self.policy_for(name)
        if policy == "deny":
            return "policy_deny"
        if approval_key is not None:  # a secret file: asks even when the tool is allowed
            policy = "ask"
        if policy == "allow" or (approval_key or name) in self.session_allowed:
            return "auto"
        return "yolo" if self.yolo else "ask"

    def _deny_reason(self, name: str) -> str | None:
        if name in self.deny_reasons:
            return self.deny_reasons[name]
        bound = POLICY_AT_MOST.get(name)
        if bound is not None and self.policy.get(name, "ask") != "deny" and self.policy_for(name) == "deny":
            return f"{name} is disabled because {bound} is denied by the tool policy in flux.toml"
        return None

    def secret_reason(self, call: ToolCall) -> str | None:
        """Why reading this call's file asks ("... may hold secrets"), or None."""
        found = self._secret_target(call)
        return found[1] if found else None

    def _secret_target(self, call: ToolCall) -> tuple[str, str] | None:
        """The secret file this call reads (its path in the workspace) and why it asks, or None."""
        if call.name not in SECRET_READERS or not isinstance(call.input, dict):
            return None
        path = call.input.get("path")
        if not isinstance(path, str) or not path:
            return None
        try:
            real = self.workspace.resolve(path)
        except ToolError:
            return None
        if real.is_dir():
            return None  # search_files leaves the directory's secret files out
        # The link's own name and where it leads: a "notes.txt" that is a link to .env is the .env.
        shown = self.workspace.relative(real)
        reason = self.ctx.secret_files.reason(shown) or self.ctx.secret_files.reason(path.lstrip("/"))
        return (shown, reason) if reason else None

    def prepare(self, call: ToolCall) -> PreparedCall:
        tool = self.tools.get(call.name)
        if tool is None:
            known = ", ".join(self.tools)
            return PreparedCall(call, error=f"unknown tool {call.name!r}; available tools: {known}")
        target = self._secret_target(call)
        secret = target[1] if target else None
        # "Approve for this session" covers this one file (the resolved path), not every secret file.
        key = f"secret_file:{target[0]}" if target else None
        scope = f"reading {target[0]} only" if target else None
        decision = self.decision_for(call.name, key)
        if decision == "policy_deny":
            reason = self._deny_reason(call.name)
            return PreparedCall(call, decision=decision, read_only=tool.read_only, reason=reason)
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
            reason=secret,
            approval_key=key,
            session_scope=scope,
        )

    async def run(self, prepared: PreparedCall) -> ToolOutcome:
        if prepared.error is not None:
            return ToolOutcome(prepared.error, is_error=True)
        call = prepared.call
        tool = self.tools.get(call.name)
        if tool is None:
            return ToolOutcome(f"unknown tool {call.name!r}", is_error=True)
        target = self._secret_target(call)
        if target and prepared.approval_key != f"secret_file:{target[0]}":
            # Between the decision and now the path came to lead to another secret file (a swapped link).
            return ToolOutcome(f"{target[1]}; ask again to read it", is_error=True)
        try:
            outcome = await tool.run(call.input, prepared.data)
        except ToolError as exc:
            return ToolOutcome(str(exc), is_error=True)
        except OSError as exc:
            return ToolOutcome(f"{call.name} failed: {exc.strerror or exc}", is_error=True)
        if outcome.touched_path and self._is_secret_file(outcome.touched_path):
            # The file context is re-read from disk for every request, without asking again.
            outcome.touched_path = None
        return outcome

    def _is_secret_file(self, path: str) -> bool:
        real = Path(path)
        if not self.workspace.contains(real):
            return False
        return self.ctx.secret_files.match(self.workspace.relative(real)) is not None

    def history_replaced(self) -> None:
        self.ctx.stamps.clear()

    def allow_for_session(self, tool_name: str) -> None:
        self.session_allowed.add(tool_name)

    # -- conveniences ---------------------------------------------------------------------------

    @classmethod
    def from_config(
        cls, config: Any, *, yolo: bool | None = None, workspace: Path | None = None
    ) -> ToolBox:
        """Build from ``core.config.Config`` (workspace unless given, [tools] settings, yolo, the keys
        to keep from commands, the directories tools never write into)."""
        workspace = workspace or getattr(config, "workspace", None) or Path.cwd()
        tools_cfg = getattr(config, "tools", None)
        policy = dict(getattr(tools_cfg, "policy", None) or {})
        timeout = float(getattr(tools_cfg, "command_timeout", 120.0) or 120.0)
        on = bool(getattr(config, "yolo", False)) if yolo is None else yolo
        return cls(
            Path(workspace),
            policy=policy,
            yolo=on,
            command_timeout=timeout,
            secret_files=getattr(tools_cfg, "secret_files", None),
            secret_values=config_secrets(config),
            protected=protected_dirs(config),
        )


def protected_dirs(config: Any) -> list[Path]:
    """Where flux-tui keeps its files (``Config.data_path``, ``Config.log_dir``): never written by tools."""
    dirs = [getattr(config, attr, None) for attr in ("data_path", "log_dir")]
    return [Path(d) for d in dirs if d is not None]
