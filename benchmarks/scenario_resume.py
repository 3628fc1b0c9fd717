"""Resume: ``flux-tui --resume ID`` on a stored session of many messages, until it is interactive.

The session is written once through the session store's recorder (``session_builder``) and copied into
a fresh data directory for each run. "Interactive" is the later of: the last answer's final words on
screen (the view opens at the bottom of the conversation) and a key typed at the first frame echoed in
the prompt. Times are from the process start.
"""

from __future__ import annotations

import shutil

from benchmarks.harness import BenchContext, unique_marker
from benchmarks.session_builder import DB_NAME, build_session
from benchmarks.stats import Figure

FULL = {"runs": 5, "messages": 5000, "answer_tokens": 200, "chunk": 2}
QUICK = {"runs": 2, "messages": 20, "answer_tokens": 60, "chunk": 2}


def run(context: BenchContext, *, runs: int, messages: int, answer_tokens: int, chunk: int) -> list[Figure]:
    template = context.root / "resume-template"
    template.mkdir()
    built = build_session(
        template,
        messages=messages,
        answer_tokens_each=answer_tokens,
        chunk=chunk,
        last_marker=unique_marker("resume"),
        provider=context.provider,
        model=context.model,
    )
    label = f"resume {built.messages:,}-message session"  # counted back from the store
    interactive = Figure("resume.interactive_s", f"{label}: start -> interactive", "s")
    shown = Figure("resume.last_message_s", f"{label}: start -> last message on screen", "s")
    frame = Figure("resume.first_frame_s", f"{label}: start -> first frame", "s")
    interactive.note = (
        f"{built.messages:,} messages stored ({built.events:,} events), answers of {answer_tokens} tokens"
        f" in {chunk}-token deltas"
    )
    for _attempt in range(runs):
        dirs = context.fresh_dirs()
        shutil.copy(built.db_path, dirs["data"] / DB_NAME)
        with context.app(["--resume", built.session_id], dirs=dirs) as app:
            (last_shown,) = app.start(probe=True, also=[built.last_marker], timeout=120)
        assert app.ready_at is not None
        frame.values.append(app.first_frame_at - app.started_at)
        shown.values.append(last_shown - app.started_at)
        interactive.values.append(max(last_shown, app.ready_at) - app.started_at)
    return [interactive, shown, frame]
