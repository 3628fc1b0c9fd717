"""The token encoding is built from the BPE file shipped inside flux_tui, as tiktoken documents for a
custom encoding: no tiktoken plugin package, no download, the same tokens as tiktoken's cl100k_base."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

from flux_tui.core import data, tokens

_NO_PLUGINS_OFFLINE = r"""
import importlib.abc, json, socket, sys

class NoTiktokenPlugins(importlib.abc.MetaPathFinder):  # the namespace stays: tiktoken imports it
    def find_spec(self, name, path=None, target=None):
        if name.startswith("tiktoken_ext."):
            raise ImportError(f"{name} is not installed")
        return None

sys.meta_path.insert(0, NoTiktokenPlugins())

def refuse(*args, **kwargs):
    raise OSError("network access attempted")

socket.socket.connect = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse

from flux_tui.core import tokens

tokens.preload(background=False)
print(json.dumps({"exact": tokens.is_exact(), "fox": tokens.count_tokens(sys.argv[1])}))
"""


def test_counts_are_exact_without_any_tiktoken_plugin_package(tmp_path: Path) -> None:
    env = {"TIKTOKEN_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    env["PYTHONPATH"] = str(Path(tokens.__file__).parents[2])
    fox = "The quick brown fox jumps over the lazy dog."
    done = subprocess.run(
        [sys.executable, "-c", _NO_PLUGINS_OFFLINE, fox], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"exact": True, "fox": 10}


def test_the_shipped_file_is_the_published_one_with_its_licence() -> None:
    shipped = resources.files(data)
    digest = hashlib.sha256((shipped / "cl100k_base.tiktoken").read_bytes()).hexdigest()
    assert digest == "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"
    assert "MIT License" in (shipped / "LICENSE-tiktoken").read_text()


def test_the_encoding_is_cl100k_base() -> None:
    encoding = tokens.build_encoding()
    assert encoding.n_vocab == 100277
    assert encoding.encode_ordinary("hello world") == [15339, 1917]
    assert encoding.encode("<|endoftext|>", allowed_special="all") == [100257]
    assert encoding.encode_ordinary("naïve café — 東京 🚀\n\n  x\ty") == [
        3458, 38672, 588, 53050, 2001, 61696, 109, 47653, 11410, 248, 222, 271, 220, 865, 14862,
    ]  # tiktoken's own cl100k_base
