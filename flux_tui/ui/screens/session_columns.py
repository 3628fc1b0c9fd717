"""The sessions list's columns for the width its table gets.

Textual's ``DataTable`` sizes a column to its widest cell and scrolls sideways when they do not fit:
a long title or a session that switched models pushed Cost and Turns out of view. Here the table
never needs to scroll: Cost and Turns always show, whole; the title takes the room left (cut with
"…", a fork or import mark kept); on narrower tables "Providers / models" goes first (the detail
below the list names them), then "Started".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text

from flux_tui.sessions import SessionInfo
from flux_tui.sessions.titles import cut_title

CELL_PADDING = 1  # the DataTable's own, each side of a cell
STARTED_WIDTH = len("2026-01-31 23:59")
MODELS_MAX = 36  # wider lists of models are cut: the detail shows them all
TITLE_WITH_MODELS = 30  # the title keeps at least this much before the models get a column
TITLE_WITH_STARTED = 16  # ... and this much before the start time gets one
TITLE_MIN = 8


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    width: int


def models_label(info: SessionInfo) -> str:
    return ", ".join(info.models) or "-"


def columns_for(width: int, sessions: Sequence[SessionInfo]) -> list[Column]:
    """The columns to show in a table ``width`` cells wide (its scrollbar left out), left to right."""

    def widest(label: str, texts: Sequence[str], cap: int | None = None) -> int:
        size = max([len(label), *(len(text) for text in texts)])
        return min(size, cap) if cap is not None else size

    cost = Column("cost", "Cost", widest("Cost", [info.cost_label for info in sessions]))
    turns = Column("turns", "Turns", widest("Turns", [str(info.turns) for info in sessions]))
    models = Column(
        "models", "Providers / models", widest("Models", [models_label(i) for i in sessions], MODELS_MAX)
    )
    started = Column("started", "Started", STARTED_WIDTH)
    fixed = [Column("current", "", 1), cost, turns]
    room = width - sum(column.width + 2 * CELL_PADDING for column in fixed) - 2 * CELL_PADDING
    optional: list[Column] = []
    for column, keep in ((started, TITLE_WITH_STARTED), (models, TITLE_WITH_MODELS)):
        if room - (column.width + 2 * CELL_PADDING) >= keep:
            optional.append(column)
            room -= column.width + 2 * CELL_PADDING
    longest = widest("Title", [info.display_title for info in sessions])
    title = Column("title", "Title", max(TITLE_MIN, min(room, longest)))
    if models in optional:  # room the titles do not need goes to a long list of models
        spare = room - title.width
        full = widest("Models", [models_label(info) for info in sessions])
        models = Column(models.key, models.label, min(full, models.width + max(0, spare)))
        optional = [started if c.key == "started" else models for c in optional]
    return [fixed[0], title, *optional, cost, turns]


def cells(
    info: SessionInfo, columns: Sequence[Column], current: str | None, started: str
) -> list[Text | str]:
    """One session's row for ``columns``; titles and model names as ``Text`` (a str cell is read as
    Rich markup, and they come from outside)."""
    by_key: dict[str, Text | str] = {
        "current": Text("●", style="bold green") if info.id == current else "",
        "started": started,
        "cost": Text(info.cost_label, justify="right"),
        "turns": Text(str(info.turns), justify="right"),
    }
    out: list[Text | str] = []
    for column in columns:
        if column.key == "title":
            out.append(Text(cut_title(info.display_title, column.width)))
        elif column.key == "models":
            out.append(Text(cut_title(models_label(info), column.width)))
        else:
            out.append(by_key[column.key])
    return out
