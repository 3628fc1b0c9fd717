"""What the app's way to its first frame does not import: the session package's export, import, demo
and replay modules, the replay controller, the budget dialog and ``html`` (read only for a prompt's
attachments) are imported when first used."""

from __future__ import annotations

import subprocess
import sys

NOT_BEFORE_THE_FIRST_FRAME = (
    "flux_tui.sessions.demo",
    "flux_tui.sessions.jsonl",
    "flux_tui.sessions.markdown",
    "flux_tui.sessions.replay",
    "flux_tui.ui.replay_controller",
    "flux_tui.ui.screens.budget_confirm",
    "html",
)


def test_the_launch_path_leaves_them_out() -> None:
    code = "import sys, flux_tui.cli, flux_tui.ui.launch; print('\\n'.join(sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    loaded = set(result.stdout.split())
    assert "flux_tui.ui.app" in loaded and "flux_tui.sessions.store" in loaded
    assert [name for name in NOT_BEFORE_THE_FIRST_FRAME if name in loaded] == []


def test_the_session_package_still_gives_every_name() -> None:
    import flux_tui.sessions as sessions

    for name in sessions.__all__:
        assert getattr(sessions, name) is not None
    from flux_tui.sessions import ReplayPlayer, load_demo

    assert callable(load_demo) and ReplayPlayer.__name__ == "ReplayPlayer"
