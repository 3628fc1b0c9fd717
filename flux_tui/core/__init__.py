"""Provider-neutral core: config, transcript, events, usage, tokens, pruning, the agent loop.

Nothing here imports Textual, a provider SDK, or another flux_tui package.
"""
