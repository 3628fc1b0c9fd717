"""Config: sources and their precedence, provider resolution, and what a broken flux.toml reports."""

from __future__ import annotations

from pathlib import Path

import pytest
from core_sandbox import ConfigEnv

from flux_tui.core import pricing
from flux_tui.core.config import (
    DEFAULT_ANTHROPIC_MODEL,
    DEFAULT_OPENAI_MODEL,
    DEFAULT_TOOL_POLICY,
    Config,
    load_config,
)
from flux_tui.core.errors import ConfigError

# -- defaults and precedence ----------------------------------------------------------------------


def test_defaults_without_any_source(cfg_env: ConfigEnv) -> None:
    config, problems = load_config()
    assert problems == []
    assert config.provider == "anthropic"
    assert config.model is None
    assert config.anthropic_model == DEFAULT_ANTHROPIC_MODEL
    assert config.openai_model == DEFAULT_OPENAI_MODEL
    assert config.max_tokens == 8192
    assert config.temperature is None
    assert config.prompt_caching is True
    assert config.tools.policy == DEFAULT_TOOL_POLICY
    assert config.tools.max_steps == 25
    assert config.tools.command_timeout == 120
    assert (config.yolo, config.fallback, config.max_retries, config.idle_timeout) == (False, [], 4, 60)
    assert config.budget_usd is None
    assert config.data_path == cfg_env.work.parent / "data"
    assert config.source_files == []


def test_default_models_are_priced_by_genai_prices() -> None:
    assert pricing.is_priced("anthropic", DEFAULT_ANTHROPIC_MODEL)
    assert pricing.is_priced("openai", DEFAULT_OPENAI_MODEL)


_LAYERS = ["init", "env", "dotenv", "local", "user"]


def _write_layers(cfg_env: ConfigEnv, layers: list[str]) -> dict[str, object]:
    values = {"init": 5000, "env": 4000, "dotenv": 3000, "local": 2000, "user": 1000}
    if "user" in layers:
        cfg_env.user_toml(f"max_tokens = {values['user']}\nprovider = 'openai'\n")
    if "local" in layers:
        cfg_env.local_toml(f"max_tokens = {values['local']}\n")
    if "dotenv" in layers:
        cfg_env.dotenv(f"FLUX_MAX_TOKENS={values['dotenv']}\nUNRELATED_VAR=1\n")
    if "env" in layers:
        cfg_env.env(FLUX_MAX_TOKENS=str(values["env"]))
    return {"max_tokens": values["init"]} if "init" in layers else {}


@pytest.mark.parametrize("top", range(len(_LAYERS)))
def test_precedence_init_env_dotenv_local_user(cfg_env: ConfigEnv, top: int) -> None:
    present = _LAYERS[top:]
    overrides = _write_layers(cfg_env, present)
    expected = {"init": 5000, "env": 4000, "dotenv": 3000, "local": 2000, "user": 1000}[present[0]]
    config, problems = load_config(**overrides)
    assert problems == []
    assert config.max_tokens == expected
    # The strict constructor reads the same sources in the same order.
    assert Config(**overrides).max_tokens == expected
    if "user" in present:
        assert config.provider == "openai"  # lower layers still supply what higher ones do not set


def test_tables_merge_across_files(cfg_env: ConfigEnv) -> None:
    cfg_env.user_toml(
        '[providers.ollama]\nbase_url = "http://localhost:11434/v1"\nmodel = "llama3.1"\n'
        '[tools.policy]\nrun_command = "deny"\n'
    )
    cfg_env.local_toml('[providers.ollama]\nmodel = "qwen2.5-coder"\n[tools.policy]\nwrite_file = "allow"\n')
    config, problems = load_config()
    assert problems == []
    assert config.providers["ollama"].base_url == "http://localhost:11434/v1"
    assert config.providers["ollama"].model == "qwen2.5-coder"
    assert config.tools.policy["run_command"] == "deny"
    assert config.tools.policy["write_file"] == "allow"
    assert config.tools.policy["read_file"] == "allow"  # untouched defaults stay
    assert config.source_files == [cfg_env.user / "flux.toml", cfg_env.work / "flux.toml"]


