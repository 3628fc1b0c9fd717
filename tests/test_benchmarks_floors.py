"""The benchmark suite's floors: the minimal Textual app flux-tui's startup is measured against, and the
raw HTTP client its firehose is measured against (``benchmarks/floor_app.py``, ``benchmarks/http_floor.py``).
That both are run and reported in the suite is checked by ``test_benchmarks_quick.py``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from fakeapi import FakeAPI
from textual.widgets import Input, Static

from benchmarks import floor_app, http_floor
from benchmarks.harness import FIRST_FRAME_TEXT, FLOOR_ARGV

REPO = Path(__file__).resolve().parents[1]
ANSWER = "Floors are the **least** work\n\nthat can show a stream: ZZFLOOREND"


def test_floor_app_is_one_static_and_one_input_with_the_first_frame_text() -> None:
    assert FIRST_FRAME_TEXT in floor_app.PLACEHOLDER  # the harness sees its first frame as flux-tui's


async def test_floor_app_is_ready_for_input_at_once() -> None:
    app = floor_app.FloorApp()
    async with app.run_test() as pilot:
        assert len(app.query(Static).exclude("Input")) == 1 and len(app.query(Input)) == 1
        prompt = app.query_one(Input)
        assert app.focused is prompt  # a key typed at the first frame lands in the prompt, as in flux-tui
        await pilot.press("q", "z", "x")
        assert prompt.value == "qzx"


def test_floor_app_imports_nothing_of_flux_or_the_harness() -> None:
    # The floor is the least a Textual prompt costs: the harness or the app would weigh on it.
    code = "import sys; import benchmarks.floor_app; print('\\n'.join(sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    loaded = {name.split(".")[0] for name in done.stdout.split()} | set(done.stdout.split())
    assert "textual" in loaded
    assert "flux_tui" not in loaded and "benchmarks.harness" not in loaded
    assert FLOOR_ARGV[1:] == ["-m", "benchmarks.floor_app"]


@pytest.mark.parametrize("kind", ["anthropic", "openai"])
def test_http_floor_reads_every_event_of_the_stream(fake_api: FakeAPI, kind: str) -> None:
    if kind == "anthropic":
        fake_api.queue_anthropic_text(ANSWER)
        base = fake_api.anthropic_base_url
    else:
        fake_api.queue_openai_text(ANSWER)
        base = fake_api.openai_base_url
    result = http_floor.receive(kind, base, "some-model")
    assert result["text_tail"] == ANSWER  # every text delta, in order, nothing else
    assert result["chars"] == len(ANSWER)
    assert result["events"] > len(ANSWER.split())  # one event per token at least (plus start and end)
    assert 0 < result["seconds"] < 30
    request = fake_api.last_request()
    assert request.body["stream"] is True and request.body["messages"][0]["content"] == "benchmark"


def test_http_floor_reports_a_failed_request(fake_api: FakeAPI) -> None:
    fake_api.queue_error("/v1/messages", 500)
    with pytest.raises(Exception, match="500"):
        http_floor.receive("anthropic", fake_api.anthropic_base_url, "some-model")
