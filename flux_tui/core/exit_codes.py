"""The exit codes of the command line: one table, which the code returns and ``--help`` prints.

Imported by ``cli.py`` before anything heavy (it imports nothing), so ``--help`` stays fast.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FAILED = 1  # the turn failed (run), or no such session or file
    USAGE = 2  # a configuration or usage problem
    MAX_STEPS = 3
    STORE = 4
    INTERRUPTED = 130
    BROKEN_PIPE = 141  # 128 + SIGPIPE, as a Unix tool ends


#: What each code means, in the words of the top-level ``--help``.
MEANING: dict[ExitCode, str] = {
    ExitCode.OK: "done",
    ExitCode.FAILED: "the turn failed, or no such session or file",
    ExitCode.USAGE: "a configuration or usage problem",
    ExitCode.MAX_STEPS: "the step limit was hit (run)",
    ExitCode.STORE: "the session store cannot be used (damaged, not flux-tui's, newer, locked) or the "
    "run could not be saved in it",
    ExitCode.INTERRUPTED: "interrupted",
    ExitCode.BROKEN_PIPE: "standard output was closed early (a pipe to head...)",
}


def describe(meanings: dict[ExitCode, str] | None = None) -> str:
    """``exit codes: 0 done; 1 ...`` for ``--help``: ``meanings`` (a subcommand's own words, in its
    order) or the whole table."""
    table = MEANING if meanings is None else meanings
    return "exit codes: " + "; ".join(f"{int(code)} {text}" for code, text in table.items()) + "."
