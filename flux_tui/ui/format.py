"""Short human-readable figures shared by every widget: tokens, money, durations, percentages, and the
highlighted renderings of JSON arguments and unified diffs.

Kept free of Textual (only Rich) so the rules can be tested, and reused by `/stats`, on their own.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

from flux_tui.core import money as money_format

if TYPE_CHECKING:
    from rich.syntax import Syntax, SyntaxTheme

UNPRICED = money_format.UNPRICED


def tokens(count: int | float | None) -> str:
    """``950`` -> "950", ``12_345`` -> "12.3k", ``123_456`` -> "123k", ``1_234_567`` -> "1.23M"."""
    if count is None:
        return "–"
    sign = "-" if count < 0 else ""
    n = abs(float(count))
    if n < 1000:
        return f"{sign}{round(n)}"
    for divisor, suffix, small_digits in ((1e3, "k", 1), (1e6, "M", 2), (1e9, "B", 2)):
        scaled = n / divisor
        # Move to the next unit rather than print "1000k".
        if scaled >= 999.5 and suffix != "B":
            continue
        digits = 0 if scaled >= 100 else 1 if scaled >= 10 else small_digits
        text = f"{scaled:.{digits}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return f"{sign}{text}{suffix}"
    raise AssertionError("unreachable")  # pragma: no cover


def estimated_tokens(count: int | float | None, estimated: bool) -> str:
    """Token figure marked as an estimate while a reply streams: "~1.2k"."""
    text = tokens(count)
    return f"~{text}" if estimated and count is not None else text


def money(usd: float | None, *, unpriced: str = UNPRICED) -> str:
    """The app's one money format (``core.money.usd``): "$0.0123", "$1,234.50", "unpriced"."""
    return money_format.usd(usd, unpriced=unpriced)


def duration(seconds: float | None) -> str:
    """``0.35`` -> "350ms", ``2.4`` -> "2.4s", ``65`` -> "1m05s", ``3725`` -> "1h02m"; ``None`` -> ""."""
    if seconds is None:
        return ""
    s = max(0.0, float(seconds))
    if s < 1:
        return f"{s * 1000:.0f}ms"
    if s < 60:
        return f"{s:.1f}s"
    total = round(s)
    if total < 3600:
        minutes, secs = divmod(total, 60)
        return f"{minutes}m{secs:02d}s"
    hours, rest = divmod(total, 3600)
    return f"{hours}h{rest // 60:02d}m"


def percent(fraction: float | None) -> str:
    """``0.4567`` -> "46%"; ``None`` -> "–"."""
    if fraction is None:
        return "–"
    return f"{fraction * 100:.0f}%"


def pretty_json(value: Any) -> str:
    """Indented JSON for display; anything not JSON-able falls back to ``str``."""
    return json.dumps(value, indent=2, ensure_ascii=False, default=str, sort_keys=False)


def truncate(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` characters, saying how much was left out (keeps huge results cheap)."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}\n… ({len(text) - limit:,} more characters)"


def table_cell(text: str) -> str:
    """``text`` as one cell of a Markdown table: a ``|`` (even in `code`) would end the cell."""
    return " ".join(text.split("\n")).replace("|", "\\|")


def clip(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters: cut after the last whole word that fits, with "…"
    (mid-word only when one word takes more than half the room)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


def looks_like_diff(text: str) -> bool:
    """A unified diff (as the tools' previews are), as opposed to a command preview or plain text."""
    head = text.lstrip()
    return head.startswith(("---", "+++", "@@", "diff ")) or "\n@@ " in text


def diff_syntax(diff: str, theme: SyntaxTheme | str = "ansi_dark") -> Syntax:
    """A unified diff highlighted with Pygments' diff lexer, on the terminal's own background;
    ``theme``: the app's (``theme_colors.code_theme``), so diffs follow the chosen theme."""
    from rich.syntax import Syntax  # Pygments: 9 ms of imports the first frame does without
    # A trailing newline would render as an empty last line.
    return Syntax(diff.rstrip("\n"), "diff", theme=theme, background_color="default", word_wrap=True)


def json_syntax(value: Any, theme: SyntaxTheme | str = "ansi_dark") -> Syntax:
    """Pretty, highlighted JSON of a tool's arguments (``theme`` as for ``diff_syntax``)."""
    from rich.syntax import Syntax
    return Syntax(pretty_json(value), "json", theme=theme, background_color="default", word_wrap=True)


class Gauge:
    """A one-line bar filling the width it is given: ``fraction`` (clamped to 0..1) of it in ``style``."""

    def __init__(self, fraction: float, style: str = "green", back_style: str = "grey35") -> None:
        self.fraction = min(max(fraction, 0.0), 1.0)
        self.style = style
        self.back_style = back_style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(options.max_width, 1)
        filled = round(self.fraction * width)
        if self.fraction > 0 and filled == 0:
            filled = 1  # any use at all shows
        yield Text.assemble(("█" * filled, self.style), ("░" * (width - filled), self.back_style))

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(1, options.max_width)
