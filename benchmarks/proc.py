"""What the kernel says about a process: CPU time, memory high-water mark (Linux ``/proc``)."""

from __future__ import annotations

import os
import time
from collections import deque

_TICK = os.sysconf("SC_CLK_TCK")


def alive(pid: int) -> bool:
    try:
        stat = _stat(pid)
    except OSError:
        return False
    return stat[0] != "Z"  # a zombie has exited (its parent has not reaped it yet)


def _stat(pid: int) -> list[str]:
    with open(f"/proc/{pid}/stat") as file:
        text = file.read()
    return text[text.rindex(")") + 2 :].split()  # fields from "state" on (the name may hold spaces)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of every thread of the process so far."""
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / _TICK


def memory_mb(pid: int) -> dict[str, float]:
    """``VmRSS`` (now) and ``VmHWM`` (peak resident set) in MiB."""
    found: dict[str, float] = {}
    with open(f"/proc/{pid}/status") as file:
        for line in file:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0]) / 1024
    return found


def wait_idle(pid: int, *, quiet: float = 0.3, timeout: float = 30.0) -> float:
    """Wait until the process has used at most one clock tick of CPU over ``quiet`` seconds; returns
    the time waited. Used to let the app settle (imports, final renders) between measurements."""
    start = time.monotonic()
    samples: deque[tuple[float, float]] = deque()
    while True:
        now, cpu = time.monotonic(), cpu_seconds(pid)
        samples.append((now, cpu))
        while len(samples) > 1 and samples[1][0] <= now - quiet:
            samples.popleft()
        then, cpu_then = samples[0]
        if now - then >= quiet and cpu - cpu_then <= 1.0 / _TICK:
            return now - start
        if now - start > timeout:
            raise TimeoutError(f"process {pid} still busy after {timeout}s")
        time.sleep(0.05)
