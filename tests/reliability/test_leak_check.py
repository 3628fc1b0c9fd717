"""Keys that flow through a whole session (prompt, answer, tool result, provider errors) end up in none
of the files the app writes: the session database, its exports, the error log.

The suite-wide check (``no_test_key_in_written_files`` in tests/conftest.py) greps every file written
during the run; the last test here proves that check does find a key when there is one.
"""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

import pytest
from rel_support import KEYS, KINDS, MakeRig

from flux_tui.core.logging_setup import setup_logging
from flux_tui.sessions import export_jsonl, export_markdown

_ROOT_CONFTEST = Path(__file__).resolve().parents[1] / "conftest.py"


def _root_conftest():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("flux_tests_root_conftest", _ROOT_CONFTEST)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("kind", KINDS)
async def test_a_key_said_everywhere_is_written_nowhere(kind: str, make_rig: MakeRig, tmp_path: Path) -> None:
    key = KEYS[kind]
    rig = make_rig(kind)
    setup = setup_logging(secrets=KEYS.values(), log_dir=tmp_path / "logs")
    secret_file = rig.workspace / "creds.txt"
    try:
        secret_file.write_text(f"ANTHROPIC_API_KEY={key}\n")
        rig.queue_error(429, message=f"quota exceeded for {key}")
        rig.queue_calls([("call_1", "read_file", {"path": "creds.txt"})])
        rig.queue_text(f"Your key is {key}, keep it safe.")
        assert await rig.turn(f"my key is {key}; read creds.txt") == "end_turn"
        rig.queue_text(f"Again: {key} and more", error_after=3, error_message=f"bad {key}")
        assert await rig.turn("say it again") == "error"
        logging.getLogger("flux_tui.test").error("while talking to %s with %s", kind, key)
        loaded = rig.reload()
        exports = tmp_path / "exports"
        exports.mkdir()
        (exports / "s.jsonl").write_text(export_jsonl(loaded, secrets=KEYS.values()))
        (exports / "s.md").write_text(export_markdown(loaded, secrets=KEYS.values()))
    finally:
        setup.close()
        secret_file.unlink()  # the test's own input: not something the app wrote
    rig.recorder.close()
    rig.store.close()
    assert any(key in str(e) for e in rig.events.all)  # it really flowed through the live events
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert {p.suffix for p in written} >= {".db", ".log", ".jsonl", ".md"}
    assert _root_conftest().files_containing([tmp_path], (key,)) == []
    # ...and not because nothing was written: the redacted forms are there
    assert "Your key is [REDACTED]" in (tmp_path / "exports" / "s.jsonl").read_text()
    assert "with [REDACTED]" in setup.path.read_text()


def test_the_suite_check_finds_a_planted_key(tmp_path: Path) -> None:
    check = _root_conftest()
    planted = tmp_path / "deep" / "dir" / "leak.bin"
    planted.parent.mkdir(parents=True)
    planted.write_bytes(b"\x00\x01 sk-not-a-registered-key-0000 \xff")
    try:
        hits = check.files_containing([tmp_path], ("sk-not-a-registered-key-0000",))
        assert hits == [f"{planted}: sk-not-a-registered-key-0000"]
        assert set(KEYS.values()) <= set(check.TEST_SECRETS)
    finally:
        planted.unlink()
