"""Project instructions and the environment, appended to the configured system prompt.

``AGENTS.md`` from the workspace root (``CLAUDE.md`` when there is no ``AGENTS.md``) and a user-level
``AGENTS.md`` from the config dir tell the model about the project and the user's habits; the
environment block tells it where it runs (workspace, OS, date, shell, git branch and state).

Everything is read once, on the first turn: the system prompt then stays the same for the whole
conversation, so the provider's prompt cache keeps hitting. ``refresh()`` reads again (after ``/init``).
"""

from __future__ import annotations

import datetime as _dt
import os
import platform
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_FILES = ("AGENTS.md", "CLAUDE.md")  # the first one present is used
USER_FILE = "AGENTS.md"
MAX_INSTRUCTION_BYTES = 32_000  # about 8k tokens; more is cut with a note
_GIT_TIMEOUT = 2.0


@dataclass(frozen=True, slots=True)
class InstructionFile:
    """One instruction file that went into the system prompt."""

    path: Path
    scope: str  # "project" or "user"
    text: str
    tokens: int
    truncated: bool = False


def _read(path: Path) -> tuple[str, bool] | None:
    try:
        if not path.is_file():
            return None
        with path.open("rb") as handle:
            data = handle.read(MAX_INSTRUCTION_BYTES + 1)
    except OSError:
        return None
    cut = len(data) > MAX_INSTRUCTION_BYTES
    text = data[:MAX_INSTRUCTION_BYTES].decode("utf-8", errors="replace")
    if cut:
        note = f"[… cut: {path.name} is longer than {MAX_INSTRUCTION_BYTES} bytes]"
        text = text.rsplit("\n", 1)[0] + "\n" + note
    return (text, cut) if text.strip() else None


def _count(text: str) -> int:
    from flux_tui.core.tokens import count_tokens

    return count_tokens(text, wait=False)


def find_instruction_files(workspace: Path, config_dir: Path | None) -> list[InstructionFile]:
    """The user-level file first (general habits), then the project's (more specific, read last)."""
    found: list[InstructionFile] = []
    candidates: list[tuple[Path, str]] = []
    if config_dir is not None:
        candidates.append((config_dir / USER_FILE, "user"))
    project = next((workspace / name for name in PROJECT_FILES if (workspace / name).is_file()), None)
    if project is not None:
        candidates.append((project, "project"))
    for path, scope in candidates:
        read = _read(path)
        if read is not None:
            found.append(InstructionFile(path, scope, read[0], _count(read[0]), read[1]))
    return found


def _git(workspace: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=workspace,
            capture_output=True,
            text=True,
            timeout=_GIT_TIMEOUT,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def git_state(workspace: Path) -> str:
    """``"yes, branch main, clean"``, ``"yes, branch x, uncommitted changes"`` or ``"no"``."""
    if _git(workspace, "rev-parse", "--is-inside-work-tree") is None:
        return "no"
    branch = (_git(workspace, "branch", "--show-current") or "").strip() or "(detached HEAD)"
    status = _git(workspace, "status", "--porcelain")
    state = "unknown state" if status is None else ("clean" if not status.strip() else "uncommitted changes")
    return f"yes, branch {branch}, {state}"


def environment_text(workspace: Path, today: _dt.date | None = None) -> str:
    shell = os.environ.get("SHELL") or os.environ.get("COMSPEC") or "unknown"
    system = f"{platform.system()} {platform.release()}".strip() or "unknown"
    lines = [
        "# Environment",
        f"- Workspace: {workspace}",
        f"- OS: {system}",
        f"- Date: {(today or _dt.date.today()).isoformat()}",
        f"- Shell: {shell}",
        f"- Git repository: {git_state(workspace)}",
    ]
    return "\n".join(lines)


def compose(base: str | None, files: list[InstructionFile], environment: str) -> str:
    parts = [base.strip()] if base and base.strip() else []
    for item in files:
        title = "User instructions" if item.scope == "user" else "Project instructions"
        parts.append(f"# {title} ({item.path.name}, {item.path})\n\n{item.text.strip()}")
    parts.append(environment)
    return "\n\n".join(parts)


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


@dataclass
class ProjectContext:
    """The system prompt of a conversation: the configured one, the instruction files, the environment.

    The environment is read once; the instruction files again only when one of them is created, changed
    or removed (``/init`` writing AGENTS.md, the user editing it), so an unchanged prompt stays cached.
    """

    base: str | None
    workspace: Path
    config_dir: Path | None = None
    files: list[InstructionFile] = field(default_factory=list)
    _prompt: str | None = None
    _environment: str | None = None
    _stamps: list[tuple[int, int] | None] = field(default_factory=list)

    def _candidates(self) -> list[Path]:
        paths = [self.workspace / name for name in PROJECT_FILES]
        if self.config_dir is not None:
            paths.append(self.config_dir / USER_FILE)
        return paths

    def system_prompt(self) -> str:
        stamps = [_stamp(path) for path in self._candidates()]
        if self._prompt is None or stamps != self._stamps:
            workspace = self.workspace.resolve()
            if self._environment is None:
                self._environment = environment_text(workspace)
            try:
                self.files = find_instruction_files(workspace, self.config_dir)
            except OSError:  # an unreadable directory: the conversation goes on without the files
                self.files = []
            self._prompt = compose(self.base, self.files, self._environment)
            self._stamps = stamps
        return self._prompt

    def refresh(self) -> None:
        """Read the files and the environment again on the next request."""
        self._prompt = None
        self._environment = None

    def __call__(self) -> str:
        return self.system_prompt()


INIT_PROMPT = (
    "Look at this workspace (list the files, read the README, the build or package files and a few "
    "central modules) and write a first AGENTS.md at its root with write_file. It is read into your "
    "system prompt at the start of every conversation here, so keep it short and concrete: what the "
    "project is, how it is laid out, how to build, run, test and lint it (the exact commands), and the "
    "conventions the code follows. Do not invent anything you have not seen."
)


def instructions_markdown(context: ProjectContext | None) -> str:
    """What ``/stats`` says about the instruction files (read now if no turn has read them yet)."""
    if context is None:
        return ""
    context.system_prompt()
    if not context.files:
        return (
            "### Instructions\n\nNo instruction file loaded (AGENTS.md or CLAUDE.md in the workspace, "
            "AGENTS.md in the config dir). `/init` writes a first AGENTS.md."
        )
    lines = ["### Instructions in the system prompt", "", "| file | scope | tokens |", "|---|---|--:|"]
    for item in context.files:
        note = " (cut)" if item.truncated else ""
        lines.append(f"| `{item.path}` | {item.scope} | {item.tokens:,}{note} |")
    return "\n".join(lines)