def test_sdk_environment_variables_and_none_overrides(cfg_env: ConfigEnv) -> None:
    cfg_env.env(
        ANTHROPIC_API_KEY="sk-ant-test",
        ANTHROPIC_BASE_URL="http://127.0.0.1:9/anthropic",
        OPENAI_BASE_URL="http://127.0.0.1:9/v1",
        FLUX_PROVIDER="openai",
        FLUX_MODEL="gpt-4.1",
        FLUX_YOLO="true",
        FLUX_TOOLS__MAX_STEPS="7",
        FLUX_FALLBACK='["anthropic:claude-haiku-4-5", "openai"]',
    )
    config, problems = load_config(model=None, provider=None)  # None means "not given"
    assert problems == []
    assert config.anthropic_api_key is not None
    assert config.anthropic_api_key.get_secret_value() == "sk-ant-test"
    assert (config.provider, config.model, config.yolo) == ("openai", "gpt-4.1", True)
    assert config.tools.max_steps == 7
    assert config.fallback_targets() == [("anthropic", "claude-haiku-4-5"), ("openai", None)]
    anthropic = config.provider_settings("anthropic")
    assert anthropic.base_url == "http://127.0.0.1:9/anthropic"
    assert anthropic.model == DEFAULT_ANTHROPIC_MODEL  # FLUX_MODEL is for the selected provider only
    assert config.provider_settings("openai").base_url == "http://127.0.0.1:9/v1"
    assert config.provider_settings("openai").model == "gpt-4.1"


# -- broken input ---------------------------------------------------------------------------------


def test_invalid_toml_reports_file_line_column_and_is_ignored(cfg_env: ConfigEnv) -> None:
    cfg_env.user_toml("max_tokens = 1234\n")
    bad = cfg_env.local_toml('provider = "openai"\nmax_tokens = = 5\n')
    config, problems = load_config()
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.file, problem.line, problem.column) == (str(bad), 2, 14)
    assert "invalid TOML" in problem.message and "ignored" in str(problem)
    assert str(problem).startswith(f"{bad}:2:14: invalid TOML: ")
    assert config.provider == "anthropic"  # the broken file is ignored as a whole
    assert config.max_tokens == 1234  # the other file still applies


def test_unknown_keys_are_named_with_line_and_the_rest_applies(cfg_env: ConfigEnv) -> None:
    path = cfg_env.local_toml(
        'provider = "openai"\n'
        "max_token = 100\n"
        "\n"
        "[tools]\n"
        "max_stepz = 3\n"
        "[providers.ollama]\n"
        'base_url = "http://localhost:11434/v1"\n'
        'modle = "llama3"\n'
    )
    config, problems = load_config()
    found = {(p.key, p.line) for p in problems}
    assert found == {("max_token", 2), ("tools.max_stepz", 5), ("providers.ollama.modle", 8)}
    by_key = {p.key: p for p in problems}
    assert all(p.file == str(path) for p in problems)
    assert "unknown setting (did you mean 'max_tokens'?)" in by_key["max_token"].message
    assert "did you mean 'model'?" in by_key["providers.ollama.modle"].message
    assert str(by_key["tools.max_stepz"]) == f"{path}:5: tools.max_stepz: {by_key['tools.max_stepz'].message}"
    assert config.provider == "openai"
    assert config.providers["ollama"].base_url == "http://localhost:11434/v1"


