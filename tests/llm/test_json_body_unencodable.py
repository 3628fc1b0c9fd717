"""A message the JSON encoders refuse (a lone surrogate from a tool's output) is not kept encoded: the
request is built as if nothing were kept (a provider that posts its body itself then says what is
wrong, as before; one whose SDK sends it, Gemini's, is not stopped by a cache it does not use)."""

from __future__ import annotations

from flux_tui.llm._json_body import encode_each


def test_a_lone_surrogate_is_not_kept_encoded() -> None:
    assert encode_each([{"role": "user", "content": "ok"}, {"role": "tool", "content": "bad \udcff"}]) is None


def test_what_encodes_is_kept() -> None:
    assert encode_each([{"a": "é"}]) == ['{"a":"é"}'.encode()]
