"""``flux-tui run "... @file"``: the fake API server receives the file in the prompt."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from fakeapi import FakeAPI
from test_headless_output import config_for, workspace  # noqa: F401  (the fixture)

from flux_tui.headless import EXIT_OK, run_headless


@pytest.mark.parametrize("kind", ["anthropic", "openai"])
async def test_headless_prompt_carries_the_attached_file(
    fake_api: FakeAPI, workspace: Path, kind: str  # noqa: F811
) -> None:
    (workspace / ".env").write_text("SECRET=1\n")
    if kind == "anthropic":
        fake_api.queue_anthropic_text("It says milk.")
    else:
        fake_api.queue_openai_text("It says milk.")
    err = io.StringIO()
    prompt = "what is in @notes.md and @.env?"
    code = await run_headless(config_for(fake_api, workspace, kind), prompt, out=io.StringIO(), err=err)
    assert code == EXIT_OK
    path = "/v1/messages" if kind == "anthropic" else "/chat/completions"
    sent = json.dumps(fake_api.last_request(path).body["messages"][-1])
    assert "remember the milk" in sent and '<file path=\\"notes.md\\">' in sent
    assert "SECRET=1" not in sent
    assert "attached notes.md" in err.getvalue() and "@.env not attached" in err.getvalue()