def test_wrong_types_are_named_and_defaults_kept(cfg_env: ConfigEnv) -> None:
    path = cfg_env.local_toml(
        'max_tokens = "lots"\n'
        "temperature = 0.3\n"
        "[tools]\n"
        "max_steps = 0\n"
        "[tools.policy]\n"
        'write_file = "maybe"\n'
        'run_command = "deny"\n'
        "[providers.local]\n"
        'kind = "grpc"\n'
        'base_url = "http://localhost:8000/v1"\n'
    )
    config, problems = load_config()
    by_key = {p.key: p for p in problems}
    assert set(by_key) == {"max_tokens", "tools.max_steps", "tools.policy.write_file", "providers.local.kind"}
    assert (by_key["max_tokens"].line, by_key["tools.max_steps"].line) == (1, 4)
    assert (by_key["tools.policy.write_file"].line, by_key["providers.local.kind"].line) == (6, 9)
    assert "valid integer" in by_key["max_tokens"].message and "'lots'" in by_key["max_tokens"].message
    assert "'ask', 'allow' or 'deny'" in by_key["tools.policy.write_file"].message
    assert "registered provider kind: 'anthropic'" in by_key["providers.local.kind"].message
    assert all(p.file == str(path) for p in problems)
    # Defaults where the value was wrong, the file's other values everywhere else.
    assert config.max_tokens == 8192
    assert config.temperature == 0.3
    assert config.tools.max_steps == 25
    assert config.tools.policy["write_file"] == "ask"
    assert config.tools.policy["run_command"] == "deny"
    assert config.provider_settings("local").kind == "openai"


def test_incomplete_price_table_is_dropped_with_its_line(cfg_env: ConfigEnv) -> None:
    cfg_env.local_toml('[models."tiny"]\ncontext_window = 4096\n[models."tiny".prices]\ninput = 1\n')
    config, problems = load_config()
    assert [(p.key, p.line) for p in problems] == [("models.tiny.prices.output", 3)]
    assert config.models["tiny"].prices is None
    assert config.models["tiny"].context_window == 4096


def test_bad_environment_and_dotenv_values_are_reported(cfg_env: ConfigEnv) -> None:
    cfg_env.dotenv("OPENAI_API_KEY=sk-dotenv\nFLUX_MAX_RETRIES=often\n")
    cfg_env.env(FLUX_IDLE_TIMEOUT="-5", FLUX_TOOLS="{not json")
    config, problems = load_config()
    by_key = {p.key: p for p in problems}
    assert set(by_key) == {"FLUX_MAX_RETRIES", "FLUX_IDLE_TIMEOUT", "FLUX_TOOLS"}
    assert (by_key["FLUX_MAX_RETRIES"].file, by_key["FLUX_MAX_RETRIES"].line) == (".env", 2)
    assert by_key["FLUX_IDLE_TIMEOUT"].file == "environment"
    assert (config.max_retries, config.idle_timeout, config.tools.max_steps) == (4, 60, 25)
    assert config.provider_status("openai") is None  # the good .env value still applies


def test_secrets_never_appear_in_problems_or_reprs(cfg_env: ConfigEnv) -> None:
    cfg_env.local_toml('[providers.x]\nbase_url = "http://h/v1"\napi_key = 987654321\nkind = 5\n')
    cfg_env.env(ANTHROPIC_API_KEY="sk-ant-supersecret", FLUX_ANTHROPIC_MODEL="")
    config, problems = load_config(openai_api_key="sk-openai-supersecret")
    assert {p.key for p in problems} == {"providers.x.api_key", "providers.x.kind"}
    text = " ".join(str(p) for p in problems)
    assert "987654321" not in text
    for shown in (repr(config), str(config), repr(config.provider_settings("anthropic")), text):
        assert "supersecret" not in shown
    assert config.provider_settings("anthropic").api_key == "sk-ant-supersecret"


def test_strict_constructor_raises_on_bad_input(cfg_env: ConfigEnv) -> None:
    cfg_env.local_toml("max_tokens = 'lots'\n")
    with pytest.raises(ValueError):
        Config()


# -- providers ------------------------------------------------------------------------------------


def test_missing_keys_use_the_plans_messages(cfg_env: ConfigEnv) -> None:
    config, _ = load_config()
    anthropic = config.provider_settings("anthropic")
    assert anthropic.missing == "ANTHROPIC_API_KEY is required for Anthropic provider"
    assert anthropic.api_key is None
    assert config.provider_status("openai") == "OPENAI_API_KEY is required for OpenAI provider"


