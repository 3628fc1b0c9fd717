"""A measured figure (several runs: median, min, max, target) and the results table."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

from benchmarks.targets import TARGETS


@dataclass
class Figure:
    key: str  # stable identifier in the JSON, e.g. "startup.first_frame_s"
    label: str  # what the table shows
    unit: str  # "s", "x", "% core", "MB"
    values: list[float] = field(default_factory=list)
    target: float | None = None  # the bound the median must not pass (lower is better for every figure)
    note: str = ""
    samples: dict[str, Any] = field(default_factory=dict)  # raw data behind the values (JSON only)

    def __post_init__(self) -> None:
        if self.target is None:
            self.target = TARGETS.get(self.key)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def low(self) -> float:
        return min(self.values)

    @property
    def high(self) -> float:
        return max(self.values)

    @property
    def meets_target(self) -> bool | None:
        if self.target is None or not self.values:
            return None
        return self.median <= self.target

    def to_dict(self) -> dict[str, Any]:
        summary = {"median": self.median, "min": self.low, "max": self.high} if self.values else {}
        return {
            "label": self.label,
            "unit": self.unit,
            "runs": len(self.values),
            **summary,
            "values": self.values,
            "target": self.target,
            "meets_target": self.meets_target,
            "note": self.note,
            **({"samples": self.samples} if self.samples else {}),
        }


def _fmt(value: float, unit: str) -> str:
    if unit == "MB":
        return f"{value:.0f}"
    if unit in ("% core", "ms"):
        return f"{value:.1f}".replace("-0.0", "0.0")  # a growth of -0.04 ms is none
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def table(figures: list[Figure]) -> str:
    """A plain-text (and Markdown) table: figure, median, min, max, target, verdict."""
    header = ["figure", "unit", "median", "min", "max", "runs", "target", "ok"]
    rows = [header, ["---", "---", "---:", "---:", "---:", "---:", "---:", "---"]]
    for figure in figures:
        if not figure.values:
            rows.append([figure.label, figure.unit, "n/a", "", "", "0", "", figure.note or "not measured"])
            continue
        verdict = {True: "yes", False: "NO", None: ""}[figure.meets_target]
        target = f"<= {_fmt(figure.target, figure.unit)}" if figure.target is not None else ""
        rows.append(
            [
                figure.label,
                figure.unit,
                _fmt(figure.median, figure.unit),
                _fmt(figure.low, figure.unit),
                _fmt(figure.high, figure.unit),
                str(len(figure.values)),
                target,
                verdict,
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for row in rows:
        cells = [
            cell.rjust(width) if column in (2, 3, 4, 5) else cell.ljust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
