"""Markdown the app shows on request: ``/stats``, ``/history``, the welcome and the setup help."""

from __future__ import annotations

from collections.abc import Iterable

from flux_tui.core.attribution import Attribution
from flux_tui.core.config import ConfigProblem
from flux_tui.core.ledger import UsageLedger, UsageTotals
from flux_tui.core.money import usd
from flux_tui.core.transcript import TextBlock, Transcript
from flux_tui.ui.format import tokens


def _cost(totals: UsageTotals) -> str:
    return usd(totals.cost, estimated=totals.estimated, partial=bool(totals.unpriced_models))


def stats_markdown(ledger: UsageLedger, attribution: Attribution | None = None) -> str:
    """Usage and cost per provider and model, then the session total (the plan's ``/stats``); with
    ``attribution``, the turns and the tool results that cost the most."""
    groups = ledger.by_model()
    if not groups:
        return "### Usage\n\nNo usage yet: send a prompt first."
    lines = [
        "### Usage per provider and model",
        "",
        "| provider | model | replies | input | output | cache read | cache write | cost |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    for (provider, model), totals in groups.items():
        lines.append(_row(provider, model, totals))
    session = ledger.session
    lines.append(_row("**session**", "", session))
    if session.unpriced_models:
        lines += ["", f"Unpriced (no known price): {', '.join(session.unpriced_models)}."]
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
            lines.append(f"| {t.turn} | {_one_line(t.prompt, 50) or '(continue)'} | {t.requests} | {cost} |")
    calls = attribution.top_calls()
    if calls:
        lines += [
            "",
            "### Tool results that cost the most",
            "",
            "| turn | tool | result tokens | request | as context since |",
            "|--:|---|--:|--:|--:|",
        ]
        for c in calls:
            request = usd(c.cost_usd, estimated=c.estimated)
            context = usd(c.context_cost_usd)
            lines.append(f"| {c.turn} | `{c.name}` | {tokens(c.result_tokens)} | {request} | {context} |")
    return lines


def _row(provider: str, model: str, totals: UsageTotals) -> str:
    cells = [
        provider,
        f"`{model}`" if model else "",
        str(totals.replies),
        tokens(totals.input_tokens),
        tokens(totals.output_tokens),
        tokens(totals.cache_read_tokens),
        tokens(totals.cache_write_tokens),
        _cost(totals),
    ]
    return "| " + " | ".join(cells) + " |"


def _one_line(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def history_markdown(transcript: Transcript) -> str:
    """The conversation so far, one line per prompt and per reply (from the transcript itself)."""
    if not transcript.messages:
        return "### History\n\nThe conversation is empty."
    lines = ["### History", ""]
    for number, turn in enumerate(transcript.turns(), start=1):
        prompt = turn[0]
        if prompt.role == "user" and any(isinstance(b, TextBlock) for b in prompt.blocks):
            lines.append(f"{number}. **you:** {_one_line(prompt.text, 100)}")
        for message in turn:
            if message.role != "assistant":
                continue
            who = f"{message.provider} · {message.model}" if message.provider else "assistant"
            tools = [call.name for call in message.tool_calls]
            summary = _one_line(message.text, 100) if message.text else ""
            if tools:
                summary = (summary + " " if summary else "") + f"[tools: {', '.join(tools)}]"
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

- **Anthropic**: `export ANTHROPIC_API_KEY=sk-ant-...`
- **OpenAI**: `export OPENAI_API_KEY=sk-...`
- **flux.toml** (in this directory or `{config_dir}`):

  ```toml
  provider = "anthropic"
  anthropic_api_key = "sk-ant-..."
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
    return SETUP_MARKDOWN.format(config_dir=config_dir)


def problems_markdown(problems: Iterable[ConfigProblem]) -> str:
    items = [f"- `{problem}`" for problem in problems]
    return "### Configuration problems\n\nflux-tui started on defaults where it could:\n\n" + "\n".join(items)
