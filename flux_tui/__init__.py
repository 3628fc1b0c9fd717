"""flux-tui: a terminal app to work with an AI coding assistant on several LLM providers."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    # The version lives in pyproject.toml only; it is read from the installed metadata when asked for,
    # so importing the package costs nothing.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("flux-tui")
        except PackageNotFoundError:
            return "unknown (not installed)"
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
