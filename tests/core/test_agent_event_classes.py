"""The agent events share one ``__eq__`` and ``__repr__`` (the base's), and behave as dataclasses with
generated ones would: equal by class and fields, unhashable, shown with every field."""

from __future__ import annotations

import dataclasses

import pytest

from flux_tui.core.agent_events import (
    EVENT_TYPES,
    AgentEvent,
    Notice,
    TextDelta,
    ThinkingDelta,
    UsageReported,
    event_from_dict,
    event_to_dict,
)


def test_equal_by_class_and_fields() -> None:
    assert TextDelta(text="a", ts=1.0) == TextDelta(text="a", ts=1.0)
    assert TextDelta(text="a", ts=1.0) != TextDelta(text="b", ts=1.0)
    assert TextDelta(text="a", ts=1.0) != TextDelta(text="a", ts=2.0)
    assert TextDelta(text="a", ts=1.0) != ThinkingDelta(text="a", ts=1.0)  # same fields, other class
    assert TextDelta(text="a", ts=1.0) != "a"
    assert TextDelta(text="a", ts=1.0) in [Notice(text="a", ts=1.0), TextDelta(text="a", ts=1.0)]


def test_unhashable_like_a_mutable_dataclass() -> None:
    with pytest.raises(TypeError):
        hash(TextDelta(text="a"))


def test_repr_names_every_field() -> None:
    assert repr(TextDelta(text="a", ts=1.0)) == "TextDelta(ts=1.0, text='a')"
    shown = repr(UsageReported(provider="p", model="m", ts=2.0, cost=None))
    assert shown.startswith("UsageReported(ts=2.0, provider='p', model='m', input_tokens=0, ")
    assert shown.endswith("estimated=False, settled=False)")


@pytest.mark.parametrize("cls", list(EVENT_TYPES.values()), ids=lambda cls: cls.kind)
def test_each_class_is_a_slotted_dataclass_that_round_trips(cls: type[AgentEvent]) -> None:
    assert dataclasses.is_dataclass(cls) and "__slots__" in cls.__dict__
    values = {
        f.name: {} if "dict" in str(f.type) else "x"
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }
    event = cls(**values)
    assert event_from_dict(event_to_dict(event)) == event
    assert not hasattr(event, "__dict__")
