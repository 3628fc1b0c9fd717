"""No key reaches the model: what the fake API server received after tools read keys holds none.

The keys sit where a real setup has them: the environment (``ANTHROPIC_API_KEY``...), a ``.env`` in the
workspace, a file a command prints, the app's own environment as ``/proc/$PPID/environ`` shows it. The
marker that replaces them names the source, and the user sees it in the tool result too.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from agent_rig import KEYS, MakeRig
from fakeapi import FakeAPI
from test_headless import config_for, run
from test_headless import workspace as workspace

from flux_tui.core.agent_events import ToolCallFinished
from flux_tui.core.protocols import ApprovalDecision, ApprovalRequest
from flux_tui.headless import EXIT_OK

KINDS = ["anthropic", "openai"]
ENV_KEYS = {
    "ANTHROPIC_API_KEY": "sk-ant-api03-" + "Zx81Qm4T" * 6,
    "OPENAI_API_KEY": "sk-proj-" + "Lp03Vb7N" * 5,
    "GITHUB_TOKEN": "gho_" + "Ak2" * 12,
}
STRIPE = "sk_live_" + "51Hq2w3e4r5t6y7u8i9o0p"


@pytest.fixture
def env_keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    for name, value in ENV_KEYS.items():
        monkeypatch.setenv(name, value)
    yield ENV_KEYS


class Approvals:
    def __init__(self) -> None:
        self.requests: list[ApprovalRequest] = []

    async def __call__(self, request: ApprovalRequest) -> ApprovalDecision:
        self.requests.append(request)
        return ApprovalDecision("approved")


def sent(api: FakeAPI) -> str:
    """Everything the server received, bodies and headers, as one string."""
    return "\n".join(json.dumps(r.body) + json.dumps(r.headers) for r in api.requests)


def assert_no_key(api: FakeAPI, keys: list[str]) -> None:
    everything = sent(api)
    assert api.requests and [k for k in keys if k in everything] == []


@pytest.mark.parametrize("kind", KINDS)
async def test_an_approved_env_file_reaches_the_model_redacted(
    kind: str, make_rig: MakeRig, env_keys: dict[str, str]
) -> None:
    approvals = Approvals()
    rig = make_rig(kind, approver=approvals)
    (rig.workspace / ".env").write_text(
        f"ANTHROPIC_API_KEY={env_keys['ANTHROPIC_API_KEY']}\nSTRIPE_KEY={STRIPE}\nDEBUG=1\n"
    )
    rig.queue_calls([("call_1", "read_file", {"path": ".env"})])
    rig.queue_text("It holds a key.")

    assert await rig.agent.run_turn("what is in .env?") == "end_turn"

    # read_file is allowed, yet a .env asks first, and says why.
    assert [r.tool_name for r in approvals.requests] == ["read_file"]
    assert "may hold secrets" in (approvals.requests[0].reason or "")
    assert_no_key(rig.api, [*env_keys.values(), STRIPE])
    body = json.dumps(rig.bodies()[-1])
    assert "ANTHROPIC_API_KEY=[redacted: ANTHROPIC_API_KEY]" in body
    assert "STRIPE_KEY=[redacted: Stripe key]" in body and "DEBUG=1" in body
    # The user sees what left: the tool result on screen carries the same markers.
    (finished,) = rig.recorder.of(ToolCallFinished)
    assert "[redacted: ANTHROPIC_API_KEY]" in finished.result


@pytest.mark.parametrize("kind", KINDS)
async def test_command_output_and_the_parent_environment_are_redacted(
    kind: str, make_rig: MakeRig, env_keys: dict[str, str]
) -> None:
    rig = make_rig(kind, policy={"run_command": "allow"})
    # What ``tr '\0' '\n' < /proc/$PPID/environ`` prints for an app started with the keys exported (the
    # test process's own /proc entry shows the environment it was started with, not monkeypatch's).
    environ = "".join(f"{name}={value}\0" for name, value in env_keys.items())
    (rig.workspace / "environ").write_text("PATH=/usr/bin\0" + environ)
    command = "env; tr '\\0' '\\n' < environ; tr '\\0' '\\n' < /proc/$PPID/environ"
    rig.queue_calls([("call_1", "run_command", {"command": command})])
    rig.queue_text("Done.")

    assert await rig.agent.run_turn("show me the environment") == "end_turn"

    assert_no_key(rig.api, list(env_keys.values()))
    body = json.dumps(rig.bodies()[-1])
    assert "OPENAI_API_KEY=[redacted: OPENAI_API_KEY]" in body
    assert "GITHUB_TOKEN=[redacted: GITHUB_TOKEN]" in body
    assert "PATH=/usr/bin" in body


@pytest.mark.parametrize("kind", KINDS)
async def test_the_file_context_of_a_read_file_is_redacted(
    kind: str, make_rig: MakeRig, env_keys: dict[str, str]
) -> None:
    rig = make_rig(kind)
    key = env_keys["OPENAI_API_KEY"]
    (rig.workspace / "settings.py").write_text(f'OPENAI_KEY = "{key}"\nDEBUG = True\n')
    rig.queue_calls([("call_1", "read_file", {"path": "settings.py"})])
    rig.queue_text("A hard-coded key.")
    rig.queue_text("Still there.")

    assert await rig.agent.run_turn("read settings.py") == "end_turn"
    assert await rig.agent.run_turn("and now?") == "end_turn"

    # The file became the "current file", sent with every request: redacted as the result was.
    assert "Current file:" in json.dumps(rig.bodies()[-1])
    assert "DEBUG = True" in json.dumps(rig.bodies()[-1])
    assert_no_key(rig.api, [key])


@pytest.mark.parametrize("kind", KINDS)
async def test_search_files_is_denied_with_read_file(kind: str, make_rig: MakeRig) -> None:
    rig = make_rig(kind, policy={"read_file": "deny", "search_files": "allow"})
    (rig.workspace / "notes.txt").write_text("the launch code is 0000\n")
    rig.queue_calls([("call_1", "search_files", {"pattern": "launch"})])
    rig.queue_text("I cannot search.")

    assert await rig.agent.run_turn("find the launch code") == "end_turn"

    first, second = rig.bodies()
    tools = json.dumps(first.get("tools"))
    assert "search_files" not in tools and "read_file" not in tools
    assert "launch code is" not in json.dumps(second)
    assert "search_files is disabled because read_file is denied" in json.dumps(second)


async def test_headless_denies_a_secret_file_and_redacts_it_under_yolo(
    fake_api: FakeAPI, workspace: Path
) -> None:
    key = KEYS["anthropic"]  # the configured key, wherever it is found
    env_file = workspace / ".env"
    env_file.write_text(f"MY_ANTHROPIC={key}\n")
    try:
        fake_api.queue_anthropic_tool_use([("toolu_1", "read_file", {"path": ".env"})])
        fake_api.queue_anthropic_text("Denied.")
        code, _, err = await run(config_for(fake_api, workspace), "read .env")
        assert code == EXIT_OK and "read_file denied" in err and "--yolo" in err
        assert key not in json.dumps(fake_api.requests[-1].body)

        fake_api.queue_anthropic_tool_use([("toolu_2", "read_file", {"path": ".env"})])
        fake_api.queue_anthropic_text("Read.")
        code, _, err = await run(config_for(fake_api, workspace), "read .env", yolo=True)
        assert code == EXIT_OK
        body = json.dumps(fake_api.requests[-1].body)
        assert key not in body and "MY_ANTHROPIC=[redacted: ANTHROPIC_API_KEY]" in body
        assert key not in err
    finally:
        env_file.unlink()  # the test's own input, not something the app wrote
