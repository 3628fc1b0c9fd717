"""The redaction filter, and that no key reaches the database file or an export."""

from __future__ import annotations

from pathlib import Path

import pytest
from session_samples import T0, assistant, user

from flux_tui.core.agent_events import (
    MessageCommitted,
    Notice,
    TextDelta,
    ToolCallFinished,
    ToolCallProposed,
    TurnFailed,
    TurnStarted,
)
from flux_tui.core.redact import REDACTED, Redactor, redact_text
from flux_tui.core.transcript import TextBlock, ThinkingBlock
from flux_tui.sessions import SessionRecorder, SessionStore, export_jsonl, export_markdown

ANTHROPIC_KEY = "sk-ant-api03-" + "A1b2C3d4E5f6G7h8" * 5
OPENAI_KEY = "sk-proj-" + "Z9y8X7w6V5u4" * 4
NAMED_KEY = "nk_live_q8W3e4R5t6Y7u8I9o0P"  # a named provider's key with no known shape


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"key={ANTHROPIC_KEY}.", f"key={REDACTED}."),
        (f"use {OPENAI_KEY} here", f"use {REDACTED} here"),
        ("sk-or-v1-0123456789abcdef0123456789abcdef", REDACTED),
        ("Authorization: Bearer abc.DEF-123_456~xyz", f"Authorization: Bearer {REDACTED}"),
        ("curl -H 'bearer abcdefgh12345678'", f"curl -H 'bearer {REDACTED}'"),
        ("x-api-key: 0123456789abcdef", f"x-api-key: {REDACTED}"),
        ('{"x-api-key": "0123456789abcdef"}', f'{{"x-api-key": "{REDACTED}"}}'),
        ('client = OpenAI(api_key="abcd1234efgh5678")', f'client = OpenAI(api_key="{REDACTED}")'),
        ("export MY_API_KEY=abc123def456ghi789", f"export MY_API_KEY={REDACTED}"),
        ("AIza" + "B" * 35, REDACTED),
        ("ghp_" + "a1" * 18, REDACTED),
    ],
)
def test_key_shapes_are_redacted(text: str, expected: str) -> None:
    assert redact_text(text) == expected
    assert redact_text(expected) == expected  # idempotent


@pytest.mark.parametrize(
    "text",
    [
        "pip install scikit-learn sk-learn",
        "The token count is 42; each token costs money.",
        'api_key = os.environ["OPENAI_API_KEY"]',
        "MAX_TOKEN = 4096",
        "RESET_TOKEN = compute_reset_token()",
        "Bearer tokens go in the Authorization header.",
        "The bearer instrument; Authorization: required",
        'headers = {"Authorization": f"Bearer {api_key}"}',
        "task-ask-sk-1234",
    ],
)
def test_ordinary_text_and_code_survive(text: str) -> None:
    assert redact_text(text) == text


def test_known_secrets_are_removed_wherever_they_appear() -> None:
    redactor = Redactor([NAMED_KEY, None, "", "short"])
    assert redactor.secrets == {NAMED_KEY}  # empty and too-short values would blank ordinary words
    data = {"a": [f"x{NAMED_KEY}y", {"b": (NAMED_KEY,)}], "n": 3, NAMED_KEY: "key names are kept"}
    assert redactor.redact(data) == {
        "a": [f"x{REDACTED}y", {"b": (REDACTED,)}],
        "n": 3,
        NAMED_KEY: "key names are kept",
    }


def test_opaque_provider_blobs_only_lose_exact_secrets() -> None:
    blob = "AIza" + "Q" * 35  # random base64 that happens to look like a Google key
    redactor = Redactor([NAMED_KEY])
    block = {"signature": blob, "redacted_data": f"{blob}{NAMED_KEY}", "text": blob}
    assert redactor.redact(block) == {"signature": blob, "redacted_data": blob + REDACTED, "text": REDACTED}


@pytest.mark.parametrize(
    ("text", "held"),
    [
        ("a finished sentence. ", ""),
        ("the key is sk-an", "sk-an"),
        ("partial wor", "wor"),
        ("Authorization: Bearer ", "Authorization: Bearer "),
        ("x-api-key: ", "x-api-key: "),
        (f"ends with the secret prefix {NAMED_KEY[:5]}", NAMED_KEY[:5]),
        ("x" * 300, ""),  # far longer than any key: not held
    ],
)
def test_the_tail_that_might_start_a_key_is_held_back(text: str, held: str) -> None:
    start = Redactor([NAMED_KEY]).unsafe_tail_start(text)
    assert text[start:] == held


