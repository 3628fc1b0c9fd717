"""The forgiving loader behind ``config.load_config``.

Each source (user flux.toml, ./flux.toml, .env, environment, arguments) is read and checked on its own,
so a problem names the place it came from. A bad value is removed from its source (with a problem that
says where and what was expected) and the next lower source or the default applies; an invalid TOML file
is ignored as a whole. Only then are the sources merged (deep, highest wins) and the Config built.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from pydantic_settings import DotEnvSettingsSource, EnvSettingsSource
from pydantic_settings.exceptions import SettingsError

from flux_tui.core._config_check import Locator, check_layer
from flux_tui.core._config_merged import check_merged
from flux_tui.core._config_trust import mcp_json_servers, screen_layer, unsafe_base_urls
from flux_tui.core.trust import WorkspaceTrust, trusted_folders

if TYPE_CHECKING:
    from flux_tui.core.config import Config, ConfigProblem


_MAX_PASSES = 50
_MAX_NESTING = 64  # brackets deep: far beyond any setting, far below the parsers' recursion limit


def _nesting(text: str) -> int:
    """How deep ``[`` and ``{`` nest in ``text`` (quotes are not looked at: an upper bound)."""
    if text.count("[") + text.count("{") <= _MAX_NESTING:
        return 0  # the common case, without a walk over the text
    depth = deepest = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(0, depth - 1)
    return deepest


# -- reading the sources ------------------------------------------------------------------------

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)")


# What the app does with a file it cannot use; a subcommand stops instead and does not say it.
_IGNORED = "this file was ignored"

def read_toml(path: Path) -> tuple[dict[str, Any] | None, str, list[ConfigProblem]]:
    """(data or None when unusable, the text, problems)."""
    import tomllib  # only a flux.toml that exists needs the parser

    from flux_tui.core.config import ConfigProblem

    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except OSError as exc:
        problem = ConfigProblem(
            str(path), None, None, f"cannot read: {exc.strerror}", fatal=True, fallback=_IGNORED
        )
        return None, "", [problem]
    except UnicodeDecodeError:
        problem = ConfigProblem(str(path), None, None, "not UTF-8 text", fatal=True, fallback=_IGNORED)
        return None, "", [problem]
    try:
        return tomllib.loads(text), text, []
    except RecursionError:  # tomllib parses nested arrays and tables recursively
        message = "invalid TOML: arrays or tables nested too deeply"
        return None, text, [ConfigProblem(str(path), None, None, message, fatal=True, fallback=_IGNORED)]
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _TOML_POSITION.search(message)
        line = int(found.group(1)) if found else None
        column = int(found.group(2)) if found else None
        message = f"invalid TOML: {_TOML_POSITION.sub('', message)}"
        problem = ConfigProblem(str(path), line, None, message, column=column, fatal=True, fallback=_IGNORED)
        return None, text, [problem]


def _read_settings_source(
    source: EnvSettingsSource, config_cls: type[Config], label: str
) -> tuple[dict[str, Any], list[ConfigProblem]]:
    """Call a pydantic-settings env/dotenv source, dropping variables it cannot parse (bad JSON)."""
    from flux_tui.core.config import ConfigProblem

    problems: list[ConfigProblem] = []
    # json.loads parses nesting recursively: a value nested this deep is no setting anyway. (Only the
    # FLUX_ variables hold tables or lists; the source sees every variable of the process.)
    deep = [
        name
        for name, value in source.env_vars.items()
        if name.lower().startswith("flux_") and value and _nesting(value) > _MAX_NESTING
    ]
    for name in deep:
        problems.append(
            ConfigProblem(label, None, name.upper(), "nested too deeply", fatal=True, fallback="ignored")
        )
    source.env_vars = {k: v for k, v in source.env_vars.items() if k not in deep}
    for _ in range(_MAX_PASSES):
        try:
            return source(), problems
        except SettingsError as exc:
            found = re.search(r'field "(\w+)"', str(exc))
            if found is None:
                problems.append(ConfigProblem(label, None, None, f"{exc}", fatal=True, fallback="ignored"))
                return {}, problems
            field_name = found.group(1)
            env_name = _env_name(config_cls, (field_name,)).lower()
            bad = [
                n
                for n in source.env_vars
                if n.lower() in (env_name,) or n.lower().startswith(env_name + "__")
            ]
            problems.append(
                ConfigProblem(
                    label,
                    None,
                    env_name.upper(),
                    "not valid JSON for a table or list",
                    fatal=True,
                    fallback="ignored",
                )
            )
            source.env_vars = {k: v for k, v in source.env_vars.items() if k not in bad}
    return {}, problems


def _env_name(config_cls: type[Config], path: tuple[str, ...]) -> str:
    info = config_cls.model_fields.get(path[0])
    if info is not None and isinstance(info.validation_alias, str):
        head = info.validation_alias.upper()
    else:
        head = "FLUX_" + path[0].upper()
    return "__".join([head, *(p.upper() for p in path[1:])])


def _dotenv_line(text: str) -> Callable[[str], int | None]:
    def find(name: str) -> int | None:
        pattern = re.compile(rf"^\s*(?:export\s+)?{re.escape(name)}\s*=", re.IGNORECASE)
        for number, line in enumerate(text.splitlines(), start=1):
            if pattern.match(line):
                return number
        return None

    return find


def _deep_merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


@dataclass(slots=True)
class _Layer:
    label: str
    data: dict[str, Any]
    locator: Locator

    def where(self, key: str) -> tuple[str, int | None]:
        return self.label, self.locator((key,))


def _read_files(
    config_cls: type[Config], paths: list[Path], problems: list[ConfigProblem], files: list[Path]
) -> list[_Layer]:
    layers: list[_Layer] = []
    for path in paths:
        if not path.is_file():
            continue
        data, text, found = read_toml(path)
        problems.extend(found)
        if data is None:
            continue
        files.append(path)
        from flux_tui.core._toml_lines import key_lines, locate  # for files that exist only

        lines = key_lines(text)
        locator: Locator = lambda p, lines=lines: locate(lines, p)  # noqa: E731
        clean, found = check_layer(config_cls, data, str(path), locator)
        problems.extend(found)
        layers.append(_Layer(str(path), clean, locator))
    return layers


def _read_dotenv(
    config_cls: type[Config], env_file: Path, problems: list[ConfigProblem]
) -> tuple[_Layer | None, dict[str, str]]:
    from flux_tui.core.config import ConfigProblem

    if not env_file.is_file():
        return None, {}
    try:
        from dotenv import dotenv_values

        text = env_file.read_text(encoding="utf-8", errors="replace")
        raw = {k: v for k, v in dotenv_values(env_file).items() if v is not None}
    except Exception as exc:  # unreadable .env: say so, keep going
        problem = ConfigProblem(
            str(env_file), None, None, f"cannot read: {exc}", fatal=True, fallback=_IGNORED
        )
        problems.append(problem)
        return None, {}
    find = _dotenv_line(text)
    data, found = _read_settings_source(
        DotEnvSettingsSource(config_cls, env_file=env_file), config_cls, ".env"
    )
    problems.extend(found)
    locator: Locator = lambda p: find(_env_name(config_cls, p[:1]))  # noqa: E731
    clean, found = check_layer(config_cls, data, ".env", locator, lambda p: _env_name(config_cls, p))
    problems.extend(found)
    return _Layer(".env", clean, locator), raw


def build_config(
    config_cls: type[Config], init_only: ContextVar[bool], overrides: dict[str, Any], trusted: bool = False
) -> tuple[Config, list[ConfigProblem]]:
    """``trusted``: apply the workspace's settings that need trust (``--trust``) even when its folder is
    not in the trust file (see ``_config_trust``)."""
    from flux_tui.core.config import CONFIG_FILE_NAME, user_config_dir

    problems: list[ConfigProblem] = []
    files: list[Path] = []

    config_dir = overrides.get("config_dir") or os.environ.get("FLUX_CONFIG_DIR")
    user_dir = Path(config_dir).expanduser() if config_dir else user_config_dir()
    user_file = user_dir / CONFIG_FILE_NAME
    local_file = Path.cwd() / CONFIG_FILE_NAME
    paths = [user_file]
    if not (user_file.exists() and local_file.exists() and user_file.samefile(local_file)):
        paths.append(local_file)
    layers = _read_files(config_cls, paths, problems, files)  # lowest precedence first
    workspace = [(layer, _toml_name) for layer in layers if layer.label != str(user_file)]

    env_file = Path.cwd() / ".env"
    dotenv_layer, dotenv_raw = _read_dotenv(config_cls, env_file, problems)
    if dotenv_layer is not None:
        layers.append(dotenv_layer)
        workspace.append((dotenv_layer, lambda p: _env_name(config_cls, p)))
    trust = WorkspaceTrust(Path.cwd(), user_dir, bool(trusted), trusted_folders(user_dir))
    screening = not trust.trusts(Path.cwd())
    if screening:
        for layer, name in workspace:
            trust.ignored += screen_layer(layer, name)

    data, found = _read_settings_source(EnvSettingsSource(config_cls), config_cls, "environment")
    problems.extend(found)
    clean, found = check_layer(
        config_cls, data, "environment", lambda p: None, lambda p: _env_name(config_cls, p)
    )
    problems.extend(found)
    layers.append(_Layer("environment", clean, lambda p: None))

    given = {k: v for k, v in overrides.items() if v is not None}  # None: "not given" (CLI flags)
    clean, found = check_layer(config_cls, given, "arguments", lambda p: None)
    problems.extend(found)
    layers.append(_Layer("arguments", clean, lambda p: None))

    built: list[ConfigProblem] = []
    config = _merge_construct(config_cls, init_only, layers, built)
    config._dotenv = dotenv_raw
    if screening:
        outside = [layer for layer in layers if all(layer is not w for w, _ in workspace)]
        found = unsafe_base_urls(config, workspace, outside, dotenv_raw, env_file, _dotenv_finder(env_file))
        if found:  # merged again without them: the user's own value or the default applies
            trust.ignored += found
            built = []
            config = _merge_construct(config_cls, init_only, layers, built)
            config._dotenv = dotenv_raw
    problems.extend(built)
    root = config.workspace or Path.cwd()
    if not trust.trusts(root):
        trust.ignored += mcp_json_servers(root)
    find = _dotenv_finder(env_file)
    trust.ignored = [
        replace(i, file=str(env_file), line=i.line or find(i.setting)) if i.file == ".env" else i
        for i in trust.ignored
    ]
    config._trust = trust
    config._files = files
    check_merged(config, layers, problems)
    config.apply_price_overrides()
    return config, problems


def _toml_name(path: tuple[str, ...]) -> str:
    return ".".join(path)


def _dotenv_finder(env_file: Path) -> Callable[[str], int | None]:
    def find(name: str) -> int | None:
        try:
            return _dotenv_line(env_file.read_text(encoding="utf-8", errors="replace"))(name)
        except OSError:
            return None

    return find


def _merge_construct(
    config_cls: type[Config], init_only: ContextVar[bool], layers: list[_Layer], problems: list[ConfigProblem]
) -> Config:
    merged: dict[str, Any] = {}
    for layer in layers:
        merged = _deep_merge(merged, layer.data)
    return _construct(config_cls, init_only, merged, problems)


def _origin(layers: list[_Layer], key: str) -> tuple[str, int | None]:
    """The source (and line) the merged value of ``key`` came from: the highest layer that sets it."""
    for layer in reversed(layers):
        if key in layer.data:
            return layer.where(key)
    return "settings", None


def config_default(config: Config, name: str) -> Any:
    return type(config).model_fields[name].get_default(call_default_factory=True)


def _construct(
    config_cls: type[Config],
    init_only: ContextVar[bool],
    merged: dict[str, Any],
    problems: list[ConfigProblem],
) -> Config:
    from flux_tui.core.config import ConfigProblem

    token = init_only.set(True)
    try:
        for _ in range(_MAX_PASSES):
            try:
                return config_cls(**merged)
            except ValidationError as exc:
                # Each source was valid alone; only a combination can fail here (rare): drop the field.
                for error in exc.errors():
                    key = str(error["loc"][0]) if error["loc"] else None
                    problems.append(
                        ConfigProblem("settings", None, key, f"{error['msg']}; using the default")
                    )
                    if key is not None:
                        merged.pop(key, None)
                    else:
                        merged.clear()
        return config_cls()
    finally:
        init_only.reset(token)
