"""What a submitted prompt becomes: ``!command`` runs in the workspace (no model call) and its output
waits for the next prompt; ``@path`` attaches files and listings; Tab completes ``@path``."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

# The tools (and their search engines) load with the first prompt, not with the app.
if TYPE_CHECKING:
    from flux_tui.tools.mentions import Expanded, ShellOutput
    from flux_tui.ui.app import FluxApp


def _ctx(app: FluxApp) -> Any:
    return getattr(app.agent.tools, "ctx", None)


ATTACH_GROUP = "attach"


SLIP_HELD = "Your prompt is back in the editor: fix the path, or press Enter to send it as it is."


def send_with_context(app: FluxApp, prompt: str, raw: str | None = None) -> None:
    """Send ``prompt`` with its attachments: files are read in a thread (a large file or a slow disk
    does not stall the UI), a prompt without ``@`` at once. ``raw``: what the editor held, given back
    when an ``@path`` looks like a slip for a file that is there (sent as it is on the next Enter)."""
    if "@" not in prompt or _ctx(app) is None:
        app.send_prompt(prompt_with_context(app, prompt))
        return
    app.run_worker(_send_attached(app, prompt, raw), group=ATTACH_GROUP)


async def _send_attached(app: FluxApp, prompt: str, raw: str | None) -> None:
    from flux_tui.tools.mentions import expand_mentions

    ctx = _ctx(app)
    pending: list[ShellOutput] = getattr(app, "pending_shell", [])
    expanded = await asyncio.to_thread(expand_mentions, prompt, ctx.workspace, ctx.secret_files, pending)
    # A typo in a path is seen before the request is paid for, not after: the prompt goes back to be
    # fixed, once; sent again with the same slips (whatever else was edited), it goes as it is.
    slips = tuple(expanded.slips)
    if slips and raw is not None and app.slip_held != slips:
        app.slip_held = slips
        for message in expanded.slips:
            app.conversation.notice(message, "warning")
        app.conversation.notice(SLIP_HELD)
        app.conversation.give_back(raw)
        return
    app.slip_held = None
    app.send_prompt(_with_expanded(app, prompt, expanded))


def prompt_with_context(app: FluxApp, prompt: str) -> str:
    """``prompt`` with its ``@path`` attachments and the pending ``!command`` outputs (then cleared)."""
    ctx = _ctx(app)
    pending: list[ShellOutput] = getattr(app, "pending_shell", [])
    if ctx is None or ("@" not in prompt and not pending):
        return prompt  # nothing to attach: the prompt goes as typed, without reading the mentions' module
    from flux_tui.tools.mentions import expand_mentions

    return _with_expanded(app, prompt, expand_mentions(prompt, ctx.workspace, ctx.secret_files, pending))


def _with_expanded(app: FluxApp, prompt: str, expanded: Expanded) -> str:
    """The prompt to send, once its context is read: notices for what was not attached or was cut."""
    app.pending_shell = []
    for message in expanded.refused:
        app.conversation.notice(message, "warning")
    for item in expanded.attached:
        if item.note:
            app.conversation.notice(f"@{item.mention}: {item.note}", "warning")
    if expanded.text == prompt:
        return prompt
    # Attached files pass through the same redaction as tool results before the model sees them.
    context = expanded.text[len(prompt) :]
    return prompt + app.agent.redactor.redact_text(context)


SHELL_GROUP = "shell"


def shell_running(app: FluxApp) -> str | None:
    """The ``!command`` still running (its output is not there yet), or None."""
    for worker in app.workers:
        if worker.group == SHELL_GROUP and not worker.is_finished:
            return worker.name
    return None


def context_busy(app: FluxApp) -> str | None:
    """Why a prompt cannot be sent now (a ``!command`` runs, or the last prompt's files are being
    read), or None."""
    running = shell_running(app)
    if running is not None:
        return f"!{running} is still running (Esc stops it); your prompt is kept."
    if any(worker.group == ATTACH_GROUP and not worker.is_finished for worker in app.workers):
        return "The last prompt's files are still being read; your prompt is kept."
    return None


def stop_shell(app: FluxApp) -> bool:
    """Esc: stop the running ``!command`` (its whole process group is killed); whether one ran."""
    if shell_running(app) is None:
        return False
    app.workers.cancel_group(app, SHELL_GROUP)
    return True


def run_shell(app: FluxApp, command: str) -> None:
    """``!command``: run it in the workspace, show the output; it joins the next prompt's context."""
    command = command.strip()
    tool = getattr(app.agent.tools, "tools", {}).get("run_command")
    if not command:
        app.conversation.notice("Usage: !COMMAND runs COMMAND in the workspace (no model call).", "warning")
        return
    if tool is None:
        app.conversation.notice("No tools in this session: !COMMAND cannot run.", "warning")
        return
    app.run_worker(_run(app, tool, command), group=SHELL_GROUP, name=command)


async def _run(app: FluxApp, tool: Any, command: str) -> None:
    from flux_tui.core.terminal_text import terminal_safe
    from flux_tui.tools.mentions import ShellOutput

    def panel_text(output: str, note: str) -> str:
        fence = "````" if "```" in output or "```" in command else "```"
        return f"{fence}\n$ {command}\n{output}{fence}\n\n*{note}*"

    # Shown at once, so the chat says what runs and how to stop it; updated in place when it ends.
    panel = app.conversation.info(panel_text("", "Running… Esc stops it."), classes="shell-running")
    try:
        outcome = await tool.run({"command": command}, None)
    except asyncio.CancelledError:
        panel.update(panel_text("", "Stopped with Esc: its output does not go with your next prompt."))
        panel.remove_class("shell-running").add_class("shell")
        raise
    # Colours and cursor moves mean nothing in the chat or to the model: only the text is kept.
    output = terminal_safe(app.agent.redactor.redact_text(outcome.content))
    panel.update(panel_text(output + "\n", "Goes with your next prompt."))
    panel.remove_class("shell-running").add_class("shell")
    app.pending_shell = [*getattr(app, "pending_shell", []), ShellOutput(command, output)]


def completions(app: FluxApp, text: str) -> list[str]:
    if "@" not in text:
        # No ``@path`` being typed: the tools' module is not imported for it (2.3 ms on the first key,
        # before its echo).
        return []
    from flux_tui.tools.mentions import complete_mention

    ctx = _ctx(app)
    return complete_mention(text, ctx.workspace) if ctx is not None else []
