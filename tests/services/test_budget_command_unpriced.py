"""``/budget USD`` on a model served from this machine: the reply says that the budget does not count
its requests (a local server is unpriced, so no cap can ever stop it)."""

from __future__ import annotations

from test_turn_service import MakeConfig, agent_for

from flux_tui.core.agent_events import UsageReported
from flux_tui.services.turns import TurnRunner


def test_setting_a_budget_on_a_local_model_says_its_requests_are_not_counted(make_config: MakeConfig) -> None:
    # No test server listens there: nothing is sent, the address only makes the model local.
    # gpt-oss-20b is in genai-prices, yet unpriced when a local server runs its open weights.
    config = make_config(openai_base_url="http://127.0.0.1:9/v1", openai_model="gpt-oss-20b")
    agent, _events = agent_for(config, provider="openai")
    reply = TurnRunner(agent).budget("5")
    not_counted = f"openai:{agent.provider.model} is unpriced: this budget does not count its requests."
    assert reply.text == f"Budget set to $5.00 ($0.00 spent so far). {not_counted}"
    assert reply.changed and reply.budget == 5.0


def test_setting_a_budget_on_a_priced_model_says_nothing_more(make_config: MakeConfig) -> None:
    reply = TurnRunner(agent_for(make_config())[0]).budget("5")
    assert reply.text == "Budget set to $5.00 ($0.00 spent so far)."


def test_the_runner_names_the_session_s_unpriced_models(make_config: MakeConfig) -> None:
    runner = TurnRunner(agent_for(make_config())[0])
    assert runner.unpriced_models == []
    guard = runner.budget_guard
    assert guard is not None
    guard.load([UsageReported(provider="local", model="my-llama", input_tokens=10, cost=None)])
    assert runner.unpriced_models == ["local:my-llama"]
