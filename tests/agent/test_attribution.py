"""Attribution: every request of a turn has its cost; every tool call carries the cost of the request
that asked for it and what its result has cost since as input, until pruning left it out. The
inspector, ``/stats`` and the Markdown export show them."""

from __future__ import annotations

from pathlib import Path

import pytest
from agent_rig import MakeRig
from fakeapi import FakeAPI

from flux_tui.core.agent_events import (
    AgentEvent,
    HistoryCleared,
    MessageCommitted,
    Notice,
    ToolCallFinished,
    ToolCallProposed,
    TurnFinished,
    TurnStarted,
    UsageReported,
)
from flux_tui.core.attribution import attribute
from flux_tui.core.ledger import UsageLedger
from flux_tui.core.money import usd
from flux_tui.core.tokens import count_tokens
from flux_tui.sessions import SessionStore, export_markdown
from flux_tui.ui.reports import stats_markdown


def request(cost: float, input_cost: float, prompt: int) -> UsageReported:
    return UsageReported(
        provider="anthropic",
        model="claude-sonnet-4-6",
        input_tokens=prompt,
        output_tokens=100,
        cost=cost,
        input_cost=input_cost,
    )


RESULT = "line of a big file\n" * 200


def started(turn_id: str, prompt: str) -> TurnStarted:
    return TurnStarted(turn_id=turn_id, prompt=prompt, provider="anthropic", model="claude-sonnet-4-6")


def read_big(call_id: str) -> list[AgentEvent]:
    """A read_file call of big.txt and its result."""
    return [
        ToolCallProposed(call_id=call_id, name="read_file", input={"path": "big.txt"}),
        ToolCallFinished(call_id=call_id, status="done", result=RESULT),
    ]


ENDED = TurnFinished(stop_reason="end_turn")
PRUNED_ONE = Notice(text="Left out 1 earlier turn (~2,400 tokens) to fit the 8,000-token context window.")


def session() -> list[AgentEvent]:
    return [
        started("t1", "Read big.txt"),
        request(0.0100, 0.0060, 2_000),
        *read_big("c1"),
        request(0.0300, 0.0240, 4_000),
        ENDED,
        started("t2", "And then?"),
        request(0.0200, 0.0180, 3_000),
        ENDED,
        started("t3", "Go on"),
        PRUNED_ONE,
        request(0.0100, 0.0090, 1_500),
        ENDED,
    ]


def test_a_tool_call_costs_its_request_and_its_result_as_context_until_pruned() -> None:
    costs = attribute(session())
    call = costs.calls["c1"]
    tokens = count_tokens(RESULT, wait=False)
    assert call.cost_usd == 0.0100  # the request whose answer asked for it
    # Its share of the input of the two later requests; the third no longer carried it.
    assert call.context_cost_usd == pytest.approx(tokens * 0.0240 / 4_000 + tokens * 0.0180 / 3_000)
    assert [round(t.cost or 0, 4) for t in costs.turn_costs()] == [0.04, 0.02, 0.01]
    assert [t.requests for t in costs.turn_costs()] == [2, 1, 1]


def test_stats_and_export_show_per_turn_and_per_call_figures(tmp_path: Path) -> None:
    events = session()
    costs = attribute(events)
    line = costs.cost_line("c1")
    context = usd(costs.calls["c1"].context_cost_usd)
    assert line == f"$0.0100 request · {context} resent as context"

    ledger = UsageLedger()
    for event in events:
        ledger.apply(event)
    stats = stats_markdown(ledger, costs)
    assert "### Turns that cost the most" in stats and "| 1 | Read big.txt | 2 | $0.0400 |" in stats
    assert "### Tool results that cost the most" in stats and "`read_file`" in stats

    with SessionStore(tmp_path / "s.db") as store:
        session_id = store.create_session()
        store.append(session_id, events)
        exported = export_markdown(store.load(session_id))
    assert f"cost {line}" in exported
    assert "cost $0.0400 (2 requests)" in exported


async def test_the_agent_reports_the_input_cost_of_each_request(make_rig: MakeRig, fake_api: FakeAPI) -> None:
    rig = make_rig("anthropic")
    (rig.workspace / "notes.md").write_text("remember the milk\n" * 50)
    usage = {"input_tokens": 3_000, "output_tokens": 50}
    fake_api.queue_anthropic_tool_use([("toolu_1", "read_file", {"path": "notes.md"})], usage=usage)
    fake_api.queue_anthropic_text("Milk.", usage={"input_tokens": 3_400, "output_tokens": 5})
    await rig.agent.run_turn("What do my notes say?")

    finals = [u for u in rig.recorder.of(UsageReported) if not u.estimated]
    assert all(u.input_cost is not None and 0 < u.input_cost < (u.cost or 0) for u in finals)
    costs = attribute(rig.recorder.events)
    call = costs.calls["toolu_1"]
    assert call.cost_usd == finals[0].cost
    assert call.context_cost_usd > 0


