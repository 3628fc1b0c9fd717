"""``[mcp_servers.NAME]`` in flux.toml: an MCP server whose tools the model may use.

Either ``command`` (with ``args`` and ``env``: a local server over stdio) or ``url`` (streamable HTTP).
``policy`` is the approval policy of the server's tools (default ``ask``: a server's tools may do
anything); ``tools`` sets it per tool by the server's own tool name.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from flux_tui.core._config_models import PolicyValue, empty_list

MAX_MCP_TIMEOUT = 3600.0


class McpServerSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    command: str | None = None
    args: list[str] = Field(default_factory=empty_list)
    env: dict[str, str] = Field(default_factory=dict)
    url: str | None = None
    enabled: bool = True
    policy: PolicyValue = "ask"
    tools: dict[str, PolicyValue] = Field(default_factory=dict)
    startup_timeout: float = Field(default=30.0, gt=0, le=MAX_MCP_TIMEOUT)
    call_timeout: float = Field(default=120.0, gt=0, le=MAX_MCP_TIMEOUT)

    @model_validator(mode="after")
    def _one_transport(self) -> McpServerSettings:
        if self.command is None and self.url is None:
            raise ValueError("set command (a local server) or url (streamable HTTP)")
        if self.command is not None and self.url is not None:
            raise ValueError("set either command (a local server) or url (streamable HTTP), not both")
        return self
