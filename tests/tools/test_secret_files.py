"""Files that hold secrets ask before they are read; search_files follows read_file's policy; commands
run without the API keys in their environment and their cut output never keeps half a key."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest

from flux_tui.core.config import Config
from flux_tui.core.protocols import PreparedCall
from flux_tui.core.transcript import ToolCall
from flux_tui.tools import ToolBox
from flux_tui.tools.command import HEAD_CHARS, TAIL_CHARS, _Collector, child_env
from flux_tui.tools.secret_files import SecretFiles

KEY = "sk-ant-api03-" + "Q7w8E9r0" * 6


@pytest.mark.parametrize(
    "path",
    [
        ".env",
        ".env.local",
        "config/.env.production",
        "certs/server.pem",
        "tls.KEY",
        "home/.ssh/id_rsa",
        "id_ed25519",
        ".aws/credentials",
        "home/.aws/credentials",
        "credentials",
        ".netrc",
        ".npmrc",
        ".pypirc",
        "keystore.p12",
        "flux.toml",
    ],
)
def test_secret_looking_files_are_recognised(path: str) -> None:
    assert SecretFiles().match(path) is not None
    assert "may hold secrets" in (SecretFiles().reason(path) or "")


@pytest.mark.parametrize(
    "path",
    [".env.example", "id_rsa.pub", "src/id_utils.py", "README.md", "environment.py", "keys.py", "env.md"],
)
def test_ordinary_files_are_not(path: str) -> None:
    assert SecretFiles().match(path) is None


def test_the_globs_are_configurable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no flux.toml or .env of the working directory
    monkeypatch.setenv("FLUX_CONFIG_DIR", str(tmp_path / "config"))
    files = SecretFiles(["*.secret", "!public.secret"])
    assert files.match("a/b.secret") == "*.secret"
    assert files.match("public.secret") is None
    assert files.match(".env") is None
    assert Config(tools={"secret_files": ["*.secret"]}).tools.secret_files == ["*.secret"]
    assert ".env" in Config().tools.secret_files
    box = ToolBox.from_config(Config(workspace=tmp_path, tools={"secret_files": []}))
    assert box.prepare(ToolCall("c", "read_file", {"path": ".env"})).decision == "auto"


def prep(box: ToolBox, name: str, args: dict[str, Any]) -> PreparedCall:
    return box.prepare(ToolCall("c1", name, args))


def run(box: ToolBox, prepared: PreparedCall) -> Any:
    return asyncio.run(box.run(prepared))


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    (tmp_path / ".env").write_text(f"ANTHROPIC_API_KEY={KEY}\nDEBUG=1\n")
    (tmp_path / "app.py").write_text("import os\nDEBUG = os.environ['DEBUG']\n")
    return tmp_path


def test_reading_a_secret_file_asks_although_read_file_is_allowed(ws: Path) -> None:
    box = ToolBox(ws)
    assert prep(box, "read_file", {"path": "app.py"}).decision == "auto"
    prepared = prep(box, "read_file", {"path": ".env"})
    assert prepared.decision == "ask"
    assert prepared.reason is not None and ".env may hold secrets" in prepared.reason
    # Approving "for the session" covers this secret file, not a looser read_file.
    assert prepared.approval_key == "secret_file:.env"
    box.allow_for_session("secret_file:.env")
    assert prep(box, "read_file", {"path": "sub/../.env"}).decision == "auto"


def test_yolo_reads_secret_files_and_deny_still_denies(ws: Path) -> None:
    assert prep(ToolBox(ws, yolo=True), "read_file", {"path": ".env"}).decision == "yolo"
    assert prep(ToolBox(ws, policy={"read_file": "deny"}), "read_file", {"path": ".env"}).decision == (
        "policy_deny"
    )


def test_a_link_to_a_secret_file_is_a_secret_file(ws: Path) -> None:
    (ws / "notes.txt").symlink_to(ws / ".env")
    prepared = prep(ToolBox(ws), "read_file", {"path": "notes.txt"})
    assert prepared.decision == "ask" and ".env may hold secrets" in (prepared.reason or "")


def test_a_path_swapped_for_a_secret_file_after_the_decision_is_refused(ws: Path) -> None:
    box = ToolBox(ws)
    (ws / "notes.txt").write_text("hello\n")
    prepared = prep(box, "read_file", {"path": "notes.txt"})
    assert prepared.decision == "auto"
    (ws / "notes.txt").unlink()
    (ws / "notes.txt").symlink_to(ws / ".env")
    outcome = run(box, prepared)
    assert outcome.is_error and "may hold secrets" in outcome.content and KEY not in outcome.content


def test_an_approved_secret_read_does_not_become_the_file_context(ws: Path) -> None:
    box = ToolBox(ws)
    outcome = run(box, prep(box, "read_file", {"path": ".env"}))
    assert not outcome.is_error
    assert outcome.touched_path is None  # re-read for every request, without asking again
    assert run(box, prep(box, "read_file", {"path": "app.py"})).touched_path == str(ws / "app.py")


def test_search_files_follows_read_file_policy(ws: Path) -> None:
    denied = ToolBox(ws, policy={"read_file": "deny", "search_files": "allow"})
    assert "search_files" not in [s["name"] for s in denied.schemas()]
    prepared = prep(denied, "search_files", {"pattern": "KEY"})
    assert prepared.decision == "policy_deny"
    assert prepared.reason is not None and "read_file is denied" in prepared.reason
    asking = ToolBox(ws, policy={"read_file": "ask"})
    assert prep(asking, "search_files", {"pattern": "KEY"}).decision == "ask"
    assert prep(ToolBox(ws), "search_files", {"pattern": "KEY"}).decision == "auto"


def test_searching_a_directory_leaves_secret_files_out(ws: Path) -> None:
    box = ToolBox(ws)
    outcome = run(box, prep(box, "search_files", {"pattern": "API_KEY|DEBUG"}))
    assert KEY not in outcome.content and ".env:" not in outcome.content
    assert "app.py:2: DEBUG" in outcome.content
    assert "not searched, they may hold secrets: .env" in outcome.content
    nothing = run(box, prep(box, "search_files", {"pattern": "ANTHROPIC"}))
    assert "no matches" in nothing.content and "may hold secrets: .env" in nothing.content


def test_searching_a_secret_file_by_name_asks_first(ws: Path) -> None:
    box = ToolBox(ws)
    prepared = prep(box, "search_files", {"pattern": "DEBUG", "path": ".env"})
    assert prepared.decision == "ask" and "may hold secrets" in (prepared.reason or "")
    assert run(box, prepared).content == ".env:2: DEBUG=1"


def test_commands_run_without_the_keys_in_their_environment(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    monkeypatch.setenv("MY_PROVIDER_KEY", "nk-configured-0123456789")  # a named provider's api_key_env
    monkeypatch.setenv("FLUX_TEST_PLAIN", "visible")
    env = child_env({"nk-configured-0123456789"})
    assert "ANTHROPIC_API_KEY" not in env and "MY_PROVIDER_KEY" not in env
    assert env["FLUX_TEST_PLAIN"] == "visible"
    box = ToolBox(ws, secret_values=["nk-configured-0123456789"], policy={"run_command": "allow"})
    outcome = run(box, prep(box, "run_command", {"command": "env"}))
    assert "FLUX_TEST_PLAIN=visible" in outcome.content
    assert KEY not in outcome.content and "nk-configured-0123456789" not in outcome.content


def test_long_command_output_is_not_cut_through_a_key() -> None:
    collector = _Collector()
    # The head's limit falls 10 characters into the first key, the tail's 19 before the second ends.
    head = "x" * (HEAD_CHARS - 11) + " " + KEY
    tail = KEY + " " + "z" * (TAIL_CHARS - 20)
    collector.feed((head + " " + "y" * 30_000 + " " + tail).encode())
    text = collector.text()
    kept_head, _, kept_tail = text.partition("bytes of output omitted")
    assert kept_tail
    assert "sk-ant" not in kept_head and kept_head.startswith("x" * (HEAD_CHARS - 11) + " \n")
    assert KEY[-19:] not in kept_tail and kept_tail.endswith("z" * (TAIL_CHARS - 20))


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
def test_the_parent_environment_is_readable_so_results_must_be_redacted(ws: Path) -> None:
    """What the child-environment filter cannot stop: the app's own environment is one read away."""
    box = ToolBox(ws, policy={"run_command": "allow"})
    outcome = run(box, prep(box, "run_command", {"command": "tr '\\0' '\\n' < /proc/$PPID/environ"}))
    assert "PATH=" in outcome.content and os.environ["PATH"] in outcome.content
