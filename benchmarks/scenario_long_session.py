"""Long session: many exchanges in one app process, each answer sent as fast as possible, with a tool
call every ``tool_every``-th exchange.

An exchange is Enter -> the final answer's last token on screen; the app is left to settle between
exchanges. In an exchange with a tool call the server first answers with a sentence and a call of
``read_file`` on a small file of the app's workspace (a tool the default policy allows, so no approval
is asked), the app runs it and sends its result back, and the answer follows that second request: the
exchange's time includes the tool's round trip. Which exchanges call the tool is counted in each app
(its 10th, 20th, ...), so the long session's last twenty and two fresh apps' first ten each hold the
same share of them. The server logs the tool results each request carried, and every run checks that
each answer after a tool call was asked for with that call's result, holding the file's text.

"last / first" compares the median of the session's last exchanges with the median of the first ten
exchanges of fresh sessions. The first ten are taken from fresh apps started beside the long one when it
reaches its last exchanges, all of them taking turns: this machine's speed drifts by up to a half over
tens of seconds (``drift`` below measures it), and the start and the end of a 300-exchange session are
minutes apart, so a ratio of the two was as much the machine's as the app's. Paired, both ends meet the
same machine.

Two fresh apps, ten exchanges each, against the long session's last twenty: single exchanges vary by
a fifth from one to the next (the frame they land on, the machine), and with ten on each side two
identical fresh apps taking turns came out up to 15 % apart (standard deviation 0.056 over 8 runs):
as much as the target's margin. Twenty on each side halve the variance, and the two fresh apps' own
ratio (``fresh_a_over_b``: the same work in two processes) is reported beside the figure, as the
measurement's noise in that run. The long session's own first exchanges are still measured and
reported ("sequential"). Peak memory is the long session's resident-set high-water mark (``VmHWM``)
after its last exchange.

Where the long session's extra time goes is split in three by the server's log, on the clock both
processes share (``time.monotonic`` is system-wide on Linux), for the same exchanges as the figure but
those with a tool call (two requests each): the request (Enter -> the server has read and parsed the
request and starts to answer: the app's work on the prompt and the request, the body's transfer, the
server's parse), the stream (the server's first -> last byte) and the drawing (the last byte -> the
marker on screen). Each is reported as the long session's median minus the fresh apps'.
"""

from __future__ import annotations

import contextlib
import secrets
import statistics
from dataclasses import dataclass, field
from typing import Any

from benchmarks.harness import BenchContext, Exchange, RunningApp, cpu_probe, unique_marker
from benchmarks.stats import Figure

FULL = {"runs": 7, "exchanges": 300, "tokens": 500, "tool_every": 10}
QUICK = {"runs": 2, "exchanges": 4, "tokens": 40, "tool_every": 3}
FRESH_APPS = 2
MIN_EXCHANGES = 2 * FRESH_APPS  # the long session's exchanges paired with one of each fresh app's
TOOL = "read_file"  # allowed by the app's default tool policy: no approval dialog
WORKSPACE_FILE = "notes.md"
FILE_WORD = "ZZWORKSPACEFILEEND"  # in the file, so its text is recognised in the tool result sent back
FILE_TEXT = (
    "".join(
        f"- note {n}: the renderer keeps one paragraph open while the rest of the answer is final\n"
        for n in range(1, 25)
    )
    + f"\nlast line: {FILE_WORD}\n"
)


@dataclass
class Session:
    """One app of the scenario and its exchanges so far."""

    app: RunningApp
    name: str
    times: list[float] = field(default_factory=list)
    exchanges: list[tuple[str, Exchange]] = field(default_factory=list)  # (marker, its exchange)
    tool_calls: list[tuple[int, str, str]] = field(default_factory=list)  # (exchange, call id, marker)

    def start(self) -> None:
        (self.app.dirs["work"] / WORKSPACE_FILE).write_text(FILE_TEXT)
        self.app.start()

    @property
    def tool_times(self) -> list[float]:
        return [self.times[n] for n, _call, _marker in self.tool_calls]


def exchange(
    context: BenchContext, session: Session, tokens: int, tool_every: int, probes: list[float]
) -> None:
    number = len(session.times)
    probes.append(cpu_probe())
    marker = unique_marker("ls")
    prompt = f"{session.name} question {number}: go on"
    if tool_every and (number + 1) % tool_every == 0:
        call_id = f"toolu_bench{secrets.token_hex(6)}"
        context.server.plan_tool_call(call_id, TOOL, {"path": WORKSPACE_FILE})
        session.tool_calls.append((number, call_id, marker))
        prompt = f"{session.name} question {number}: read {WORKSPACE_FILE}, then go on"
    context.server.plan(tokens, marker)
    done = session.app.ask(prompt, marker)
    session.times.append(done.seconds)
    session.exchanges.append((marker, done))
    session.app.settle()


def check_tool_round_trips(context: BenchContext, sessions: list[Session]) -> None:
    """Every answer planned after a tool call was requested with that call's result (the file's text)."""
    results = {entry["marker"]: entry.get("tool_results", {}) for entry in context.server.log()}
    for session in sessions:
        for number, call_id, marker in session.tool_calls:
            if call_id not in results:
                raise RuntimeError(f"{session.name} exchange {number}: the tool call was never requested")
            sent = results.get(marker, {}).get(call_id)
            if sent is None or FILE_WORD not in sent:
                raise RuntimeError(
                    f"{session.name} exchange {number}: the answer was not asked for with the result of "
                    f"{TOOL} {WORKSPACE_FILE} (sent: {sent!r:.300})"
                )


PHASES = {
    "request": ("Enter -> the server has parsed the request", "enter", "start"),
    "stream": ("the server's first -> last byte", "start", "last_byte"),
    "draw": ("the last byte -> on screen", "last_byte", "on_screen"),
}


