"""The registered provider kinds: flux-tui's own, then plug-ins (``flux_tui.providers`` entry points).

flux-tui's own kinds are declared as data (``llm.<kind>_declaration`` modules, found by listing that
package's folder and imported by name: core never imports llm at import time),
so looking one of them up imports neither its module nor the installed packages' metadata. An installed
package that declares ``[project.entry-points."flux_tui.providers"] NAME = "module:Class"`` adds provider
NAME (the entry point may also name a ``ProviderSpec``, whose ``target`` names the class: then the class's
module is imported only when the provider is built). The entry points are read once, when a name that is
not flux-tui's own is looked up or the whole list is asked for: reading them walks every installed
distribution. A plug-in never replaces one of flux-tui's own kinds. A plug-in that cannot be loaded is
logged and left out; it never stops the app.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
import re
import threading
from typing import Any

from flux_tui.core.providers import ProviderSpec

log = logging.getLogger(__name__)

GROUP = "flux_tui.providers"
OWN_PACKAGE_OF_KINDS = "flux_tui.llm"  # its ``*_declaration`` modules declare flux-tui's own kinds
_DECLARATION_SUFFIX = "_declaration.py"
_OWN_PACKAGE = "flux_tui"

_lock = threading.RLock()
_targets: dict[str, Any] | None = None  # kind -> ProviderSpec, class or "module:Class", in menu order
_discovered = False  # the entry points have been read into _targets
_classes: dict[str, type] = {}
_specs: dict[str, ProviderSpec] = {}
_failed: dict[str, str] = {}  # kind -> why it could not be loaded


def declaration_modules() -> list[str]:
    """flux-tui's own declaration modules (``flux_tui.llm.gemini_declaration``...), found by listing the
    package's folder: a native kind is its own modules, no list of kinds to edit."""
    import importlib.util
    import os

    found = importlib.util.find_spec(OWN_PACKAGE_OF_KINDS)
    folders = (found.submodule_search_locations or []) if found is not None else []
    names = {
        entry[: -len(".py")]
        for folder in folders
        if os.path.isdir(folder)
        for entry in os.listdir(folder)
        if entry.endswith(_DECLARATION_SUFFIX)
    }
    return [f"{OWN_PACKAGE_OF_KINDS}.{name}" for name in sorted(names)]


def built_in() -> list[ProviderSpec]:
    """flux-tui's own kinds, in menu order (each module's ``MENU_ORDER``)."""
    modules = [importlib.import_module(name) for name in declaration_modules()]
    modules.sort(key=lambda module: (getattr(module, "MENU_ORDER", 0), module.__name__))
    return [module.DECLARATION for module in modules]


def _built_in() -> dict[str, Any]:
    return {declared.kind: declared for declared in built_in()}


def _plugins() -> dict[str, str]:
    """The plug-ins' entry points, by name. Entry points into flux-tui's own package come from the
    metadata of an install older than the declaration modules and are left out.

    Only a distribution whose ``entry_points.txt`` names the group has it parsed: ``entry_points()``
    parses every distribution's (1.3 ms for 156 distributions, measured, against 0.5 ms to read them),
    and ``load_config`` reads them before the first frame. A distribution installed twice on the path
    counts once: the first found that declares the group."""
    from importlib.metadata import distributions

    found: dict[str, str] = {}
    seen: set[str] = set()
    header = f"[{GROUP}]"
    for dist in distributions():
        text = dist.read_text("entry_points.txt")
        if not text or header not in text:
            continue
        name = _normalized(dist.metadata["Name"] or "")
        if name in seen:
            continue
        seen.add(name)
        for entry in dist.entry_points.select(group=GROUP):
            if entry.value.partition(":")[0].partition(".")[0].strip() != _OWN_PACKAGE:
                found.setdefault(entry.name, entry.value)
    return {name: found[name] for name in sorted(found)}


def _normalized(name: str) -> str:
    """A distribution's name as packaging compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _known() -> dict[str, Any]:
    """The kinds known without reading the entry points: flux-tui's own, and any found or registered."""
    global _targets
    with _lock:
        if _targets is None:
            _targets = _built_in()
        return _targets


def _all_targets() -> dict[str, Any]:
    global _discovered
    with _lock:
        targets = _known()
        if not _discovered:
            for name, value in _plugins().items():
                targets.setdefault(name, value)
            _discovered = True
        return targets


def _target(kind: str) -> Any:
    """What ``kind`` is registered as; the entry points are read only for a kind not known without them."""
    with _lock:
        known = _known()
        return known[kind] if kind in known else _all_targets().get(kind)


def reset() -> None:
    """Forget what was discovered (tests that install a plug-in while running)."""
    global _targets, _discovered
    with _lock:
        _targets = None
        _discovered = False
        _classes.clear()
        _specs.clear()
        _failed.clear()


def register(kind: str, target: Any) -> None:
    """Add (or replace) a kind at run time: its class, its ``ProviderSpec``, or ``"package.module:Name"``
    naming either."""
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


def _resolve(target: Any) -> Any:
    """The object a target stands for: itself, or what ``"package.module:Name"`` names (imported)."""
    if not isinstance(target, str):
        return target
    module_name, _, attr = target.partition(":")
    found: Any = importlib.import_module(module_name.strip())
    for part in attr.strip().split("."):
        found = getattr(found, part)
    return found


def load_class(kind: str) -> type:
    """The class registered as ``kind``; ``LookupError`` when there is none, ``ImportError`` etc. when
    it cannot be loaded."""
    with _lock:
        if kind in _classes:
            return _classes[kind]
        target = _target(kind)
        if target is None:
            raise LookupError(kind)
        cls = _resolve(target)
        if isinstance(cls, ProviderSpec):
            cls = _resolve(cls.target)
        if not isinstance(cls, type):
            raise TypeError(f"{getattr(target, 'target', target)} is not a class")
        _classes[kind] = cls
        return cls


def _declaration(kind: str, target: Any) -> ProviderSpec:
    """``kind``'s declaration: the ``ProviderSpec`` it is registered as (or its entry point names), else
    what its class's attributes state."""
    declared = _resolve(target) if isinstance(target, str) else target
    if not isinstance(declared, ProviderSpec):
        return ProviderSpec.of_class(kind, load_class(kind), target if isinstance(target, str) else "")
    return declared if declared.kind == kind else dataclasses.replace(declared, kind=kind)


def spec(kind: str) -> ProviderSpec | None:
    """The declaration of ``kind``, or None when no such kind is registered (or it cannot be loaded)."""
    with _lock:
        found = _specs.get(kind)
        if found is not None or kind in _failed:
            return found
        target = _target(kind)
        if target is None:
            return None
        try:
            found = _declaration(kind, target)
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


def is_open_weights(kind: str, model: str) -> bool:
    """Whether ``model`` is one of the open-weights models ``kind`` declares: ``gpt-oss-20b``, and as local
    servers name it, ``gpt-oss:20b`` or ``openai/gpt-oss-20b``."""
    found = spec(kind)
    return found is not None and model.lower().rpartition("/")[2].startswith(found.open_weights)
