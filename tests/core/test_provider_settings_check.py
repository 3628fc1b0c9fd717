"""``[providers.NAME] settings``: a setting the provider kind does not declare, or a value not of its
default's type, is named (file, line, key) and dropped, not taken silently (``"no"`` acting as true)."""

from __future__ import annotations

from core_sandbox import ConfigEnv

from flux_tui.core.config import load_config


def test_a_wrong_type_and_an_unknown_setting_are_named_and_dropped(cfg_env: ConfigEnv) -> None:
    cfg_env.local_toml('[providers.gemini]\nsettings = {include_thoughts = "no", bogus = 1}\n')
    config, problems = load_config()
    said = [str(p) for p in problems]
    assert any("providers.gemini.settings.include_thoughts" in s and "'no' is not a bool" in s for s in said)
    assert any("providers.gemini.settings.bogus" in s and "unknown setting" in s for s in said)
    assert all(":2" in s and "ignored" in s for s in said)
    assert config.provider_settings("gemini").options == {"include_thoughts": True}


def test_a_good_setting_passes(cfg_env: ConfigEnv) -> None:
    cfg_env.local_toml("[providers.gemini]\nsettings = {include_thoughts = false}\n")
    config, problems = load_config()
    assert problems == []
    assert config.provider_settings("gemini").options == {"include_thoughts": False}
