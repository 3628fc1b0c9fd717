"""``flux-tui --help`` names the registered providers (Gemini and plug-ins too), read from the registry
only when the help is printed."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

import pytest

from flux_tui.cli import build_parser
from flux_tui.core import provider_registry


class _Tiny:
    label = "Tiny"
    key_envs = ()


@pytest.fixture
def tiny() -> Iterator[None]:
    provider_registry.register("tiny", _Tiny)
    try:
        yield
    finally:
        provider_registry.unregister("tiny")


def test_the_help_names_every_registered_provider(tiny: None) -> None:
    text = " ".join(build_parser().format_help().split())
    for label in ("Anthropic", "OpenAI", "Gemini", "Tiny"):
        assert label in text
    assert "or any compatible endpoint" in text


def test_building_the_parser_reads_no_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom() -> list[object]:
        raise AssertionError("the registry is read")

    monkeypatch.setattr(provider_registry, "specs", boom)
    build_parser().parse_args(["sessions", "list"])


@pytest.mark.parametrize(
    ("command", "description"),
    [
        ("sessions", "Work with saved sessions."),
        ("export", "Export a session as Markdown or JSONL."),
        ("replay", "Re-enact a saved session in the UI."),
        ("compare", "Re-run the prompts of a saved session"),
    ],
)
def test_a_subcommand_s_help_describes_the_subcommand(command: str, description: str) -> None:
    text = " ".join(_subcommand(build_parser(), command).format_help().split())
    assert description in text and "Work with an AI coding assistant" not in text


def _subcommand(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return subparsers.choices[name]


def test_sessions_list_s_help_describes_it() -> None:
    text = " ".join(_subcommand(_subcommand(build_parser(), "sessions"), "list").format_help().split())
    assert "Print the saved sessions as a table." in text and "Work with an AI" not in text
