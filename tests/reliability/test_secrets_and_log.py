"""Keys never leave the process: provider errors, retry notices and the error log are redacted; the log
file is private (0600 in a 0700 dir) and lives where the config says."""

from __future__ import annotations

import logging
import os
import socket
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fakeapi import FakeAPI
from rel_support import KEYS, KINDS, MakeRig

from flux_tui.core.config import load_config
from flux_tui.core.errors import ProviderError
from flux_tui.core.logging_setup import (
    LOG_FILENAME,
    RedactingFilter,
    config_secrets,
    setup_logging,
)
from flux_tui.core.redact import Redactor
from flux_tui.llm.base_provider import ProviderSettings
from flux_tui.llm.provider_factory import create_provider

_PREFIXES = ("FLUX_", "ANTHROPIC_", "OPENAI_")


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(os.environ):
        if name.upper().startswith(_PREFIXES):
            monkeypatch.delenv(name, raising=False)
    (tmp_path / "cfg").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FLUX_CONFIG_DIR", str(tmp_path / "cfg"))
    return tmp_path


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), logging.getLogger("flux_tui").level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    logging.getLogger("flux_tui").setLevel(level)


async def _fail(provider: Any) -> ProviderError:
    with pytest.raises(ProviderError) as info:
        async for _ in provider.send_message("hi"):
            pass
    await provider.aclose()
    return info.value


@pytest.mark.parametrize("kind", KINDS)
async def test_key_in_the_base_url_is_not_in_the_error(kind: str) -> None:
    key = KEYS[kind]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = ProviderSettings(
        name=kind, kind=kind, model="m", api_key=key, base_url=f"http://127.0.0.1:{port}/{key}/v1"
    )
    error = await _fail(create_provider(settings))
    assert error.status_code is None and f"127.0.0.1:{port}" in str(error)
    assert key not in str(error) and key not in error.message and "[REDACTED]" in str(error)


@pytest.mark.parametrize("kind", KINDS)
async def test_key_in_headers_of_a_failing_request_is_not_in_the_error(kind: str, fake_api: FakeAPI) -> None:
    key = KEYS[kind]
    fake_api.queue_error(kind, 500, message=f"upstream said: bad header x-extra={key}")
    base = fake_api.anthropic_base_url if kind == "anthropic" else fake_api.openai_base_url
    settings = ProviderSettings(
        name=kind, kind=kind, model="m", api_key=key, base_url=base, extra_headers={"x-extra": key}
    )
    error = await _fail(create_provider(settings))
    assert fake_api.last_request().headers["x-extra"] == key  # the key really was on the wire
    assert "upstream said" in str(error)
    assert key not in str(error)


@pytest.mark.parametrize("kind", KINDS)
async def test_retry_notices_are_redacted(kind: str, make_rig: MakeRig) -> None:
    rig = make_rig(kind)
    rig.queue_error(429, message=f"key {KEYS[kind]} is over its quota")
    rig.queue_text("ok")
    await rig.turn("hi")
    (notice,) = rig.events.notices()
    assert KEYS[kind] not in notice and notice.startswith(f"rate limited by {kind}")


def test_log_file_is_private_redacted_and_in_the_state_dir(clean_env: Path, restore_logging: None) -> None:
    key = KEYS["anthropic"]
    config, _ = load_config(anthropic_api_key=key, data_dir=clean_env / "data")
    assert config_secrets(config) == [key]
    setup = setup_logging(config)
    assert setup.path == clean_env / "data" / "logs" / LOG_FILENAME
    log = logging.getLogger("flux_tui.test")
    log.info("request with key=%s", key)
    log.warning("header Authorization: Bearer %s", "sk-proj-notconfigured0123456789abcdef")
    try:
        raise RuntimeError(f"boom with {key}")
    except RuntimeError:
        log.exception("a failure")
    logging.getLogger("httpx2").info("POST %s (not recorded: INFO of a library)", key)
    logging.getLogger("httpx2").warning("library warning %s", key)
    setup.close()
    text = setup.path.read_text()
    assert key not in text and "sk-proj-notconfigured" not in text
    assert "request with key=[REDACTED]" in text
    assert "Authorization: Bearer [REDACTED]" in text
    assert "RuntimeError: boom with [REDACTED]" in text  # the traceback too
    assert "library warning [REDACTED]" in text and "not recorded" not in text
    assert stat.S_IMODE(setup.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(setup.path.parent.stat().st_mode) == 0o700


def test_rotated_log_files_are_private_too(tmp_path: Path, restore_logging: None) -> None:
    setup = setup_logging(secrets=["sk-ant-unused-0123456789"], log_dir=tmp_path / "logs")
    setup.handler.maxBytes = 200  # type: ignore[attr-defined]
    for n in range(20):
        logging.getLogger("flux_tui.test").error("line %d %s", n, "z" * 50)
    setup.close()
    files = sorted((tmp_path / "logs").iterdir())
    assert len(files) > 1
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)


def test_setup_twice_keeps_one_handler(tmp_path: Path, restore_logging: None) -> None:
    first = setup_logging(log_dir=tmp_path / "a")
    second = setup_logging(log_dir=tmp_path / "b")
    names = [h.get_name() for h in logging.getLogger().handlers]
    assert names.count("flux-tui-file") == 1
    logging.getLogger("flux_tui.x").error("only in b")
    second.close()
    first.close()
    assert "only in b" in (tmp_path / "b" / LOG_FILENAME).read_text()
    assert "only in b" not in (tmp_path / "a" / LOG_FILENAME).read_text()


def test_redacting_filter_for_foreign_handlers() -> None:
    key = KEYS["openai"]
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "value %s", (key,), None)
    try:
        raise ValueError(key)
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    RedactingFilter(Redactor([key])).filter(record)
    formatted = logging.Formatter().format(record)
    assert key not in formatted and "value [REDACTED]" in formatted and "ValueError: [REDACTED]" in formatted
