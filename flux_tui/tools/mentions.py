"""``@path`` in a prompt attaches that file (or a directory's listing), and ``!command`` output joins the
next prompt: both go into a ``<context>`` block after the text the user typed.

The workspace jail applies (a path outside is refused with the reason), files that usually hold
secrets are not attached (the model can still ask to read them, which asks first), large files are cut
at a line boundary with a note, and an ``@word`` that names no file stays plain text (``@team``, an
e-mail address). ``split_context`` gives back what was typed and what was attached, for the chat.
"""

from __future__ import annotations

import difflib
import html
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from flux_tui.core.attachments import CONTEXT_CLOSE, CONTEXT_OPEN, split_context
from flux_tui.core.wording import counted
from flux_tui.tools.jail import ToolError, Workspace
from flux_tui.tools.secret_files import SecretFiles
from flux_tui.tools.special import open_regular

__all__ = ["Attachment", "Expanded", "ShellOutput", "complete_mention", "expand_mentions", "split_context"]

MAX_ATTACH_BYTES = 48_000  # per file: about 12k tokens
MAX_LISTING = 300  # entries of a directory's listing
MAX_COMPLETIONS = 40
# ``@path``, or ``@"path with spaces"`` (quoted: taken as it is, never trimmed of punctuation).
_MENTION = re.compile(r"(?<![\w@/])@(?:\"([^\"\n]+)\"|([^\s@`'\"<>]+))")
# The ``@path`` being typed at the end of the prompt: unquoted, or quoted (closed or not, so Tab goes on
# into a quoted folder).
_TYPING = re.compile(r"(?:^|\s)@(?:\"([^\"\n]*?)\"?|([^\s@\"]*))$")
_TRAILING = ".,;:!?)]}"
_NO_SUCH = "no such file or directory in the workspace"
_LINE_SUFFIX = re.compile(r":\d+(?:-\d+)?$")
# How alike an unquoted mention and a name in its folder are for it to be taken as a slip for that name
# (``difflib``'s ratio: "mian.py" and "main.py" are 0.86 alike, "pytest.fixture" and "pyproject.toml" 0.5).
_TYPO_CUTOFF = 0.8
# A file's name mentioned without its folder (``@main.py`` for ``src/main.py``) is looked for in the
# workspace's other folders for this long at most: the prompt waits for it, and a large tree is cut short.
_ELSEWHERE_SECONDS = 0.05
_ELSEWHERE_SHOWN = 3


@dataclass(slots=True)
class Attachment:
    mention: str  # as typed, without the @
    shown: str  # the path relative to the workspace ("src/" for a directory), or the command line
    kind: str  # "file", "directory", "command"
    note: str | None = None  # cut, binary...


@dataclass(slots=True)
class Expanded:
    text: str  # what the model gets
    attached: list[Attachment] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # one message per @path that was not attached
    slips: list[str] = field(default_factory=list)  # those of ``refused`` that name the file meant


@dataclass(slots=True)
class ShellOutput:
    command: str
    output: str  # as run_command reports it, exit code included


def _candidates(raw: str) -> list[str]:
    """``@notes.txt,`` may mean ``notes.txt``, and ``@main.py:12`` (or ``:12-30``) the file at that
    line: try the mention, then without trailing punctuation, then without a line number."""
    out = [raw]
    stripped = raw.rstrip(_TRAILING)
    if stripped and stripped != raw:
        out.append(stripped)
    file = _bare(raw)
    if file and file != stripped:
        out.append(file)
    return out


def _bare(name: str) -> str:
    """``name`` without trailing punctuation and a line number after it (``main.py:12,`` -> ``main.py``)."""
    return _LINE_SUFFIX.sub("", name.rstrip(_TRAILING))


def _missing(raw: str, quoted: bool, workspace: Workspace) -> tuple[str, bool] | None:
    """What to say about a mention that names no file, and whether it names the file meant: a quoted
    one is meant as a path; an unquoted one is said when it is the start of a name with a space, when
    its folder is there, or when it is one slip from a name that is (a typo, letter case included) or
    a name in another folder. Any other ``@word`` is plain text: ``@team``, a decorator."""
    if quoted:
        return f'@"{raw}" not attached: {_NO_SUCH}', False
    folder, _, stem = raw.rpartition("/")
    try:
        names = [entry.name for entry in os.scandir(workspace.resolve(folder or "."))]
    except (ToolError, OSError):
        return None
    spaced = sorted(name for name in names if name.startswith(stem + " "))
    if spaced:
        path = f"{folder}/{spaced[0]}" if folder else spaced[0]
        return f'@{raw} attaches nothing: a name with spaces goes in quotes, as @"{path}"', True
    stem = _bare(stem) or stem
    by_lower = {name.lower(): name for name in names}
    close = [by_lower[name] for name in difflib.get_close_matches(stem.lower(), by_lower, 1, _TYPO_CUTOFF)]
    if close:
        suggested = [f"{folder}/{close[0]}" if folder else close[0]]
    elif not folder and "." in stem:
        suggested = _elsewhere(stem, workspace)
    else:
        suggested = []
    if not (folder or suggested):
        return None
    shown = f"{folder}/{stem}" if folder else stem
    hint = f"; did you mean {' or '.join(f'@{path}' for path in suggested)}?" if suggested else ""
    return f"@{shown} not attached: {_NO_SUCH}{hint}", bool(suggested)


