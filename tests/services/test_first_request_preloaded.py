"""A provider built ahead of the first request (the app's warm-up, in a thread) has loaded what that
request needs: the request imports none of our modules and looks up no context window on the event
loop, between the user's Enter and its first byte."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from fakeapi import FakeAPI


def test_the_first_request_imports_nothing_and_looks_nothing_up(fake_api: FakeAPI) -> None:
    fake_api.queue_anthropic_text("hello")
    code = textwrap.dedent(
        f"""
        import asyncio, json, sys
        from flux_tui.core import pricing
        from flux_tui.core.config import load_config
        from flux_tui.core.transcript import Transcript
        from flux_tui.services.providers import ProviderService

        config, _ = load_config(anthropic_api_key="k", anthropic_base_url={fake_api.anthropic_base_url!r})
        service = ProviderService(config, Transcript())
        provider = service.build(service.resolve("anthropic"))

        async def main():
            await service.warm_up(provider)
            ours = {{name for name in sys.modules if name.startswith("flux_tui")}}
            lookups = pricing._lookup.cache_info().misses
            text = ""
            async for event in provider.send_message("hi", "be brief", None):
                text += event["content"] if event["type"] == "text" else ""
            imported = sorted({{n for n in sys.modules if n.startswith("flux_tui")}} - ours)
            looked_up = pricing._lookup.cache_info().misses - lookups
            return {{"text": text, "imported": imported, "lookups": looked_up}}

        print(json.dumps(asyncio.run(main())))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"text": "hello", "imported": [], "lookups": 0}
