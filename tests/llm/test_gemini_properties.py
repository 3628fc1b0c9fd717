"""Any transcript (whoever produced it) translates to a valid Gemini request: the cross-provider
property tests of ``test_translation_properties`` with Gemini as the target."""

from __future__ import annotations

import itertools
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_translation_properties import THINK_MARK, transcripts

from flux_tui.core.transcript import Transcript
from flux_tui.llm import _gemini_wire


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transcript=transcripts(), model=st.sampled_from(["model-a", "gemini-3-pro-preview"]))
def test_any_transcript_translates_to_a_valid_gemini_request(transcript: Transcript, model: str) -> None:
    before = transcript.to_dict()
    request = _gemini_wire.build_request(
        transcript.messages,
        model=model,
        max_tokens=1000,
        temperature=None,
        system_prompt="sys",
        file_context=None,
        tools=[{"name": "t", "description": "d", "input_schema": {"type": "object"}}],
        thinking_budget=None,
        include_thoughts=True,
    )
    contents = request["contents"]
    assert transcript.to_dict() == before  # translation never changes the transcript
    if not contents:
        return
    roles = [c["role"] for c in contents]
    assert roles[0] == "user" and roles[-1] == "user"
    assert all(a != b for a, b in itertools.pairwise(roles))  # alternating
    for index, content in enumerate(contents):
        assert content["parts"], "empty content"
        for part in content["parts"]:
            assert not part.get("thought") and THINK_MARK not in str(part.get("text", ""))
            if "text" in part:
                assert part["text"].strip()
        calls = [p["functionCall"] for p in content["parts"] if "functionCall" in p]
        if content["role"] == "model" and calls:
            answers = [p["functionResponse"] for p in contents[index + 1]["parts"] if "functionResponse" in p]
            asked = Counter((c["id"], c["name"]) for c in calls)
            assert asked == Counter((r["id"], r["name"]) for r in answers)
            if model.startswith("gemini-3"):
                first = next(p for p in content["parts"] if "functionCall" in p)
                assert first["thoughtSignature"]  # Gemini 3 rejects a turn's first call without one
        for part in content["parts"]:
            assert "thoughtSignature" not in part or "functionCall" in part
    ids = [p["functionCall"]["id"] for c in contents for p in c["parts"] if "functionCall" in p]
    assert len(ids) == len(set(ids))
