"""Crash points for the crash-recovery tests.

``CTW_CRASH_AT=<point>`` makes the process kill itself with SIGKILL when it reaches that point,
the way a power cut or the OOM killer would. Unset (always, outside those tests) it does nothing.
Points: ``after_extract``, ``after_normalize``, ``during_load`` (after the first load job).
"""

from __future__ import annotations

import os
import signal

CRASH_VARIABLE = "CTW_CRASH_AT"


def crash_point(name: str) -> None:
    if os.environ.get(CRASH_VARIABLE) == name:
        os.kill(os.getpid(), signal.SIGKILL)
