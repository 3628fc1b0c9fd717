"""Stand-in for the ``flux-tui`` console script while the CLI cannot start the UI yet.

``python -m benchmarks.app_main [--resume ID]`` does what ``flux-tui [--resume ID]`` is to do: load the
config, build ``FluxApp``, and for ``--resume`` load the stored session and show it through
``FluxApp.load_events`` (the path live events take) with the transcript restored. The benchmarks use
the real console script as soon as ``flux_tui.ui.launch`` exists (``harness.flux_entry``).
"""

from __future__ import annotations

import argparse


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks.app_main")
    parser.add_argument("--resume", metavar="ID")
    args = parser.parse_args(argv)

    from flux_tui.core.config import load_config
    from flux_tui.ui.app import FluxApp

    config, problems = load_config()
    if not args.resume:
        FluxApp(config, problems=problems).run()
        return 0

    from flux_tui.sessions import SessionStore

    session_id = args.resume

    class ResumedApp(FluxApp):
        def on_mount(self) -> None:  # runs before FluxApp.on_mount (Textual calls both)
            loaded = SessionStore(config.data_path / "sessions.db").load(session_id)
            self.transcript.messages[:] = loaded.transcript.messages
            self.load_events(loaded.events)

    ResumedApp(config, problems=problems).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
