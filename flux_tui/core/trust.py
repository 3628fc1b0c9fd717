"""Which workspace folders the user trusts, and what an untrusted one asked for.

A cloned repository is not the user: its ``flux.toml``, ``.env`` and ``.mcp.json`` may ask to send the
user's keys to another server, run commands, or stop asking before tools run. ``load_config`` ignores
those settings unless the folder is trusted (see ``_config_trust``): listed in
``trusted-workspaces.json`` in the user's config dir (it or a folder above it), or ``--trust`` for one
run. The user-level config dir, the environment and the command line are the user's own and always apply.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

TRUST_FILE = "trusted-workspaces.json"
_KEY = "trusted_workspaces"


def _resolved(path: Path) -> Path:
    try:
        return path.expanduser().resolve()
    except (OSError, RuntimeError):
        return path.expanduser().absolute()


def trusted_folders(config_dir: Path) -> list[Path]:
    """The folders listed in the trust file (an unreadable or malformed file trusts nothing)."""
    try:
        data = json.loads((config_dir / TRUST_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return []
    listed = data.get(_KEY) if isinstance(data, dict) else None
    if not isinstance(listed, list):
        return []
    return [_resolved(Path(item)) for item in listed if isinstance(item, str) and item]


def add_trusted(config_dir: Path, folders: list[Path]) -> Path:
    """Add ``folders`` to the trust file (written whole, then renamed into place); returns its path."""
    path = config_dir / TRUST_FILE
    known = [str(p) for p in trusted_folders(config_dir)]
    for folder in folders:
        text = str(_resolved(folder))
        if text not in known:
            known.append(text)
    config_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=config_dir, prefix=".trusted-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({_KEY: known}, out, indent=2)
            out.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


@dataclass(frozen=True, slots=True)
class IgnoredSetting:
    """One setting of an untrusted folder that was not applied."""

    file: str
    line: int | None
    setting: str  # as written there: "yolo", "tools.policy.run_command", "OPENAI_BASE_URL"
    effect: str  # what it would have done, e.g. "runs tools without asking"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.setting} ({self.effect})"


@dataclass(slots=True)
class WorkspaceTrust:
    """The trust decision ``load_config`` made; ``ignored`` is empty when nothing needed trust."""

    folder: Path  # where flux.toml and .env were read (the working directory)
    config_dir: Path  # where the trust file lives
    granted: bool = False  # --trust: every folder, this run
    listed: list[Path] = field(default_factory=list)
    ignored: list[IgnoredSetting] = field(default_factory=list)

    def trusts(self, folder: Path) -> bool:
        if self.granted:
            return True
        target = _resolved(folder)
        return any(target == p or p in target.parents for p in self.listed)

    @property
    def folders(self) -> list[Path]:
        """The folders whose settings were ignored (what "trust" adds to the list)."""
        found: list[Path] = []
        for item in self.ignored:
            parent = _resolved(Path(item.file)).parent
            if parent not in found:
                found.append(parent)
        return found or [_resolved(self.folder)]

    def summary(self) -> str:
        """One line per ignored setting."""
        return "\n".join(f"  - {item}" for item in self.ignored)

    def notice(self, how: str = "run with --trust, or answer [t]rust when the app asks at start") -> str:
        """The one message about every ignored setting and how to trust the folder."""
        folders = ", ".join(str(p) for p in self.folders)
        return (
            f"This folder is not trusted ({folders}); these settings from its files were ignored:\n"
            f"{self.summary()}\nTo apply them, {how} (trusted folders are listed in "
            f"{self.config_dir / TRUST_FILE})."
        )
