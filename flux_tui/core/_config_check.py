"""Checking one settings source on its own: unknown keys and wrong values become ``ConfigProblem``s.

A wrong value is removed from the source (so the next lower source, or the default, applies) and the
problem says where it was and what was expected. Secrets are never quoted back.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import TypeAdapter, ValidationError

from flux_tui.core._config_models import ModelSettings, NamedProvider, Prices, ToolsConfig

if TYPE_CHECKING:
    from flux_tui.core.config import Config, ConfigProblem

_MAX_PASSES = 50
_NESTED_KEYS = sorted(
    {
        *NamedProvider.model_fields,
        *ToolsConfig.model_fields,
        *ModelSettings.model_fields,
        *Prices.model_fields,
    }
)

Locator = Callable[[tuple[str, ...]], int | None]


def _is_secret(path: tuple[str, ...]) -> bool:
    # Keys, and headers (which may carry an Authorization token), are never quoted back.
    return bool(path) and (path[-1].endswith("api_key") or "headers" in path)


def _accepted_keys(config_cls: type[Config]) -> dict[str, str]:
    accepted: dict[str, str] = {}
    for name, info in config_cls.model_fields.items():
        accepted[name] = name
        if isinstance(info.validation_alias, str):
            accepted[info.validation_alias] = name
    return accepted


@cache
def _adapter(config_cls: type[Config], name: str) -> TypeAdapter[Any]:
    info = config_cls.model_fields[name]
    # The metadata carries the field's constraints (gt=0...) into the stand-alone check.
    if info.metadata:
        return TypeAdapter(Annotated[(info.annotation, *info.metadata)])
    return TypeAdapter(info.annotation)


def _deepest_existing(value: Any, loc: tuple[Any, ...]) -> list[str]:
    path: list[str] = []
    current = value
    for part in loc:
        if isinstance(current, dict) and isinstance(part, str) and part in current:
            path.append(part)
            current = current[part]
        else:
            break
    return path


def _delete(value: dict[str, Any], path: list[str]) -> None:
    current = value
    for part in path[:-1]:
        current = current[part]
    del current[path[-1]]


def _did_you_mean(key: str, known: list[str]) -> str:
    import difflib  # only a misspelt key needs it: a correct configuration loads without it

    close = difflib.get_close_matches(key, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _describe(error: Any, path: tuple[str, ...], secret: bool) -> str:
    if error["type"] == "extra_forbidden":
        return f"unknown setting{_did_you_mean(path[-1], _NESTED_KEYS)}; ignored"
    if error["type"] == "missing":
        parent = ".".join(path[:-1])
        return f"required key {path[-1]!r} is missing, so [{parent}] was ignored"
    message = str(error["msg"]).removeprefix("Value error, ")
    value = error.get("input")
    if isinstance(value, dict):  # a whole table is wrong (a check across its keys): it goes
        return f"{message}, so [{'.'.join(path)}] was ignored"
    if not secret and isinstance(value, str | int | float | bool):
        shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
        message += f" (got {shown})"
    return message + "; using the default"


def check_layer(
    config_cls: type[Config],
    data: dict[str, Any],
    label: str,
    locator: Locator,
    key_name: Callable[[tuple[str, ...]], str] = ".".join,
) -> tuple[dict[str, Any], list[ConfigProblem]]:
    """Validate one source's values field by field; drop what is wrong and say where it was."""
    from flux_tui.core.config import ConfigProblem

    accepted = _accepted_keys(config_cls)
    clean: dict[str, Any] = {}
    problems: list[ConfigProblem] = []
    for key, value in data.items():
        name = accepted.get(key) or accepted.get(key.lower())
        if name is None:
            hint = _did_you_mean(key, list(config_cls.model_fields))
            problems.append(
                ConfigProblem(label, locator((key,)), key_name((key,)), f"unknown setting{hint}; ignored")
            )
            continue
        adapter = _adapter(config_cls, name)
        for _ in range(_MAX_PASSES):
            try:
                adapter.validate_python(value)
            except ValidationError as exc:
                errors = exc.errors()
            else:
                clean[name] = value
                break
            dropped_whole = False
            for error in errors:
                inner = _deepest_existing(value, tuple(error["loc"]))
                if error["type"] == "missing" and inner and inner == [str(p) for p in error["loc"]]:
                    inner = inner[:-1]
                full = (key, *(str(p) for p in error["loc"]))
                located = (key, *inner) if error["type"] != "extra_forbidden" else full
                problems.append(
                    ConfigProblem(
                        label, locator(located), key_name(full), _describe(error, full, _is_secret(full))
                    )
                )
                if inner and isinstance(value, dict):
                    try:
                        _delete(value, inner)
                    except (KeyError, TypeError):
                        dropped_whole = True
                else:
                    dropped_whole = True
            if dropped_whole:
                break
    return clean, problems
