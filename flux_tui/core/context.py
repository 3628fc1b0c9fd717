"""The "current file" block that providers append to the system prompt (``set_current_file_context``).

Rendered fresh for every request, so the model sees the file as it is on disk now. Large files are cut
at a line boundary with a note; binary or unreadable files become a one-line note, never an exception.
"""

from __future__ import annotations

from pathlib import Path

DEFAULT_MAX_BYTES = 48_000  # about 12k tokens: useful context without crowding out the conversation
_SNIFF_BYTES = 8192


def _is_binary(sample: bytes) -> bool:
    if b"\x00" in sample:
        return True
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the sample's end is still text.
        return exc.start < len(sample) - 3
    return False


def _decode_prefix(data: bytes) -> str:
    """Decode, dropping a multi-byte character cut in half at the end."""
    for trim in range(4):
        try:
            return data[: len(data) - trim].decode("utf-8")
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def render_file_context(
    path: str | None, *, max_bytes: int = DEFAULT_MAX_BYTES, root: str | Path | None = None
) -> str | None:
    """Text block naming the file and holding its content, or None when there is no current file.

    ``path`` is shown as given; a relative path is read relative to ``root`` (the workspace) when given.
    """
    if not path:
        return None
    target = Path(path)
    if root is not None and not target.is_absolute():
        target = Path(root) / target
    header = f"Current file: {path}"
    try:
        size = target.stat().st_size
        with target.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        return f"{header} (the file no longer exists)"
    except IsADirectoryError:
        return f"{header} (a directory, not a file)"
    except OSError as exc:
        return f"{header} (could not be read: {exc.strerror or exc.__class__.__name__})"

    if not data:
        return f"{header} (empty file)"
    if _is_binary(data[:_SNIFF_BYTES]):
        return f"{header} (binary file, {size:,} bytes; content not shown)"

    truncated = len(data) > max_bytes
    if truncated:
        data = data[:max_bytes]
        cut = data.rfind(b"\n")
        if cut > 0:
            data = data[: cut + 1]
    text = _decode_prefix(data)
    if not text.endswith("\n"):
        text += "\n"
    block = f"{header}\n<file_content>\n{text}</file_content>"
    if truncated:
        shown_lines = text.count("\n")
        block += (
            f"\n[Truncated: showing the first {shown_lines:,} lines ({len(data):,} of {size:,} bytes). "
            "Use read_file with an offset to see the rest.]"
        )
    return block
