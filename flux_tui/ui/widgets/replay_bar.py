"""The replay bar: a line under the conversation while a replay plays; its keys drive the player."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Static

if TYPE_CHECKING:
    from flux_tui.ui.replay_controller import ReplayController

REFRESH_INTERVAL = 0.1  # seconds; the position is read from the player, not pushed per event


def speed_label(speed: float | None) -> str:
    return "instant" if speed is None else f"{speed:g}x"


def clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}:{secs:02d}"


class ReplayBar(Static, can_focus=True):
    """Shows what the replay is doing (position/total, session time, speed, paused, finished)."""

    DEFAULT_CSS = """
    ReplayBar {
        height: 1;
        padding: 0 1;
        background: $accent 25%;
        color: $text;
    }
    ReplayBar:focus {
        background: $accent 40%;
    }
    ReplayBar.-finished {
        background: $success 30%;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_pause", "Pause/resume"),
        Binding("n,right", "step", "Step", key_display="n/→"),
        Binding("s", "speed", "Speed"),
        Binding("r", "resume_session", "Resume for real"),
        Binding("escape,q", "stop", "Stop replay", key_display="esc/q"),
    ]

    def __init__(self, controller: ReplayController) -> None:
        super().__init__("", id="replay-bar")
        self.controller = controller

    def on_mount(self) -> None:
        self.focus()  # its keys work at once (the disabled prompt gave the focus away)
        self.refresh_state()
        self.set_interval(REFRESH_INTERVAL, self.refresh_state)

    def describe(self) -> str:
        """The bar's text (also what tests read)."""
        controller = self.controller
        player = controller.player
        if controller.done:
            state = "■ replay finished"
            keys = "r resume this session for real · esc close"
        elif player.paused:
            state = "❚❚ paused"
            keys = "space play · n step · s speed · esc stop"
        else:
            state = "▶ replaying"
            keys = "space pause · n step · s speed · esc stop"
        return (
            f"{state} · event {player.position}/{player.total} · {clock(player.elapsed)} · "
            f"{speed_label(player.speed)} · {controller.title}   {keys}"
        )

    def refresh_state(self) -> None:
        self.set_class(self.controller.done, "-finished")
        self.update(Content(self.describe()))

    # -- keys ---------------------------------------------------------------------------------------

    def action_toggle_pause(self) -> None:
        self.controller.toggle_pause()
        self.refresh_state()

    async def action_step(self) -> None:
        await self.controller.step()
        self.refresh_state()

    def action_speed(self) -> None:
        self.controller.cycle_speed()
        self.refresh_state()

    def action_resume_session(self) -> None:
        self.controller.close(resume=True)

    def action_stop(self) -> None:
        self.controller.close(resume=False)