def test_unknown_provider_lists_supported_ones(cfg_env: ConfigEnv) -> None:
    cfg_env.local_toml('[providers.ollama]\nbase_url = "http://localhost:11434/v1"\nmodel = "m"\n')
    config, _ = load_config()
    assert config.provider_names() == ["anthropic", "openai", "gemini", "ollama"]
    with pytest.raises(ConfigError) as caught:
        config.provider_settings("cohere")
    assert str(caught.value) == (
        "unknown provider 'cohere'; supported providers: anthropic, openai, gemini, ollama"
    )


def test_builtin_resolution_and_model_choice(cfg_env: ConfigEnv) -> None:
    cfg_env.env(ANTHROPIC_API_KEY="sk-ant-x")
    config, _ = load_config(model="claude-opus-4-5", max_tokens=1000, temperature=0.2, idle_timeout=5)
    resolved = config.provider_settings("anthropic")
    assert resolved.missing is None
    assert (resolved.name, resolved.kind, resolved.model) == ("anthropic", "anthropic", "claude-opus-4-5")
    assert resolved.models[0] == "claude-opus-4-5"
    assert config.provider_settings("anthropic", "claude-haiku-4-5").model == "claude-haiku-4-5"
    kwargs = resolved.settings_kwargs()
    assert kwargs["api_key"] == "sk-ant-x"
    assert (kwargs["max_tokens"], kwargs["temperature"], kwargs["idle_timeout"]) == (1000, 0.2, 5)
    assert kwargs["prompt_caching"] is True and kwargs["base_url"] is None


def test_named_providers_resolve_keys_urls_and_models(cfg_env: ConfigEnv) -> None:
    cfg_env.local_toml(
        "[providers.openrouter]\n"
        'base_url = "https://openrouter.ai/api/v1"\n'
        'api_key_env = "OPENROUTER_API_KEY"\n'
        'models = ["anthropic/claude-sonnet-4.5", "openai/gpt-4.1"]\n'
        'headers = { "X-Title" = "flux" }\n'
        "[providers.nourl]\n"
        'model = "m"\n'
        "[providers.gateway]\n"
        'kind = "anthropic"\n'
        'base_url = "http://127.0.0.1:1"\n'
        'api_key_env = "GATEWAY_KEY"\n'
        'model = "claude-sonnet-4-6"\n'
        "max_tokens = 1024\n"
        "[providers.ollama]\n"
        'base_url = "http://localhost:11434/v1"\n'
    )
    cfg_env.dotenv("OPENROUTER_API_KEY=sk-or-from-dotenv\n")
    cfg_env.env(OPENAI_API_KEY="sk-openai-never-forwarded")
    config, problems = load_config()
    assert problems == []
    router = config.provider_settings("openrouter")
    assert (router.kind, router.model, router.api_key) == (
        "openai",
        "anthropic/claude-sonnet-4.5",
        "sk-or-from-dotenv",
    )
    assert router.missing is None and router.extra_headers == {"X-Title": "flux"}
    assert config.provider_status("nourl") == (
        "base_url is required for provider 'nourl' (set it under [providers.nourl])"
    )
    gateway = config.provider_settings("gateway")
    assert gateway.missing == "GATEWAY_KEY is required for gateway provider"
    assert (gateway.kind, gateway.max_tokens) == ("anthropic", 1024)
    ollama = config.provider_settings("ollama")
    assert ollama.missing == "no model set for provider 'ollama' (set model under [providers.ollama])"
    assert ollama.api_key is None  # never OPENAI_API_KEY: keys only go where the user sends them
    assert config.provider_settings("ollama", "llama3").missing is None


def test_builtin_table_adjusts_builtin_provider(cfg_env: ConfigEnv) -> None:
    cfg_env.local_toml('[providers.openai]\napi_key_env = "WORK_OPENAI_KEY"\nmodels = ["gpt-4.1-mini"]\n')
    cfg_env.env(WORK_OPENAI_KEY="sk-work")
    config, _ = load_config()
    assert config.provider_names() == ["anthropic", "openai", "gemini"]
    resolved = config.provider_settings("openai")
    assert (resolved.api_key, resolved.api_key_env) == ("sk-work", "WORK_OPENAI_KEY")
    assert resolved.models == [DEFAULT_OPENAI_MODEL, "gpt-4.1-mini"]


