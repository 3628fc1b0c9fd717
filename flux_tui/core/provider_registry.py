"""The registered provider kinds: found through the ``flux_tui.providers`` entry points.

An installed package that declares ``[project.entry-points."flux_tui.providers"] NAME = "module:Class"``
adds provider NAME; flux-tui's own providers are declared the same way in its ``pyproject.toml``. A
source checkout run from its directory (its installed metadata possibly older than its
``pyproject.toml``) reads its own entry points from that file. Classes are imported when the
registry is first read; they import their SDK only when they first talk to the API, so this stays
cheap. A plug-in that cannot be loaded is logged and left out; it never stops the app.

Core never imports ``llm``: the classes are loaded by name, and only their declared attributes are
read here (``ProviderSpec``).
"""

from __future__ import annotations

import importlib
import logging
import threading
import tomllib
from pathlib import Path
from typing import Any

from flux_tui.core.providers import ProviderSpec

log = logging.getLogger(__name__)

GROUP = "flux_tui.providers"
_OWN_DISTRIBUTION = "flux-tui"

_lock = threading.RLock()
_targets: dict[str, Any] | None = None  # kind -> class or "module:Class", in menu order
_classes: dict[str, type] = {}
_specs: dict[str, ProviderSpec] = {}
_failed: dict[str, str] = {}  # kind -> why it could not be loaded


def _source_tree_entry_points() -> dict[str, str] | None:
    """flux-tui's own entry points from the pyproject.toml beside the package, in a source checkout."""
    path = Path(__file__).resolve().parents[2] / "pyproject.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    project = data.get("project") or {}
    if project.get("name") != _OWN_DISTRIBUTION:
        return None
    found = (project.get("entry-points") or {}).get(GROUP)
    return dict(found) if isinstance(found, dict) else None


def _discover() -> dict[str, Any]:
    from importlib.metadata import entry_points

    own = _source_tree_entry_points()
    plugins: dict[str, str] = {}
    installed_own: dict[str, str] = {}
    for entry in entry_points(group=GROUP):
        dist = getattr(entry, "dist", None)
        dist_name = (getattr(dist, "name", "") or "").replace("_", "-").lower()
        if dist_name == _OWN_DISTRIBUTION:
            installed_own.setdefault(entry.name, entry.value)
        else:
            plugins.setdefault(entry.name, entry.value)
    targets: dict[str, Any] = dict(own if own is not None else installed_own)
    for name in sorted(plugins):
        targets.setdefault(name, plugins[name])
    return targets


def _all_targets() -> dict[str, Any]:
    global _targets
    with _lock:
        if _targets is None:
            _targets = _discover()
        return _targets


def reset() -> None:
    """Forget what was discovered (tests that install a plug-in while running)."""
    global _targets
    with _lock:
        _targets = None
        _classes.clear()
        _specs.clear()
        _failed.clear()


def register(kind: str, target: Any) -> None:
    """Add (or replace) a kind at run time: its class, or ``"package.module:Class"``."""
    with _lock:
        _all_targets()[kind] = target
        _classes.pop(kind, None)
        _specs.pop(kind, None)
        _failed.pop(kind, None)


def unregister(kind: str) -> None:
    with _lock:
        _all_targets().pop(kind, None)
        _classes.pop(kind, None)
        _specs.pop(kind, None)
        _failed.pop(kind, None)


def load_class(kind: str) -> type:
    """The class registered as ``kind``; ``LookupError`` when there is none, ``ImportError`` etc. when
    it cannot be loaded."""
    with _lock:
        if kind in _classes:
            return _classes[kind]
        target = _all_targets().get(kind)
        if target is None:
            raise LookupError(kind)
        if isinstance(target, type):
            cls = target
        else:
            module_name, _, attr = str(target).partition(":")
            cls = importlib.import_module(module_name.strip())
            for part in attr.strip().split("."):
                cls = getattr(cls, part)
        if not isinstance(cls, type):
            raise TypeError(f"{target} is not a class")
        _classes[kind] = cls
        return cls


def _spec_of(kind: str, cls: type, target: Any) -> ProviderSpec:
    def attr(name: str, default: Any) -> Any:
        value = getattr(cls, name, None)
        return default if value is None else value

    key_envs = attr("key_envs", ())
    if isinstance(key_envs, str):
        key_envs = (key_envs,)
    return ProviderSpec(
        kind=kind,
        label=str(attr("label", "") or kind),
        target=target if isinstance(target, str) else f"{cls.__module__}:{cls.__qualname__}",
        key_envs=tuple(str(env) for env in key_envs),
        base_url_env=attr("base_url_env", None),
        default_model=str(attr("default_model", "")),
        models=tuple(str(m) for m in attr("models", ())),
        settings=dict(attr("settings_defaults", {})),
        pricing_id=attr("pricing_id", None),
        local_needs_no_key=bool(attr("local_needs_no_key", False)),
    )


def spec(kind: str) -> ProviderSpec | None:
    """The declaration of ``kind``, or None when no such kind is registered (or it cannot be loaded)."""
    with _lock:
        found = _specs.get(kind)
        if found is not None or kind in _failed:
            return found
        target = _all_targets().get(kind)
        if target is None:
            return None
        try:
            found = _spec_of(kind, load_class(kind), target)
        except Exception as exc:  # a broken plug-in must not stop the app
            _failed[kind] = f"{type(exc).__name__}: {exc}"
            # Said to the user by load_config (``failures``); before logging is set up a warning
            # here would reach stderr bare, without the program's name.
            log.info("provider plug-in %r (%s) cannot be loaded: %s", kind, target, _failed[kind])
            return None
        _specs[kind] = found
        return found


def kinds() -> list[str]:
    """The usable registered kinds, flux-tui's own first, then plug-ins by name."""
    return [kind for kind in list(_all_targets()) if spec(kind) is not None]


def specs() -> list[ProviderSpec]:
    return [found for found in (spec(kind) for kind in list(_all_targets())) if found is not None]


def failures() -> dict[str, str]:
    """Kinds whose class could not be loaded, and why."""
    kinds()
    return dict(_failed)


def pricing_id(kind: str) -> str:
    """The genai-prices provider id of ``kind`` (its declared ``pricing_id``, else the kind itself)."""
    found = spec(kind)
    return (found.pricing_id if found is not None else None) or kind
