"""The parsed-CSS file is code when unpickled: one that is not the user's own private file is not read;
an entry that no longer loads is parsed again, not a crash at every start; a cache dir that cannot be
made is a quiet miss, not a traceback after the app quits."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from textual.css.stylesheet import Stylesheet

from flux_tui.ui.textual_css_cache import FILE_NAME, CssCache

CSS = "Label { width: 3; }"
WHERE = ("here", "Label")


def _saved(directory: Path) -> Path:
    cache = CssCache(directory / FILE_NAME, ("stamp",))
    cache.parse_rules(Stylesheet(), CSS, WHERE)
    cache.save()
    return directory / FILE_NAME


def test_a_file_others_may_write_is_not_read(tmp_path: Path) -> None:
    path = _saved(tmp_path)
    assert len(CssCache(path, ("stamp",)).entries) == 1
    os.chmod(path, 0o622)  # group and others may write it
    assert CssCache(path, ("stamp",)).entries == {}


def test_an_entry_that_does_not_load_is_parsed_again(tmp_path: Path) -> None:
    path = _saved(tmp_path)
    stamp, variables, entries = pickle.loads(path.read_bytes())
    entries = {key: b"not a pickle" for key in entries}
    path.write_bytes(pickle.dumps((stamp, variables, entries)))
    os.chmod(path, 0o600)
    cache = CssCache(path, ("stamp",))
    rules = cache.parse_rules(Stylesheet(), CSS, WHERE)
    assert len(rules) == 1 and cache.hits == 0 and cache.added


def test_a_cache_dir_that_cannot_be_made_is_a_quiet_miss(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache dir would be")
    cache = CssCache(blocker / "flux-tui" / FILE_NAME, ("stamp",))
    cache.parse_rules(Stylesheet(), CSS, WHERE)
    cache.save()  # no exception
    assert not (blocker / "flux-tui").exists()
