"""The checks that only make sense once every settings source is merged: the provider names, the
data dir, and each provider's own settings (``[providers.NAME] settings``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flux_tui.core._config_load import _Layer
    from flux_tui.core.config import Config, ConfigProblem


def check_merged(config: Config, layers: list[_Layer], problems: list[ConfigProblem]) -> None:
    _check_provider_names(config, layers, problems)
    _check_data_dir(config, layers, problems)
    _check_provider_settings(config, layers, problems)
    _check_plugins(problems)


def _check_plugins(problems: list[ConfigProblem]) -> None:
    """A provider plug-in that cannot be loaded is said once, with the other problems (the app and
    every command show them), and left out."""
    from flux_tui.core import provider_registry
    from flux_tui.core.config import ConfigProblem

    for kind, why in provider_registry.failures().items():
        message = f"provider plug-in {kind!r} cannot be loaded ({why})"
        problems.append(ConfigProblem("plug-ins", None, None, message, fallback="left out"))


def origin_in(layers: list[_Layer], key: str) -> tuple[str, int | None]:
    from flux_tui.core._config_load import _origin

    return _origin(layers, key)


def _default(config: Config, name: str) -> Any:
    from flux_tui.core._config_load import config_default

    return config_default(config, name)


def _check_data_dir(config: Config, layers: list[_Layer], problems: list[ConfigProblem]) -> None:
    """A data dir that cannot be one (it, or the nearest part of it that exists, is a file)."""
    from flux_tui.core.config import ConfigProblem

    if config.data_dir is None:
        return
    existing = next((p for p in (config.data_dir, *config.data_dir.parents) if p.exists()), None)
    if existing is None or existing.is_dir():
        return
    label, line = origin_in(layers, "data_dir")
    given = config.data_dir
    what = "is a file" if existing == given else f"is inside {existing}, which is a file"
    config.data_dir = None
    message = f"{str(given)!r} {what}, not a directory"
    fallback = f"using the default ({config.data_path})"
    problems.append(ConfigProblem(label, line, "data_dir", message, fatal=True, fallback=fallback))


def _check_provider_names(config: Config, layers: list[_Layer], problems: list[ConfigProblem]) -> None:
    """Names that only make sense once every source is merged: the provider and the fallbacks."""
    from flux_tui.core.config import ConfigProblem

    def origin(key: str) -> tuple[str, int | None]:
        return origin_in(layers, key)

    names = config.provider_names()
    supported = ", ".join(names)
    if config.provider not in names:
        # The model was chosen for the provider that was meant: it goes too, so the default provider
        # never runs with it (nor under a name like "anthropic:gpt-4o").
        label, line = origin("provider")
        default = _default(config, "provider")
        message = f"unknown provider {config.provider!r}; supported providers: {supported}"
        fallback = f"using the default ({default}) with its default model"
        problems.append(ConfigProblem(label, line, "provider", message, fatal=True, fallback=fallback))
        config.provider = default
        config.model = None
    unknown = [
        entry
        for entry, (name, _) in zip(config.fallback, config.fallback_targets(), strict=True)
        if name not in names
    ]
    if unknown:
        label, line = origin("fallback")
        message = (
            f"unknown provider in {', '.join(map(repr, unknown))}; supported providers: {supported}; ignored"
        )
        problems.append(ConfigProblem(label, line, "fallback", message))
        config.fallback = [entry for entry in config.fallback if entry not in unknown]


def _check_provider_settings(config: Config, layers: list[_Layer], problems: list[ConfigProblem]) -> None:
    """A provider kind declares its settings with their defaults: an unknown one, or a value not of its
    default's type (``include_thoughts = "no"``, which would act as true), is named and dropped."""
    from flux_tui.core import provider_registry
    from flux_tui.core.config import ConfigProblem

    for name, entry in config.providers.items():
        if not entry.settings:
            continue
        spec = provider_registry.spec(name) or provider_registry.spec(entry.kind or "openai")
        if spec is None:
            continue
        for key, value in list(entry.settings.items()):
            dotted = f"providers.{name}.settings.{key}"
            label, line = _where(layers, ("providers", name, "settings", key))
            if key not in spec.settings:
                known = ", ".join(spec.settings) or "none"
                message = f"unknown setting for {spec.kind} (known: {known})"
            elif not _same_type(value, spec.settings[key]):
                wanted = type(spec.settings[key]).__name__
                message = f"{value!r} is not a {wanted}"
            else:
                continue
            problems.append(ConfigProblem(label, line, dotted, message, fallback="ignored"))
            del entry.settings[key]


def _same_type(value: Any, default: Any) -> bool:
    if default is None:
        return True
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(default, float):
        return isinstance(value, int | float)
    return isinstance(value, type(default))


def _where(layers: list[_Layer], path: tuple[str, ...]) -> tuple[str, int | None]:
    """The source (and line) of a nested key: the highest layer that sets it."""
    for layer in reversed(layers):
        node: Any = layer.data
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
        if node is not None:
            return layer.label, layer.locator(path)
    return "settings", None
