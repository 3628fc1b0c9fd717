"""The comparison as a side-by-side text table, or as JSON (``--format json``).

JSON: ``{"session": ID, "runs": [{"provider", "model", "models", "total_cost_usd", "turns": [{"prompt",
"provider", "model", "answer", "input_tokens", "output_tokens", "cache_read_tokens",
"cache_write_tokens", "cost_usd", "estimated", "seconds", "tool_calls": [{"name", "arguments", "status",
"cost_usd", "context_cost_usd"}], "error"}]}]}``; ``runs[0]`` is the recording; ``models`` lists every
"provider:model" a run's turns ran on, and a run on more than one (a recording that switched) has a
null ``provider`` and ``model``; ``error`` is null for a turn that ended, else why it did not (or
"cancelled"). In the table, such a recording is headed "mixed" and each turn says its model. A call
that did not end done is named with its status in the table. Money in the table has the format of
every other view (``core.money``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from flux_tui.compare.figures import RunFigures, TurnFigures
from flux_tui.core.money import usd
from flux_tui.core.terminal_text import terminal_safe

LABEL = 12
COLUMN = 34


def to_json(session_id: str, runs: Sequence[RunFigures]) -> str:
    return json.dumps({"session": session_id, "runs": [run.to_json() for run in runs]}, ensure_ascii=False)


def first_line(text: str, width: int = COLUMN) -> str:
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    return line if len(line) <= width else line[: width - 1] + "…"


def _cell(text: str) -> str:
    text = terminal_safe(text)  # a model's text: no control sequence, and none cut in two below
    text = text if len(text) <= COLUMN else text[: COLUMN - 1] + "…"
    return text.ljust(COLUMN)


def _row(label: str, cells: Sequence[str]) -> str:
    return (label.ljust(LABEL) + "  " + "  ".join(_cell(c) for c in cells)).rstrip()


def _turn_cells(turn: TurnFigures | None) -> dict[str, str]:
    if turn is None:
        return dict.fromkeys(("answer", "tokens", "cost", "seconds", "tools"), "–")
    tokens = (
        f"{turn.input_tokens:,}/{turn.output_tokens:,}/{turn.cache_read_tokens:,}/{turn.cache_write_tokens:,}"
    )
    names = ", ".join(call.label for call in turn.tool_calls)
    answer = first_line(turn.answer) or (f"({turn.error})" if turn.error else "")
    return {
        "answer": answer,
        "tokens": tokens,
        "cost": usd(turn.cost_usd, estimated=turn.estimated),
        "seconds": f"{turn.seconds:.1f}",
        "tools": f"{len(turn.tool_calls)}: {names}" if turn.tool_calls else "0",
    }


def _turn_model(run: RunFigures, index: int) -> str:
    turn = run.turns[index] if index < len(run.turns) else None
    return f"{turn.provider}:{turn.model}" if turn is not None and turn.provider else run.label


def to_table(session_id: str, runs: Sequence[RunFigures]) -> str:
    heads = ["recording"] + ["" for _ in runs[1:]]
    names = [run.label for run in runs]
    lines = [f"Session {session_id}", "", _row("", heads), _row("", names)]
    count = max((len(run.turns) for run in runs), default=0)
    labels = (
        ("answer", "answer"),
        ("tokens", "in/out/cr/cw"),
        ("cost", "cost"),
        ("seconds", "seconds"),
        ("tools", "tool calls"),
    )
    for index in range(count):
        recorded = runs[0].turns[index] if index < len(runs[0].turns) else None
        prompt = first_line(recorded.prompt if recorded is not None else "", 80)
        lines += ["", f"Turn {index + 1}: {prompt}"]
        if runs[0].mixed:
            lines.append(_row("model", [_turn_model(run, index) for run in runs]))
        cells = [_turn_cells(run.turns[index] if index < len(run.turns) else None) for run in runs]
        lines += [_row(label, [c[key] for c in cells]) for key, label in labels]
    lines += ["", _row("total cost", [usd(run.total_cost_usd, estimated=run.estimated) for run in runs])]
    tokens = [
        f"{sum(t.input_tokens for t in run.turns):,} in / {sum(t.output_tokens for t in run.turns):,} out"
        for run in runs
    ]
    lines.append(_row("total tokens", tokens))
    lines.append(_row("seconds", [f"{sum(t.seconds for t in run.turns):.1f}" for run in runs]))
    return terminal_safe("\n".join(lines)) + "\n"  # the prompts' lines too: text only
