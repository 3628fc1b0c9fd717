"""No default factory of the settings models is a builtin whose signature pydantic must parse from its
text (``list``'s): the first such parse compiles the tokenizer's expressions, 5 ms before the app's
first frame."""

from __future__ import annotations

import subprocess
import sys

from pydantic import BaseModel

from flux_tui.core._config_mcp import McpServerSettings
from flux_tui.core._config_models import ModelSettings, NamedProvider, Prices, ToolsConfig
from flux_tui.core.config import Config


def test_no_factory_has_a_text_signature() -> None:
    models: list[type[BaseModel]] = [
        Config,
        McpServerSettings,
        ModelSettings,
        NamedProvider,
        Prices,
        ToolsConfig,
    ]
    factories = [
        (model.__name__, name, field.default_factory)
        for model in models
        for name, field in [*model.model_fields.items(), *model.__private_attributes__.items()]
        if field.default_factory is not None
    ]
    assert factories  # the check looks at something
    assert [
        (model, name) for model, name, factory in factories if getattr(factory, "__text_signature__", None)
    ] == []


def test_loading_the_settings_does_not_tokenize() -> None:
    code = (
        "import tokenize\n"
        "from flux_tui.core.config import load_config\n"
        "load_config()\n"
        "compiled = getattr(tokenize, '_compile', None)\n"  # CPython 3.11's cached compile of its expressions
        "print(compiled.cache_info().currsize if compiled else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0"]
