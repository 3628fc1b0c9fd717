"""Stand-in for the ``flux-tui`` console script while the CLI cannot start the UI yet.

``python -m benchmarks.app_main [--resume ID]`` does what ``flux-tui [--resume ID]`` is to do: load the
config, open the session store, build ``FluxApp`` with a ``SessionRecorder`` among its event sinks (every
turn is saved, as in the real app), and for ``--resume`` show the stored session with
``FluxApp.resume``. The benchmarks switch to the real console script as soon as ``flux_tui.ui.launch``
exists (``harness.flux_entry``).
"""

from __future__ import annotations

import argparse


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks.app_main")
    parser.add_argument("--resume", metavar="ID")
    args = parser.parse_args(argv)

    from flux_tui.core.config import load_config
    from flux_tui.sessions import SessionRecorder, SessionStore
    from flux_tui.ui.app import FluxApp

    config, problems = load_config()
    store = SessionStore(config.data_path / "sessions.db")
    recorder = SessionRecorder(store, args.resume)
    resume_id = args.resume

    class BenchedApp(FluxApp):
        def on_mount(self) -> None:  # runs before FluxApp.on_mount (Textual calls both)
            if resume_id:
                loaded = store.load(resume_id)
                self.resume(loaded.events, loaded.transcript)

    try:
        BenchedApp(config, problems=problems, sinks=[recorder]).run()
    finally:
        recorder.close()
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
