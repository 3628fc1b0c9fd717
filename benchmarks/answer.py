"""The realistic Markdown answer the benchmark server streams: headings, paragraphs, lists, fenced code
and a table, cut to an exact number of word tokens and ending with a marker in a paragraph of its own.

"Tokens" are the fake API's word tokens (``fakeapi_sse.tokenize``: a word with its leading whitespace),
so ``answer_tokens(n, marker)`` is exactly what the server sends as ``n`` content deltas of one token.
"""

from __future__ import annotations

from benchmarks.fakeapi_path import fakeapi_sse as sse

_PROSE = (
    "the stream renders each block once while the parser keeps only the last paragraph open so a long "
    "answer costs the same per token at the end as at the start and the terminal receives small updates "
    "instead of the whole document every frame"
)
_WORDS = _PROSE.split()


def _paragraph(n: int, words: int) -> str:
    picked = [_WORDS[(n * 7 + i) % len(_WORDS)] for i in range(words)]
    picked[0] = picked[0].capitalize()
    return " ".join(picked) + "."


def _section(n: int) -> str:
    """One of five kinds of block, in turn, numbered so no two sections are identical."""
    kind = n % 5
    if kind == 0:
        return f"## Step {n}: measure before changing anything\n\n{_paragraph(n, 48)}"
    if kind == 1:
        items = "\n".join(f"- item {n}.{i}: {_paragraph(n + i, 9)}" for i in range(5))
        return f"{_paragraph(n, 20)}\n\n{items}"
    if kind == 2:
        code = "\n".join(
            [
                "```python",
                f"def render_{n}(chunks: list[str]) -> int:",
                '    """Append each chunk and return how many lines changed."""',
                "    changed = 0",
                "    for chunk in chunks:",
                "        changed += chunk.count('\\n')",
                f"        buffer.append(chunk)  # step {n}",
                "    return changed",
                "```",
            ]
        )
        return f"Here is the helper for step {n}:\n\n{code}"
    if kind == 3:
        rows = "\n".join(f"| case {n}.{i} | {i * 13 % 7} ms | {i * 29 % 11} MB |" for i in range(4))
        return f"### Results {n}\n\n| scenario | latency | memory |\n|---|---:|---:|\n{rows}"
    steps = "\n".join(f"{i}. {_paragraph(n * 3 + i, 11)}" for i in range(1, 5))
    return f"{_paragraph(n, 30)}\n\n{steps}"


def answer_tokens(count: int, marker: str, *, first_section: int = 0) -> list[str]:
    """Exactly ``count`` tokens of Markdown (``count`` >= 1); the last one is the marker.
    ``first_section`` varies the text (a session of many answers)."""
    if count < 1:
        raise ValueError("an answer has at least one token (the marker)")
    budget = count - 1
    tokens: list[str] = []
    n = first_section
    while True:
        section = sse.tokenize(("\n\n" if tokens else "") + _section(n))
        if len(tokens) + len(section) > budget - 2:  # keep room for the filler paragraph
            break
        tokens += section
        n += 1
    rest = budget - len(tokens)
    if rest:
        filler = sse.tokenize(("\n\n" if tokens else "") + _paragraph(n, rest))
        tokens += filler[:rest]
    tokens.append(("\n\n" if tokens else "") + marker)
    return tokens


def answer_text(count: int, marker: str, *, first_section: int = 0) -> str:
    return "".join(answer_tokens(count, marker, first_section=first_section))