def phase_medians(
    exchanges: list[tuple[str, Exchange]], log: dict[str, dict[str, Any]], tool_markers: set[str]
) -> dict[str, float]:
    """The median of each of ``PHASES`` (seconds) over ``exchanges`` without a tool call."""
    spans: dict[str, list[float]] = {name: [] for name in PHASES}
    for marker, done in exchanges:
        record = log.get(marker)
        if marker in tool_markers or record is None or "last_byte" not in record:
            continue
        times = {**record, "enter": done.enter, "on_screen": done.on_screen}
        for name, (_label, start, end) in PHASES.items():
            spans[name].append(times[end] - times[start])
    return {name: statistics.median(values) for name, values in spans.items() if values}


def run(context: BenchContext, *, runs: int, exchanges: int, tokens: int, tool_every: int) -> list[Figure]:
    if exchanges < MIN_EXCHANGES:
        raise ValueError(f"a long session has at least {MIN_EXCHANGES} exchanges, not {exchanges}")
    calls = f", a tool call every {tool_every}" if tool_every else ""
    label = f"long session {exchanges} x {tokens} tokens{calls}"
    window = min(10, exchanges // MIN_EXCHANGES)  # each fresh app's first exchanges
    late = FRESH_APPS * window  # the long session's last exchanges, taken in turn with the fresh apps'
    ratio = Figure("long.last_over_first", f"{label}: last / first exchange", "x")
    ratio.note = (
        f"median of the last {late} exchanges / of the first {window} of {FRESH_APPS} fresh sessions, paired"
    )
    control = Figure("long.fresh_a_over_b", f"{label}: fresh / fresh (noise)", "x")
    control.note = f"the first and last fresh sessions' medians of {window}: the same work, two processes"
    sequential = Figure("long.last_over_first_sequential", f"{label}: last / first, same session", "x")
    sequential.note = "the long session's own first exchanges, minutes earlier (machine drift included)"
    first = Figure("long.first_s", f"{label}: first exchanges (fresh sessions)", "s")
    last = Figure("long.last_s", f"{label}: last exchanges", "s")
    with_tool = Figure("long.tool_exchange_s", f"{label}: exchanges with a {TOOL} call", "s")
    with_tool.note = (
        "the long session's exchanges with a tool round trip: Enter -> the final answer on screen"
    )
    peak = Figure("long.peak_mb", f"{label}: peak memory (VmHWM)", "MB")
    growth = {
        name: Figure(f"long.{name}_growth_ms", f"{label}: {text}, last - first", "ms")
        for name, (text, _start, _end) in PHASES.items()
    }
    for figure in growth.values():
        figure.note = "the long session's median minus the fresh sessions', exchanges without a tool call"
    drift = Figure("long.machine_drift", f"{label}: machine speed drift (CPU probe)", "x")
    drift.note = "slowest / fastest median of 10 consecutive probes of a fixed CPU task"
    for attempt in range(runs):
        probes: list[float] = []
        with context.app() as app:
            long = Session(app, f"session {attempt}")
            long.start()
            app.settle()
            for _ in range(exchanges - late):
                exchange(context, long, tokens, tool_every, probes)
            with contextlib.ExitStack() as apps:
                fresh = [
                    Session(apps.enter_context(context.app()), f"fresh {attempt}.{i}")
                    for i in range(FRESH_APPS)
                ]
                for other in fresh:
                    other.start()
                for other in fresh:
                    other.app.settle()
                for k in range(window):
                    # Each fresh exchange sits between two of the long session's; the order reverses
                    # every round, so no app is always the one that follows the same other.
                    turns = [session for other in fresh for session in (other, long)]
                    for session in turns if k % 2 == 0 else turns[::-1]:
                        exchange(context, session, tokens, tool_every, probes)
            peak.values.append(app.memory()["VmHWM"])
        check_tool_round_trips(context, [long, *fresh])
        log = {entry["marker"]: entry for entry in context.server.log()}
        tool_markers = {marker for session in (long, *fresh) for _n, _c, marker in session.tool_calls}
        late_phases = phase_medians(long.exchanges[-late:], log, tool_markers)
        fresh_phases = phase_medians([pair for one in fresh for pair in one.exchanges], log, tool_markers)
        for name, figure in growth.items():
            if name in late_phases and name in fresh_phases:
                figure.values.append(1000 * (late_phases[name] - fresh_phases[name]))
        times, fresh_times = long.times, [other.times for other in fresh]
        tail = statistics.median(times[-late:])
        head = statistics.median([t for one in fresh_times for t in one])
        first.values.append(head)
        last.values.append(tail)
        ratio.values.append(tail / head)
        control.values.append(statistics.median(fresh_times[0]) / statistics.median(fresh_times[-1]))
        sequential.values.append(tail / statistics.median(times[:late]))
        if long.tool_calls:
            with_tool.values.append(statistics.median(long.tool_times))
        step = min(10, len(probes))
        medians = [statistics.median(probes[i : i + step]) for i in range(0, len(probes) - step + 1, step)]
        drift.values.append(max(medians) / min(medians))
        ratio.samples.setdefault("exchange_seconds", []).append([round(t, 4) for t in times])
        fresh_rounded = [[round(t, 4) for t in one] for one in fresh_times]
        ratio.samples.setdefault("fresh_exchange_seconds", []).append(fresh_rounded)
        tool_exchanges = [[n for n, _c, _m in session.tool_calls] for session in (long, *fresh)]
        ratio.samples.setdefault("tool_exchanges_long_then_fresh", []).append(tool_exchanges)
        drift.samples.setdefault("probe_seconds", []).append([round(p, 5) for p in probes])
    return [ratio, control, sequential, first, last, *growth.values(), with_tool, peak, drift]
