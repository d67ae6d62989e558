"""Crash points for the crash-recovery tests.

``CTW_CRASH_AT=<point>`` makes the process kill itself with SIGKILL when it reaches that point,
the way a power cut or the OOM killer would. Unset (always, outside those tests) it does nothing.
Points: ``after_extract``, ``after_normalize``, and ``during_load``: inside dlt's load step,
right after the first job of a load package is marked completed while others are still new or
running (see :func:`crash_during_load`).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager

CRASH_VARIABLE = "CTW_CRASH_AT"
DURING_LOAD = "during_load"


def crash_point(name: str) -> None:
    if os.environ.get(CRASH_VARIABLE) == name:
        os.kill(os.getpid(), signal.SIGKILL)


@contextmanager
def crash_during_load() -> Iterator[None]:
    """Around ``pipeline.load()``: with ``CTW_CRASH_AT=during_load``, SIGKILL the process as
    soon as dlt has moved one job of a package to ``completed_jobs`` and the package still has
    jobs that are not completed. dlt offers no hook between jobs, so this wraps its package
    storage's ``complete_job`` for the duration of the load; without the variable it does nothing.
    """
    if os.environ.get(CRASH_VARIABLE) != DURING_LOAD:
        yield
        return
    from dlt.common.storages.load_package import PackageStorage

    original = PackageStorage.complete_job

    def complete_then_crash(storage: PackageStorage, load_id: str, file_name: str) -> str:
        moved = original(storage, load_id, file_name)
        if storage.list_new_jobs(load_id) or storage.list_started_jobs(load_id):
            os.kill(os.getpid(), signal.SIGKILL)
        return moved

    PackageStorage.complete_job = complete_then_crash
    try:
        yield
    finally:
        PackageStorage.complete_job = original
