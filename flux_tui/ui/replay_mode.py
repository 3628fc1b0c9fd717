"""What ``FluxApp`` does otherwise while a replay plays (``ReplayController`` sets ``app.replay``).

Mixed in first, so its two overrides win over ``ProviderControl``'s: while a replay plays, a replayed
provider switch only changes what the menus and sidebar show, and no provider is warmed up (both would
build a provider and ask its endpoint for models: a replay makes no network request).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flux_tui.core.agent_events import ProviderSwitched

if TYPE_CHECKING:
    from textual.worker import Worker

    from flux_tui.ui.app import FluxApp
    from flux_tui.ui.replay_controller import ReplayController


class ReplayMode:
    """Mixed into ``FluxApp``. ``replay`` is the replay playing (None: the app is live)."""

    replay: ReplayController | None = None

    @property
    def replaying(self) -> bool:
        return self.replay is not None

    def on_provider_switched(self: FluxApp, event: ProviderSwitched) -> None:
        if self.replay is None:
            super().on_provider_switched(event)  # type: ignore[misc]
            return
        self.show_provider(event.provider, event.model, [event.model])

    def warm_up(self: FluxApp) -> Worker[Any] | None:
        if self.replay is not None:
            return None  # the replay's end warms the provider up (see ReplayController)
        return super().warm_up()  # type: ignore[misc, no-any-return]