def test_tool_policy_and_yolo(cfg_env: ConfigEnv) -> None:
    cfg_env.local_toml('[tools.policy]\nrun_command = "deny"\n')
    config, _ = load_config()
    assert [config.tool_policy(n) for n in ("read_file", "edit_file", "run_command", "mcp_x")] == [
        "allow",
        "ask",
        "deny",
        "ask",
    ]
    yolo, _ = load_config(yolo=True)
    assert yolo.tool_policy("run_command") == "allow"


def test_price_overrides_are_installed(cfg_env: ConfigEnv) -> None:
    cfg_env.local_toml(
        '[models."house-model"]\ncontext_window = 32000\nprices = { input = 2, output = 10 }\n'
        '[providers.ollama]\nbase_url = "http://localhost:11434/v1"\nmodel = "llama3"\n'
        "prices = { input = 0, output = 0 }\n"
    )
    load_config()
    usage = {"input_tokens": 1_000_000, "output_tokens": 100_000}
    assert pricing.price_usage("openai", "house-model", usage) == pytest.approx(3.0)
    assert pricing.context_window("openai", "house-model") == 32000
    assert pricing.price_usage("openai", "llama3", usage, provider_name="ollama") == 0.0


# -- flux.toml.example ----------------------------------------------------------------------------

EXAMPLE = Path(__file__).resolve().parents[2] / "flux.toml.example"


def test_example_loads_cleanly_and_documents_every_setting(cfg_env: ConfigEnv) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    cfg_env.local_toml(text)
    config, problems = load_config()
    assert problems == []
    assert config.max_tokens == 8192
    for name, info in Config.model_fields.items():
        assert f"# {name} = " in text or f"[{name}" in text, name
        env = (
            info.validation_alias.upper()
            if isinstance(info.validation_alias, str)
            else f"FLUX_{name.upper()}"
        )
        assert env in text, env
    for nested in (
        "max_steps",
        "command_timeout",
        "policy",
        "kind",
        "base_url",
        "api_key_env",
        "api_key",
        "models",
        "context_window",
        "prices",
        "headers",
        "cache_read",
        "cache_write",
    ):
        assert nested in text, nested


def test_unknown_provider_and_fallbacks_are_reported_and_dropped(cfg_env: ConfigEnv) -> None:
    path = cfg_env.local_toml(
        'provider = "cohere"\nfallback = ["openai:gpt-4.1", "mistral", "ollama"]\n'
        '[providers.ollama]\nbase_url = "http://localhost:11434/v1"\nmodel = "m"\n'
    )
    config, problems = load_config()
    by_key = {p.key: p for p in problems}
    assert set(by_key) == {"provider", "fallback"}
    assert (by_key["provider"].file, by_key["provider"].line) == (str(path), 1)
    assert (
        "unknown provider 'cohere'; supported providers: anthropic, openai, gemini, ollama"
        in by_key["provider"].message
    )
    assert "'mistral'" in by_key["fallback"].message and by_key["fallback"].line == 2
    assert config.provider == "anthropic"
    assert config.fallback == ["openai:gpt-4.1", "ollama"]
    _, problems = load_config(provider="nope")
    assert [(p.file, p.key) for p in problems if p.key == "provider"] == [("arguments", "provider")]


def test_paths_expand_the_home_directory(cfg_env: ConfigEnv) -> None:
    cfg_env.env(HOME=str(cfg_env.work))
    cfg_env.monkeypatch.delenv("FLUX_DATA_DIR")
    cfg_env.local_toml('workspace = "~/project"\ndata_dir = "~/data"\n')
    config, problems = load_config()
    assert problems == []
    assert config.workspace == cfg_env.work / "project"
    assert config.data_path == cfg_env.work / "data"
    assert config.log_dir == cfg_env.work / "data" / "logs"
