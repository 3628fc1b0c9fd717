"""Settings with holes: numbers without bounds, sources that break the parsers, a data dir that is a
file, an unknown provider keeping the model meant for it, a base URL that is no URL."""

from __future__ import annotations

import pytest
from core_sandbox import ConfigEnv

from flux_tui.core.budget import parse_budget
from flux_tui.core.config import load_config


@pytest.mark.parametrize(
    ("variable", "value", "field", "default"),
    [
        ("FLUX_MAX_RETRIES", "1000000000", "max_retries", 4),
        ("FLUX_MAX_RETRIES", "21", "max_retries", 4),
        ("FLUX_IDLE_TIMEOUT", "1e308", "idle_timeout", 60.0),
        ("FLUX_IDLE_TIMEOUT", "inf", "idle_timeout", 60.0),
        ("FLUX_BUDGET_USD", "inf", "budget_usd", None),
        ("FLUX_MAX_TOKENS", "99999999999", "max_tokens", 8192),
    ],
)
def test_out_of_range_numbers_are_reported_with_their_source(
    cfg_env: ConfigEnv, variable: str, value: str, field: str, default: object
) -> None:
    cfg_env.env(**{variable: value})
    config, problems = load_config()
    assert getattr(config, field) == default
    assert [(p.file, p.key) for p in problems] == [("environment", variable)]
    assert "less than or equal to" in problems[0].message and "using the default" in problems[0].message


def test_in_range_numbers_are_kept(cfg_env: ConfigEnv) -> None:
    cfg_env.env(FLUX_MAX_RETRIES="20", FLUX_IDLE_TIMEOUT="600", FLUX_BUDGET_USD="50")
    config, problems = load_config()
    assert problems == []
    assert (config.max_retries, config.idle_timeout, config.budget_usd) == (20, 600.0, 50.0)


def test_tool_limits_in_flux_toml_are_bounded(cfg_env: ConfigEnv) -> None:
    path = cfg_env.local_toml("[tools]\nmax_steps = 10000000\ncommand_timeout = 864000\n")
    config, problems = load_config()
    assert (config.tools.max_steps, config.tools.command_timeout) == (25, 120.0)
    assert {(p.file, p.key, p.line) for p in problems} == {
        (str(path), "tools.max_steps", 2),
        (str(path), "tools.command_timeout", 3),
    }


def test_the_budget_command_has_the_same_ceiling() -> None:
    with pytest.raises(ValueError, match="at most"):
        parse_budget("1e12")
    assert parse_budget("25") == 25.0


@pytest.mark.parametrize(
    "text",
    ["x = " + "[" * 5000 + "]" * 5000, "x = " + "{a=" * 3000 + "1" + "}" * 3000],
    ids=["arrays", "tables"],
)
def test_a_deeply_nested_flux_toml_is_a_problem_not_a_crash(cfg_env: ConfigEnv, text: str) -> None:
    path = cfg_env.local_toml(text + "\n")
    config, problems = load_config()
    assert [(p.file, p.fatal) for p in problems] == [(str(path), True)]
    assert "nested too deeply" in problems[0].message
    assert config.provider == "anthropic"


def test_a_deeply_nested_variable_is_a_problem_not_a_crash(cfg_env: ConfigEnv) -> None:
    cfg_env.env(FLUX_PROVIDERS="[" * 5000, FLUX_MAX_RETRIES="2", OTHER_TOOL_SETTING="[" * 100)
    cfg_env.dotenv("FLUX_TOOLS=" + "[" * 5000 + "\n")
    config, problems = load_config()
    assert {(p.file, p.key) for p in problems} == {("environment", "FLUX_PROVIDERS"), (".env", "FLUX_TOOLS")}
    assert all(p.fatal and "nested too deeply" in p.message for p in problems)
    assert config.max_retries == 2  # the rest of the source still applies


def test_an_invalid_flux_toml_is_fatal_for_the_cli(cfg_env: ConfigEnv) -> None:
    cfg_env.local_toml('provider = "openai\n')
    _, problems = load_config()
    assert [p.fatal for p in problems] == [True]


def test_a_data_dir_that_is_a_file(cfg_env: ConfigEnv) -> None:
    target = cfg_env.work / "data-file"
    target.write_text("")
    cfg_env.env(FLUX_DATA_DIR=str(target))
    config, problems = load_config()
    assert config.data_dir is None  # the default applies (the TUI starts there)
    assert [(p.file, p.key, p.fatal) for p in problems] == [("environment", "data_dir", True)]
    assert "is a file, not a directory" in problems[0].message
    assert config.log_dir.parent != target


def test_a_data_dir_inside_a_file(cfg_env: ConfigEnv) -> None:
    (cfg_env.work / "file").write_text("")
    path = cfg_env.local_toml(f'data_dir = "{cfg_env.work / "file" / "sub"}"\n')
    cfg_env.monkeypatch.delenv("FLUX_DATA_DIR")
    config, problems = load_config()
    assert config.data_dir is None
    assert [(p.file, p.line, p.key) for p in problems] == [(str(path), 1, "data_dir")]
    assert "which is a file" in problems[0].message


def test_a_data_dir_that_does_not_exist_yet_is_fine(cfg_env: ConfigEnv) -> None:
    cfg_env.env(FLUX_DATA_DIR=str(cfg_env.work / "new" / "data"))
    config, problems = load_config()
    assert problems == [] and config.data_dir == cfg_env.work / "new" / "data"


def test_an_unknown_provider_does_not_keep_the_model_meant_for_it(cfg_env: ConfigEnv) -> None:
    cfg_env.env(FLUX_PROVIDER="bogus", FLUX_MODEL="gpt-4o")
    config, problems = load_config()
    assert (config.provider, config.model) == ("anthropic", None)
    assert config.provider_settings("anthropic").model == "claude-sonnet-4-6"
    assert [(p.key, p.fatal) for p in problems] == [("provider", True)]


@pytest.mark.parametrize("url", ["localhost:11434/v1", "htp://127.0.0.1:1/v1", "http://[::1/v1", "http://h:x/v1"])
def test_a_base_url_that_is_no_url_is_a_configuration_error(cfg_env: ConfigEnv, url: str) -> None:
    cfg_env.env(OPENAI_BASE_URL=url, OPENAI_API_KEY="test-openai-key")
    config, _ = load_config()
    missing = config.provider_settings("openai").missing
    assert missing is not None and "OPENAI_BASE_URL" in missing and "not a valid URL" in missing


def test_a_named_provider_with_a_bad_url(cfg_env: ConfigEnv) -> None:
    cfg_env.local_toml('[providers.ollama]\nbase_url = "localhost:11434/v1"\nmodel = "llama3.2"\n')
    config, _ = load_config()
    missing = config.provider_settings("ollama").missing
    assert missing is not None and "not a valid URL" in missing


@pytest.mark.parametrize("url", ["http://localhost:11434/v1", "https://api.example.com", "http://[::1]:8080/v1"])
def test_good_base_urls_pass(cfg_env: ConfigEnv, url: str) -> None:
    cfg_env.env(OPENAI_BASE_URL=url, OPENAI_API_KEY="test-openai-key")
    config, _ = load_config()
    assert config.provider_settings("openai").missing is None
