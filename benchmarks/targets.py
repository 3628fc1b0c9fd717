"""The second performance bar's targets, by figure key: each figure's median must be at most its bound
(``--check`` exits 1 when one is missed). The README's table of figures states the same bounds; a test
holds the two together."""

from __future__ import annotations

TARGETS: dict[str, float] = {
    "startup.ratio": 1.15,  # ready for input, flux-tui / a minimal Textual app
    "firehose.ratio": 1.5,  # Enter -> last token on screen / the raw HTTP floor
    "steady.cpu_pct": 8.0,  # % of one core while streaming at 150 tokens/s
    "steady.lag_s": 0.1,  # the server's last byte -> on screen
    "steady.peak_mb": 110.0,  # VmHWM after the steady answer
    "long.last_over_first": 1.05,  # the long session's last 20 exchanges / fresh apps' first 10
    "long.peak_mb": 160.0,  # VmHWM after the long session's last exchange
    "resume.interactive_s": 1.0,  # --resume of a 5,000-message session -> interactive
}
