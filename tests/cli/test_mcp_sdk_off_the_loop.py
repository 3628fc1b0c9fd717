"""The MCP SDK (a third of a second of imports) is imported off the event loop: the app starts its
servers just after its first frame, and a loop busy importing would take no key and draw nothing."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from mcp_notes import notes_server


def test_the_servers_start_with_the_sdk_imported_off_the_event_loop(tmp_path: Path) -> None:
    (tmp_path / ".mcp.json").write_text(json.dumps({"mcpServers": {"notes": notes_server()}}))
    code = textwrap.dedent(
        f"""
        import asyncio, json, sys, threading
        from pathlib import Path

        importers = []

        class Spy:
            # Records which thread first asks for the SDK; finds nothing itself.
            def find_spec(self, name, path=None, target=None):
                if name == "mcp" and not importers:
                    importers.append(threading.current_thread() is threading.main_thread())
                return None

        sys.meta_path.insert(0, Spy())
        from flux_tui.mcp.manager import McpManager
        from flux_tui.tools import ToolBox

        async def main():
            manager = McpManager(None, ToolBox(Path({str(tmp_path)!r})), trusted=True)
            try:
                await manager.start()
                return [conn.state for conn in manager.connections]
            finally:
                await manager.stop()

        states = asyncio.run(main())  # the loop runs on the main thread
        print(json.dumps({{"states": states, "on_the_loop": importers}}))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"states": ["ready"], "on_the_loop": [False]}
