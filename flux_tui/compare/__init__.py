"""``flux-tui compare``: a recorded session's prompts re-run on other providers and models, side by side.

``figures`` turns a stream of agent events (stored or live) into per-turn figures; ``runner`` re-runs
the prompts on one target against a scratch copy of the workspace; ``output`` prints the table or the
JSON; ``command`` is the CLI entry point.
"""

from flux_tui.compare.figures import CallFigures, RunFigures, TurnFigures, run_figures

__all__ = ["CallFigures", "RunFigures", "TurnFigures", "run_figures"]
