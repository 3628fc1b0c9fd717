"""Slash commands (parsing, completion, /help), read from the command registry, and the command palette's
provider of app actions."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING, Protocol

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from flux_tui.ui.command_registry import BY_NAME, MCP_SERVERS, MODELS, PROVIDERS, SESSIONS, SLASH_COMMANDS
from flux_tui.ui.format import table_cell

if TYPE_CHECKING:
    from textual.app import App
    from textual.fuzzy import Matcher


def parse_slash(text: str) -> tuple[str, str] | None:
    """``"/model gpt-4o"`` -> ``("model", "gpt-4o")``; None when ``text`` is a prompt, not a command.

    ``//text`` sends ``/text`` as a prompt, for the rare prompt that starts with a slash.
    """
    stripped = text.strip()
    if not stripped.startswith("/") or stripped.startswith("//"):
        return None
    name, _, arg = stripped[1:].partition(" ")
    return name.lower(), arg.strip()


def parse_shell(text: str) -> str | None:
    """The command of a ``!command`` prompt; None when ``text`` is a prompt for the model.

    Only a single line is a command, so text pasted after a leading ``!`` never runs line by line;
    ``![alt](image.png)`` (a Markdown image) is text, and ``!!text`` sends ``!text`` to the model.
    """
    stripped = text.strip()
    if not stripped.startswith("!") or stripped.startswith(("!!", "![")) or "\n" in stripped:
        return None
    return stripped[1:]


def unescape_prompt(text: str) -> str:
    """``//text`` sends ``/text`` and ``!!text`` sends ``!text``; any other prompt as typed."""
    return text.strip()[1:] if text.strip().startswith(("//", "!!")) else text


def waits_for_idle(name: str, arg: str) -> bool:
    """Whether ``/name arg`` must wait until no answer streams (``/provider`` and ``/model`` without an
    argument only say what is in use)."""
    spec = BY_NAME.get(name)
    return spec is not None and spec.idle and (bool(arg) or not spec.bare_reports)


def complete(
    text: str,
    *,
    providers: Iterable[str],
    models: Iterable[str],
    sessions: Callable[[], Iterable[str]] = tuple,
    servers: Callable[[], Iterable[str]] = tuple,
) -> list[str]:
    """Whole-line completions of a slash command being typed (what Tab puts in the prompt).

    ``sessions`` gives the saved sessions' ids, newest first; asked only for ``/resume`` and ``/replay``;
    ``servers`` the MCP servers' names, completed after ``/mcp restart``.
    """
    if not text.startswith("/") or "\n" in text:
        return []
    head, space, arg = text[1:].partition(" ")
    if not space:
        matches = [spec for spec in SLASH_COMMANDS if spec.name.startswith(head.lower())]
        return [f"/{spec.name}{' ' if spec.args else ''}" for spec in matches]
    spec = BY_NAME.get(head.lower())
    if spec is None:
        return []
    values: Iterable[str] = spec.choices
    if spec.source == SESSIONS:
        values = sessions()
    elif spec.source == MCP_SERVERS:
        if " " in arg.lstrip():  # the word is typed: its argument, a server's name
            values = [f"{word} {name}" for word in spec.choices for name in servers()]
    elif spec.source:
        values = {PROVIDERS: providers, MODELS: models}[spec.source]
    needle = arg.strip().lower()
    return [f"/{head} {value}" for value in values if value.lower().startswith(needle)]


def help_markdown(bindings: Iterable[tuple[str, str]]) -> str:
    lines = ["### Commands", "", "| command | what it does |", "|---|---|"]
    for spec in SLASH_COMMANDS:
        usage = table_cell(spec.usage)
        lines.append(f"| `{usage}` | {table_cell(spec.help)} |")
    lines += ["", "### Keys", "", "| key | action |", "|---|---|"]
    lines += [f"| `{table_cell(key)}` | {table_cell(description)} |" for key, description in bindings]
    lines += [
        "",
        "Enter sends, ctrl+j (or shift+enter / alt+enter) adds a newline, up/down recall earlier prompts, "
        "Tab completes a slash command or an `@path`, PageUp/PageDown scroll the conversation (Home/End "
        "too when the prompt is empty). Start a prompt with `//` to send a literal `/`, `!!` a literal `!`.",
        "",
        "ctrl+t opens the tool inspector with the keys in it: up/down pick a call, Enter its details, "
        "Esc back to the prompt (typing goes to the prompt too).",
        "",
        "`@path` attaches a file of the workspace (a directory: its listing). `!command` runs a shell "
        "command in the workspace without asking the model (Esc stops it); its output goes with your next "
        "prompt, which waits for it. "
        "Only a prompt of one line is a command, never one starting with `![` (a Markdown image).",
        "",
        "Drag the mouse over an answer to select it, ctrl+c copies the selection (shift+drag uses the "
        "terminal's own selection).",
    ]
    return "\n".join(lines)


class PaletteHost(Protocol):
    """What the palette needs from the app (kept as a protocol so this module does not import it)."""

    def palette_actions(self) -> list[tuple[str, str, Callable[[], object]]]: ...


def escape_markup(text: str) -> str:
    """``text`` as Textual content markup that shows it literally, for a str Textual always reads as
    markup (a palette entry's help). Every "[" escaped: ``textual.markup.escape`` leaves "[B]", "[$x]"
    and "[ b]" to be read as tags."""
    return text.replace("[", "\\[")


def highlight(matcher: Matcher, candidate: str) -> Content:
    """``candidate`` with the letters the query matched highlighted, as ``Matcher.highlight`` does, but
    never read as markup (palette entries hold model and provider names)."""
    content = Content(candidate)
    score, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
    if not score:
        return content
    for offset in offsets:
        if not candidate[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class FluxCommands(Provider):
    """Command palette entries: switch provider/model, toggle panels, clear, sessions, stats...
    Titles go in as ``Content`` and help as escaped markup: the palette reads a str as markup."""

    def _actions(self) -> list[tuple[str, str, Callable[[], object]]]:
        app: App[object] = self.app
        host = app if hasattr(app, "palette_actions") else None
        return host.palette_actions() if host is not None else []  # type: ignore[attr-defined]

    async def discover(self) -> Hits:
        for title, help_text, callback in self._actions():
            command = partial(_call, callback)
            yield DiscoveryHit(Content(title), command, text=title, help=escape_markup(help_text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._actions():
            score = matcher.match(title)
            if score > 0:
                shown = highlight(matcher, title)
                command = partial(_call, callback)
                yield Hit(score, shown, command, text=title, help=escape_markup(help_text))


def _call(callback: Callable[[], object]) -> None:
    callback()
