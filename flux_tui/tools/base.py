"""What every tool is: a name, an Anthropic-format schema, a cheap ``prepare`` and an async ``run``.

``prepare`` validates the arguments and computes the preview the user approves (it must not change
anything); ``run`` does the work and may be called later, after a human said yes, so it re-checks what
could have changed in between (the jail, a file edited meanwhile).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

from flux_tui.core.protocols import ToolOutcome
from flux_tui.tools.jail import ToolError, Workspace
from flux_tui.tools.secret_files import SecretFiles
from flux_tui.tools.stamps import ReadStamps


@dataclass(slots=True)
class ToolContext:
    """Shared by the tools of one ToolBox (one session)."""

    workspace: Workspace
    stamps: ReadStamps
    command_timeout: float = 120.0
    secret_files: SecretFiles = field(default_factory=SecretFiles)
    # Configured key values: removed from run_command's environment whatever the variable is called.
    secret_values: frozenset[str] = frozenset()
    #: Seconds a search or a listing may take before it stops and says so.
    search_timeout: float = 10.0


class Tool(ABC):
    name: ClassVar[str]
    description: ClassVar[str]
    input_schema: ClassVar[dict[str, Any]]
    read_only: ClassVar[bool] = False
    #: A cancel waits for the run to complete instead of interrupting it (quick, all-or-nothing changes).
    finish_on_cancel: ClassVar[bool] = False

    def __init__(self, ctx: ToolContext) -> None:
        self.ctx = ctx

    def schema(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description, "input_schema": self.input_schema}

    def prepare(self, args: dict[str, Any]) -> tuple[str | None, Any]:
        """Validate; return (preview for the approval dialog, data handed to ``run``)."""
        return None, None

    @abstractmethod
    async def run(self, args: dict[str, Any], data: Any) -> ToolOutcome: ...


# -- argument checks (schemas are advisory to a model, so every value is checked) -------------------


def req_str(args: dict[str, Any], key: str, *, allow_empty: bool = True) -> str:
    if key not in args or args[key] is None:
        raise ToolError(f"missing required argument {key!r}")
    value = args[key]
    if not isinstance(value, str):
        raise ToolError(f"argument {key!r} must be a string, got {type(value).__name__}")
    if not allow_empty and not value:
        raise ToolError(f"argument {key!r} must not be empty")
    return value


def opt_str(args: dict[str, Any], key: str) -> str | None:
    value = args.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ToolError(f"argument {key!r} must be a string, got {type(value).__name__}")
    return value


def opt_int(args: dict[str, Any], key: str, default: int, *, minimum: int = 0) -> int:
    value = args.get(key)
    if value is None:
        return default
    if isinstance(value, bool):
        raise ToolError(f"argument {key!r} must be an integer")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value)
    if not isinstance(value, int):
        raise ToolError(f"argument {key!r} must be an integer, got {value!r}")
    if value < minimum:
        raise ToolError(f"argument {key!r} must be at least {minimum}, got {value}")
    return value


def opt_number(args: dict[str, Any], key: str) -> float | None:
    value = args.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise ToolError(f"argument {key!r} must be a number, got {value!r}") from None
    if value <= 0:
        raise ToolError(f"argument {key!r} must be positive, got {value}")
    return float(value)


def opt_bool(args: dict[str, Any], key: str, default: bool = False) -> bool:
    value = args.get(key)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise ToolError(f"argument {key!r} must be true or false, got {value!r}")
