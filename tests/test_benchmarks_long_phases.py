"""The long session's split of an exchange by the server's log: the request, the stream, the drawing."""

from __future__ import annotations

import pytest

from benchmarks.harness import Exchange
from benchmarks.scenario_long_session import phase_medians


def _exchange(enter: float, on_screen: float) -> Exchange:
    return Exchange(enter=enter, on_screen=on_screen, cpu_at_enter=0.0, cpu_on_screen=0.0)


def test_each_phase_is_the_median_over_the_exchanges_without_a_tool_call() -> None:
    exchanges = [
        ("a", _exchange(10.0, 10.050)),
        ("b", _exchange(20.0, 20.070)),
        ("c", _exchange(30.0, 30.060)),
        ("tool", _exchange(40.0, 40.500)),
    ]
    log = {
        "a": {"marker": "a", "start": 10.004, "last_byte": 10.006},
        "b": {"marker": "b", "start": 20.008, "last_byte": 20.012},
        "c": {"marker": "c", "start": 30.006, "last_byte": 30.009},
        "tool": {"marker": "tool", "start": 40.300, "last_byte": 40.400},
    }
    phases = phase_medians(exchanges, log, tool_markers={"tool"})
    assert phases["request"] == pytest.approx(0.006)  # 4, 8, 6 ms
    assert phases["stream"] == pytest.approx(0.003)  # 2, 4, 3 ms
    assert phases["draw"] == pytest.approx(0.051)  # 44, 58, 51 ms


def test_an_exchange_the_server_never_finished_is_left_out() -> None:
    exchanges = [("a", _exchange(1.0, 1.040)), ("b", _exchange(2.0, 2.040))]
    log = {"a": {"marker": "a", "start": 1.005, "last_byte": 1.010}, "b": {"marker": "b", "start": 2.0}}
    assert phase_medians(exchanges, log, tool_markers=set()) == pytest.approx(
        {"request": 0.005, "stream": 0.005, "draw": 0.030}
    )
    assert phase_medians([], log, tool_markers=set()) == {}
