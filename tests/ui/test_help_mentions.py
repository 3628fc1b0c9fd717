"""``/help`` tells about ``@path``, ``!command``, ``/init`` and ``/mcp``."""

from __future__ import annotations

from flux_tui.ui.commands import help_markdown


def test_help_names_mentions_shell_init_and_mcp() -> None:
    text = help_markdown([])
    assert "`@path` attaches" in text and "`!command` runs" in text
    assert "`/init`" in text and "`/mcp`" in text
