"""``flux-tui run`` ends with the turn's tokens and cost on standard error (the answer stays alone on
standard output)."""

from __future__ import annotations

import io
from pathlib import Path

from fakeapi import FakeAPI
from test_headless import config_for, workspace  # noqa: F401  (the fixture)

from flux_tui.core.money import usd
from flux_tui.core.pricing import price_usage
from flux_tui.headless import EXIT_OK, run_headless


async def test_the_turns_tokens_and_cost_go_to_stderr(fake_api: FakeAPI, workspace: Path) -> None:  # noqa: F811
    wire = {"input_tokens": 1500, "output_tokens": 240, "cache_read_input_tokens": 30_000}
    fake_api.queue_anthropic_text("The answer.", usage=wire, start_usage={**wire, "output_tokens": 1})
    config = config_for(fake_api, workspace)
    out, err = io.StringIO(), io.StringIO()

    assert await run_headless(config, "Question?", out=out, err=err) == EXIT_OK

    assert out.getvalue() == "The answer.\n"
    cost = price_usage(
        "anthropic", config.model, {"input_tokens": 1500, "output_tokens": 240, "cache_read_tokens": 30_000}
    )
    assert cost is not None
    line = err.getvalue().strip().splitlines()[-1]
    assert line == f"flux-tui: usage: 1,500 in · 240 out · 30,000 cache read · 0 cache write · {usd(cost)}"


async def test_a_failed_turn_still_says_what_it_cost(fake_api: FakeAPI, workspace: Path) -> None:  # noqa: F811
    wire = {"input_tokens": 1500, "output_tokens": 240}
    fake_api.queue_anthropic_text(
        " ".join(f"w{i}" for i in range(40)), usage=wire, error_after=20, error_type="invalid_request_error"
    )
    err = io.StringIO()
    await run_headless(config_for(fake_api, workspace), "Question?", out=io.StringIO(), err=err)
    line = err.getvalue().strip().splitlines()[-1]
    assert line.startswith("flux-tui: usage: 1,500 in · ") and "· ~$" in line  # an estimate