def test_a_retry_or_continue_goes_on_in_the_turn_it_answers(tmp_path: Path) -> None:
    # /retry of a cut answer and /continue start no prompt: /stats counts and names turns as the
    # sessions browser and compare do, one per prompt.
    p, m = "anthropic", "claude-sonnet-4-6"
    cut = {"id": "a1", "role": "assistant", "provider": p, "model": m, "incomplete": True}
    events = [
        TurnStarted(turn_id="t1", prompt="long answer please", provider=p, model=m),
        request(0.0300, 0.0100, 1_000),
        MessageCommitted(message={**cut, "blocks": [{"type": "text", "text": "Part one"}]}),
        TurnFinished(stop_reason="cancelled"),
        MessageCommitted(message={**cut, "blocks": []}),  # /retry takes the cut answer out
        TurnStarted(turn_id="t2", prompt="", provider=p, model=m),
        request(0.0100, 0.0050, 1_000),
        TurnFinished(stop_reason="end_turn"),
        TurnStarted(turn_id="t3", prompt="next", provider=p, model=m),
        request(0.0050, 0.0020, 1_000),
        TurnFinished(stop_reason="end_turn"),
    ]
    costs = attribute(events)
    turns = costs.turn_costs()
    assert [(t.turn, t.prompt, t.requests) for t in turns] == [(1, "long answer please", 2), (2, "next", 1)]
    assert turns[0].cost == pytest.approx(0.0400)
    ledger = UsageLedger()
    for event in events:
        ledger.apply(event)
    stats = stats_markdown(ledger, costs)
    assert "(continue)" not in stats and "| 1 | long answer please | 2 | $0.0400 |" in stats
    with SessionStore(tmp_path / "s.db") as store:
        session_id = store.create_session()
        store.append(session_id, events)
        exported = export_markdown(store.load(session_id))
    assert "## Turn 1" in exported and "cost $0.0400 (2 requests)" in exported and "## Turn 2" in exported
    assert "### Asked again" in exported and "left out of the conversation, to be asked again" in exported
    assert "_incomplete_:\n\n### Asked again" not in exported  # no empty answer heading


def two_calls_of_one_answer() -> list[AgentEvent]:
    """A turn whose first answer asks for two calls at once, and the answer after their results."""
    return [
        TurnStarted(turn_id="t1", prompt="Read both", provider="anthropic", model="claude-sonnet-4-6"),
        request(0.0089, 0.0060, 2_000),
        ToolCallProposed(call_id="a", name="read_file", input={"path": "a.txt"}),
        ToolCallProposed(call_id="b", name="read_file", input={"path": "b.txt"}),
        ToolCallFinished(call_id="a", status="done", result=RESULT),
        ToolCallFinished(call_id="b", status="done", result=RESULT),
        request(0.0300, 0.0240, 4_000),
        TurnFinished(stop_reason="end_turn"),
    ]


def test_calls_of_one_answer_say_that_they_share_its_request() -> None:
    costs = attribute(two_calls_of_one_answer())
    for call_id in ("a", "b"):
        line = costs.cost_line(call_id) or ""
        assert line.startswith("$0.0089 request, shared by 2 calls · "), line


def test_stats_say_which_calls_share_a_request() -> None:
    events = two_calls_of_one_answer()
    ledger = UsageLedger()
    for event in events:
        ledger.apply(event)
    rows = [line for line in stats_markdown(ledger, attribute(events)).splitlines() if "`read_file`" in line]
    assert len(rows) == 2 and all("| $0.0089 (shared by 2) |" in row for row in rows), rows


def test_a_clear_takes_every_result_out_of_the_context_and_pruning_counts_from_it() -> None:
    events = [
        *session()[:6],  # turn 1: the read_file call, its result resent once
        HistoryCleared(),
        started("t2", "Fresh start"),
        request(0.0200, 0.0180, 3_000),
        ENDED,
        started("t3", "More"),
        *read_big("c2"),
        request(0.0300, 0.0240, 4_000),
        ENDED,
        started("t4", "Go on"),
        PRUNED_ONE,  # the history pruned starts at the clear: its first turn is turn 2, not turn 1
        request(0.0100, 0.0090, 1_500),
        ENDED,
    ]
    costs = attribute(events)
    tokens = count_tokens(RESULT, wait=False)
    # c1 was resent with the second request of turn 1 only: the requests after the clear did not hold it.
    assert costs.calls["c1"].context_cost_usd == pytest.approx(tokens * 0.0240 / 4_000)
    # c2 (turn 3) is resent with the request that answers it, and still after turn 2 is pruned.
    assert costs.calls["c2"].context_cost_usd == pytest.approx(tokens * (0.0240 / 4_000 + 0.0090 / 1_500))
    # The turns before the clear keep what they cost.
    assert [round(t.cost or 0, 4) for t in costs.turn_costs()] == [0.04, 0.02, 0.03, 0.01]
