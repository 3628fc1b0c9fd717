"""The command line's path to the app (the CLI module, ``load_config``, the error log) loads only what
the first frame needs: not the provider modules (their declarations are data), not the TOML parser or
difflib when no flux.toml exists and nothing is misspelt, and no compiled redaction pattern before
something is redacted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

WORKTREE = Path(__file__).resolve().parents[2]
_PREFIXES = ("FLUX_", "ANTHROPIC_", "OPENAI_", "GEMINI_", "GOOGLE_")

_CODE = """
import json, sys
import flux_tui.cli
from flux_tui.core import _redact_patterns
from flux_tui.core.config import load_config
from flux_tui.core.logging_setup import config_secrets, setup_logging
config, problems = load_config()
for name in config.provider_names():
    config.provider_settings(name)
setup_logging(config, config_secrets(config))
watched = ('flux_tui.llm._streaming', 'flux_tui.core.transcript', 'tomllib', 'difflib')
loaded = sorted(m for m in sys.modules if m.endswith('_provider') or m in watched)
compiled = _redact_patterns.key_patterns.cache_info().currsize
from flux_tui.core.redact import redact_text
print(json.dumps({'loaded': loaded, 'compiled': compiled, 'problems': [str(p) for p in problems],
                  'redacted': redact_text('key sk-ant-abcdefghijklmnop here')}))
"""


def test_the_start_loads_only_what_the_first_frame_needs(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(_PREFIXES)}
    env.update(
        PYTHONPATH=str(WORKTREE),
        FLUX_CONFIG_DIR=str(tmp_path / "config"),
        FLUX_DATA_DIR=str(tmp_path / "data"),
        ANTHROPIC_API_KEY="sk-ant-test-key-0123456789",
    )
    done = subprocess.run(
        [sys.executable, "-c", _CODE], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found == {
        "loaded": [],
        "compiled": 0,
        "problems": [],
        "redacted": "key [REDACTED] here",
    }
