"""flux-tui: a terminal app to work with an AI coding assistant on several LLM providers."""

__version__ = "0.1.0"