def _elsewhere(name: str, workspace: Workspace) -> list[str]:
    """Up to ``_ELSEWHERE_SHOWN`` files called ``name`` (letter case aside) in the workspace's folders,
    as paths from its top, found by ``list_files``' walk (ignored folders are not looked in)."""
    from flux_tui.tools.walk import WalkStopped, walk_files

    wanted = name.lower()
    deadline = time.monotonic() + _ELSEWHERE_SECONDS
    found: list[str] = []
    try:
        for path in walk_files(workspace.root, workspace.root, lambda: time.monotonic() > deadline):
            if path.name.lower() == wanted:
                found.append(path.relative_to(workspace.root).as_posix())
                if len(found) == _ELSEWHERE_SHOWN:
                    break
    except WalkStopped:
        pass
    return found


def _attr(value: str) -> str:
    """``value`` as an XML attribute: quotes and ``&<>`` escaped, so the model reads the exact command."""
    return html.escape(value, quote=True)


def _read_file(real: Path, shown: str) -> tuple[str, str | None]:
    """The start of a regular file (a pipe or a device is refused without waiting on it)."""
    with open_regular(real, shown) as (handle, st):
        data = handle.read(MAX_ATTACH_BYTES + 1)
    if b"\x00" in data[:8192]:
        return "", "binary file: not attached"
    cut = len(data) > MAX_ATTACH_BYTES
    text = data[:MAX_ATTACH_BYTES].decode("utf-8", errors="replace")
    if not cut:
        return text, None
    text = text.rsplit("\n", 1)[0] if "\n" in text else text
    size = st.st_size
    lines = text.count("\n") + 1
    note = f"cut after {lines:,} lines ({MAX_ATTACH_BYTES:,} of {size:,} bytes); read_file can read the rest"
    return f"{text}\n[… {note}]", note


def _listing(real: Path, workspace: Workspace) -> tuple[str, str | None]:
    entries = sorted(os.scandir(real), key=lambda e: (not e.is_dir(), e.name.lower()))
    names = [entry.name + ("/" if entry.is_dir() else "") for entry in entries]
    note = None
    if len(names) > MAX_LISTING:
        note = f"{counted(len(names) - MAX_LISTING, 'more entry', 'more entries')} not listed"
        names = [*names[:MAX_LISTING], f"[… {note}]"]
    return "\n".join(names) or "(empty directory)", note


def expand_mentions(
    prompt: str,
    workspace: Workspace,
    secret_files: SecretFiles | None = None,
    shell: list[ShellOutput] | None = None,
) -> Expanded:
    """The prompt with a ``<context>`` block holding each ``@path`` and the pending shell outputs."""
    secret_files = secret_files or SecretFiles()
    expanded = Expanded(prompt)
    blocks: list[str] = []
    seen: set[Path] = set()
    for match in _MENTION.finditer(prompt):
        quoted, raw = match.group(1) is not None, match.group(1) or match.group(2)
        for candidate in [raw] if quoted else _candidates(raw):
            try:
                real = workspace.resolve(candidate)
            except ToolError as exc:
                if os.path.lexists(workspace.root / candidate):  # there, but outside the jail
                    expanded.refused.append(f"@{candidate} not attached: {exc}")
                    break
                continue
            if not real.exists():
                continue
            if real in seen:
                break
            seen.add(real)
            shown = workspace.relative(real)
            try:
                if real.is_dir():
                    body, note = _listing(real, workspace)
                    shown = shown.rstrip("/") + "/"
                    expanded.attached.append(Attachment(candidate, shown, "directory", note))
                    blocks.append(f'<directory path="{_attr(shown)}">\n{body}\n</directory>')
                    break
                reason = secret_files.reason(shown)
                if reason:
                    ask = "Ask the assistant to read it (that asks first)."
                    expanded.refused.append(f"@{candidate} not attached: {reason}. {ask}")
                    break
                body, note = _read_file(real, shown)
            except ToolError as exc:
                expanded.refused.append(f"@{candidate} not attached: {exc}")
                break
            except OSError as exc:
                expanded.refused.append(f"@{candidate} not attached: {exc.strerror or exc}")
                break
            expanded.attached.append(Attachment(candidate, shown, "file", note))
            if body or not note:
                end = "" if body.endswith("\n") else "\n"
                blocks.append(f'<file path="{_attr(shown)}">\n{body}{end}</file>')
            break
        else:
            missing = _missing(raw, quoted, workspace)
            if missing:
                said, slip = missing
                expanded.refused.append(said)
                if slip:
                    expanded.slips.append(said)
    for item in shell or []:
        expanded.attached.append(Attachment(item.command, item.command, "command"))
        blocks.append(f'<command line="{_attr(item.command)}">\n{item.output}\n</command>')
    if blocks:
        expanded.text = prompt + CONTEXT_OPEN + "\n".join(blocks) + "\n" + CONTEXT_CLOSE
    return expanded


def complete_mention(text: str, workspace: Workspace) -> list[str]:
    """Whole-prompt completions of an ``@path`` being typed at the end of ``text`` (Tab)."""
    match = _TYPING.search(text)
    if match is None:
        return []
    quoted = match.group(1) is not None
    partial = match.group(1) if quoted else match.group(2)
    folder, _, stem = partial.rpartition("/")
    try:
        base = workspace.resolve(folder or ".")
        entries = list(os.scandir(base))
    except (ToolError, OSError):
        return []
    hidden = stem.startswith(".")
    names = sorted(
        entry.name + ("/" if entry.is_dir() else "")
        for entry in entries
        if entry.name.startswith(stem) and (hidden or not entry.name.startswith("."))
    )
    start = match.start(1) - 2 if quoted else match.start(2) - 1  # where the @ is
    out = []
    for name in names[:MAX_COMPLETIONS]:
        path = f"{folder}/{name}" if folder else name
        if quoted or " " in path:  # quoted, so the mention attaches
            out.append(f'{text[:start]}@"{path}"')
        else:
            out.append(f"{text[:start]}@{path}")
    return out