def test_a_secret_with_spaces_split_across_writes_is_held_back() -> None:
    redactor = Redactor(["correct horse battery staple"])
    text = "my passphrase is correct horse "
    assert text[redactor.unsafe_tail_start(text) :] == "correct horse "


def _events_full_of_keys() -> list:
    prompt = f"My key is {ANTHROPIC_KEY} and the other {NAMED_KEY}"
    split = [
        TextDelta(ts=T0 + 1 + i / 100, text=piece)
        for i, piece in enumerate(_pieces(f"Echo {NAMED_KEY} done. "))
    ]
    return [
        TurnStarted(ts=T0, turn_id="t1", prompt=prompt, provider="anthropic", model="m"),
        MessageCommitted(ts=T0, message=user("u1", prompt, T0)),
        *split,
        MessageCommitted(
            ts=T0 + 2,
            message=assistant(
                "a1",
                [
                    ThinkingBlock(f"thinking {OPENAI_KEY}", "anthropic", "m", signature="sig"),
                    TextBlock(f"Echo {NAMED_KEY} done. "),
                ],
                T0 + 1,
                "anthropic",
                "m",
            ),
        ),
        ToolCallProposed(
            ts=T0 + 3, call_id="c1", name="shell", input={"cmd": f"curl -H 'x-api-key: {NAMED_KEY}'"}
        ),
        ToolCallFinished(ts=T0 + 4, call_id="c1", status="failed", result=f"401 for Bearer {OPENAI_KEY}"),
        Notice(ts=T0 + 5, text=f"retrying with {OPENAI_KEY}", level="warning"),
        TurnFailed(ts=T0 + 6, error=f"invalid key {ANTHROPIC_KEY}", error_type="AuthenticationError"),
    ]


def _pieces(text: str) -> list[str]:
    return [text[i : i + 3] for i in range(0, len(text), 3)]  # every key is split across deltas


def test_no_key_reaches_the_database_file(tmp_path: Path) -> None:
    path = tmp_path / "sessions.db"
    store = SessionStore(path)
    ticks = iter(float(n) for n in range(1000))  # a clock that passes the interval at every delta
    recorder = SessionRecorder(store, secrets=[NAMED_KEY], autoflush=False, clock=lambda: next(ticks))
    for event in _events_full_of_keys():
        recorder(event)
    recorder.close()
    loaded = store.load(recorder.ensure_session())

    def leaked(data: bytes | str) -> list[str]:
        raw = data.encode() if isinstance(data, str) else data
        keys = (ANTHROPIC_KEY, OPENAI_KEY, NAMED_KEY, NAMED_KEY[:14], NAMED_KEY[-14:])
        return [k for k in keys if k.encode() in raw]

    files = [p for p in tmp_path.iterdir() if p.name.startswith("sessions.db")]
    assert any(p.name.endswith("-wal") for p in files)  # written bytes are checked while still in the WAL
    for file in files:
        assert leaked(file.read_bytes()) == [], file.name
    assert "".join(e.text for e in loaded.events if isinstance(e, TextDelta)) == f"Echo {REDACTED} done. "
    assert leaked(export_jsonl(loaded)) == []
    assert leaked(export_markdown(loaded)) == []
    assert loaded.meta.title is not None and REDACTED in loaded.meta.title
    store.close()
    for file in tmp_path.iterdir():  # after the checkpoint into the main file
        assert leaked(file.read_bytes()) == [], file.name


def test_exports_redact_secrets_passed_to_them(store: SessionStore) -> None:
    session_id = store.create_session()
    store.append(session_id, [Notice(ts=T0, text="token abcdefghijklmnopqrstuvwxyz0123")])
    loaded = store.load(session_id)
    assert "abcdefghijklmnopqrstuvwxyz0123" in export_jsonl(loaded)  # not a key shape...
    secret = ["abcdefghijklmnopqrstuvwxyz0123"]
    assert "abcdefghijklmnopqrstuvwxyz0123" not in export_jsonl(loaded, secrets=secret)  # ...but a known key
    assert "abcdefghijklmnopqrstuvwxyz0123" not in export_markdown(loaded, secrets=secret)
