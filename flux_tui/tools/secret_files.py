"""Files that usually hold secrets (``.env``, private keys, credentials): reading them asks first.

The globs come from ``[tools] secret_files`` in flux.toml (default ``DEFAULT_SECRET_FILES``). A glob
matches the file name or its path relative to the workspace (``.aws/credentials`` also matches
``home/.aws/credentials``), case-insensitively; a glob starting with ``!`` exempts what it matches.
"""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase

from flux_tui.core._config_models import DEFAULT_SECRET_FILES

SECRET_REASON = "may hold secrets"


def _matches(rel: str, glob: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return fnmatchcase(name, glob) or fnmatchcase(rel, glob) or fnmatchcase(rel, "*/" + glob)


class SecretFiles:
    """Says whether a workspace path looks like a file that holds secrets."""

    def __init__(self, globs: Iterable[str] = DEFAULT_SECRET_FILES) -> None:
        cleaned = [g.strip().lower() for g in globs if g and g.strip()]
        self.include = [g for g in cleaned if not g.startswith("!")]
        self.exclude = [g[1:] for g in cleaned if g.startswith("!") and len(g) > 1]

    def match(self, rel: str) -> str | None:
        """The glob that marks ``rel`` (a POSIX path relative to the workspace) as secret, or None."""
        rel = rel.lower().removeprefix("./")
        if any(_matches(rel, glob) for glob in self.exclude):
            return None
        return next((glob for glob in self.include if _matches(rel, glob)), None)

    def reason(self, rel: str) -> str | None:
        """The approval dialog's explanation for ``rel``, or None when it is not a secret file."""
        glob = self.match(rel)
        if glob is None:
            return None
        return f"{rel} {SECRET_REASON} (it matches {glob!r} in [tools] secret_files)"
