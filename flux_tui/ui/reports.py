"""Markdown the app shows on request: ``/stats``, ``/history``, the welcome and the setup help.

Text from outside (prompts, answers, provider and model names, configuration problems, paths) goes in
through ``md_text`` or ``md_code``, so it shows as written: "**x**" in a prompt is not bold, "a|b" in a
model name does not split a table row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from flux_tui.core import provider_registry
from flux_tui.core.attachments import prompt_as_typed
from flux_tui.core.config import ConfigProblem
from flux_tui.core.ledger import UsageLedger, UsageTotals
from flux_tui.core.money import usd
from flux_tui.core.transcript import TextBlock, Transcript
from flux_tui.ui.format import clip, tokens

if TYPE_CHECKING:
    from flux_tui.core.attribution import Attribution  # given by /stats: not imported before it

_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")  # what Markdown reads inside a line


def md_text(text: str) -> str:
    """``text`` as Markdown that shows it literally, on one line (every inline marker escaped)."""
    return _INLINE_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def md_code(text: str, *, in_table: bool = False) -> str:
    """``text`` as an inline code span, on one line, whatever backticks (and, in a table, pipes) it holds."""
    flat = " ".join(text.split())
    if in_table:
        flat = flat.replace("|", "\\|")  # a table row is split at pipes before code spans are read
    fence = "`" * (max((len(run) for run in re.findall("`+", flat)), default=0) + 1)
    pad = " " if flat[:1] == "`" or flat[-1:] == "`" else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def _cost(totals: UsageTotals) -> str:
    return usd(totals.cost, estimated=totals.estimated, partial=bool(totals.unpriced_models))


_STATS_HEADERS = ("provider", "model", "replies", "input", "output", "cache read", "cache write", "cost")


def stats_markdown(
    ledger: UsageLedger, attribution: Attribution | None = None, width: int | None = None
) -> str:
    """Usage and cost per provider and model, then the session total (the plan's ``/stats``); with
    ``attribution``, the turns and the tool results that cost the most.

    A table when it fits in ``width`` columns (None: always), else one line per model, which wraps
    instead of cutting every cell (the cost included) on a narrow terminal.
    """
    groups = ledger.by_model()
    if not groups:
        return "### Usage\n\nNo usage yet: send a prompt first."
    session = ledger.session
    rows = [_cells(provider, model, totals) for (provider, model), totals in groups.items()]
    rows.append(_cells("session", "", session))
    if width is None or _table_width(rows) <= width:
        lines = [
            "### Usage per provider and model",
            "",
            "| " + " | ".join(_STATS_HEADERS) + " |",
            "|---|---|--:|--:|--:|--:|--:|--:|",
            *(_table_row(cells) for cells in rows[:-1]),
            _table_row(rows[-1], label="**session**"),
        ]
    else:
        lines = ["### Usage per provider and model", ""]
        lines += [_list_item(cells) for cells in rows[:-1]]
        lines.append(_list_item(rows[-1], label="**session**"))
    if session.unpriced_models:
        lines += ["", f"Unpriced (no known price): {md_text(', '.join(session.unpriced_models))}."]
    if session.estimated:
        lines += ["", "`~` marks estimates: replies without the provider's figures (yet)."]
    if attribution is not None:
        lines += _where_it_went(attribution)
    return "\n".join(lines)


def _where_it_went(attribution: Attribution) -> list[str]:
    lines: list[str] = []
    turns = [t for t in attribution.top_turns() if t.requests]
    if turns:
        lines += ["", "### Turns that cost the most", "", "| turn | prompt | requests | cost |"]
        lines.append("|--:|---|--:|--:|")
        for t in turns:
            cost = usd(t.cost, estimated=t.estimated)
            prompt = md_text(_one_line(prompt_as_typed(t.prompt), 50)) or "(continue)"
            lines.append(f"| {t.turn} | {prompt} | {t.requests} | {cost} |")
    calls = attribution.top_calls()
    if calls:
        lines += [
            "",
            "### Tool results that cost the most",
            "",
            "| turn | tool | result tokens | request | resent as context |",
            "|--:|---|--:|--:|--:|",
        ]
        for c in calls:
            request = usd(c.cost_usd, estimated=c.estimated)
            if (sharing := attribution.sharing(c)) > 1:
                request += f" (shared by {sharing})"
            context = usd(c.context_cost_usd)
            name = md_code(c.name, in_table=True)
            lines.append(f"| {c.turn} | {name} | {tokens(c.result_tokens)} | {request} | {context} |")
    return lines


def _cells(provider: str, model: str, totals: UsageTotals) -> list[str]:
    """One row of ``_STATS_HEADERS``, as plain text (escaped where it is shown)."""
    return [
        provider,
        model,
        str(totals.replies),
        tokens(totals.input_tokens),
        tokens(totals.output_tokens),
        tokens(totals.cache_read_tokens),
        tokens(totals.cache_write_tokens),
        _cost(totals),
    ]


def _table_width(rows: list[list[str]]) -> int:
    """Columns Textual's Markdown table needs to show every cell whole: each column's widest text and
    its padding (1 + 1), a gutter between columns and the two outer lines."""
    columns = list(zip(_STATS_HEADERS, *rows, strict=True))
    return sum(max(len(text) for text in column) + 2 for column in columns) + len(columns) - 1 + 2


def _table_row(cells: list[str], *, label: str = "") -> str:
    provider, model, *figures = cells
    shown = [label or md_text(provider), md_code(model, in_table=True) if model else "", *figures]
    return "| " + " | ".join(shown) + " |"  # each cell is escaped for a table above


def _list_item(cells: list[str], *, label: str = "") -> str:
    provider, model, replies, read_in, out, cache_read, cache_write, cost = cells
    who = label or (md_text(provider) + (f" {md_code(model)}" if model else ""))
    return (
        f"- {who}: {replies} repl{'y' if replies == '1' else 'ies'} · {read_in} in / {out} out · "
        f"cache {cache_read} read / {cache_write} write · **{cost}**"
    )


def _one_line(text: str, limit: int) -> str:
    return clip(" ".join(text.split()), limit)


def history_markdown(transcript: Transcript) -> str:
    """The conversation so far, one line per prompt and per reply (from the transcript itself)."""
    if not transcript.messages:
        return "### History\n\nThe conversation is empty."
    lines = ["### History", ""]
    for number, turn in enumerate(transcript.turns(), start=1):
        prompt = turn[0]
        if prompt.role == "user" and any(isinstance(b, TextBlock) for b in prompt.blocks):
            lines.append(f"{number}. **you:** {md_text(_one_line(prompt_as_typed(prompt.text), 100))}")
        for message in turn:
            if message.role != "assistant":
                continue
            who = md_text(f"{message.provider} · {message.model}") if message.provider else "assistant"
            tools = [call.name for call in message.tool_calls]
            summary = md_text(_one_line(message.text, 100)) if message.text else ""
            if tools:
                summary = (summary + " " if summary else "") + md_text(f"[tools: {', '.join(tools)}]")
            if message.incomplete:
                summary += " *(incomplete)*"
            lines.append(f"    - *{who}:* {summary or '(no text)'}")
    return "\n".join(lines)


# Content markup (see ``Welcome``); ``/help`` styled as the info panels style inline code.
WELCOME_MARKUP = (
    "[b]flux-tui[/b] · ask anything about your code. Enter sends, ctrl+j adds a newline, Esc stops an "
    "answer. [$text-warning 95% on $warning 10%]/help[/] lists commands, ctrl+p opens the command palette, "
    "ctrl+t shows tool calls, ctrl+b the cost."
)

SETUP_MARKDOWN = """\
### No provider is ready yet

flux-tui needs an API key or a local model server. Any of these works:

{keys}
- **flux.toml** (in this directory or {config_dir}):

  ```toml
  provider = "{first}"
  [providers.{first}]
  api_key_env = "MY_KEY_VARIABLE"   # or api_key = "..."
  ```
- **A local OpenAI-compatible server** (Ollama, llama.cpp, vLLM, LM Studio):

  ```toml
  [providers.local]
  kind = "openai"
  base_url = "http://localhost:11434/v1"
  model = "llama3.1"
  ```
  or simply `export OPENAI_BASE_URL=http://localhost:11434/v1`.

Restart flux-tui after setting a key, or pick a provider with `/provider NAME`. Meanwhile `/help`,
`/sessions` and replays work without a provider.
"""


def setup_markdown(config_dir: str) -> str:
    specs = provider_registry.specs()
    keys = "\n".join(
        f"- **{spec.label}**: `export {spec.key_envs[0]}=...`"
        + (f" (or `{'`, `'.join(spec.key_envs[1:])}`)" if len(spec.key_envs) > 1 else "")
        for spec in specs
        if spec.key_envs
    )
    first = specs[0].kind if specs else "NAME"
    return SETUP_MARKDOWN.format(config_dir=md_code(config_dir), keys=keys, first=first)


def problems_markdown(problems: Iterable[ConfigProblem]) -> str:
    items = [f"- {md_code(str(problem))}" for problem in problems]
    return "### Configuration problems\n\nflux-tui started on defaults where it could:\n\n" + "\n".join(items)
