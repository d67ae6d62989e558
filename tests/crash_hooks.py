"""``ctw`` with crash points, for the crash-recovery tests; nothing in the shipped code imports it.

    python -m tests.crash_hooks extract --no-progress     # with CTW_CRASH_AT=<point>

``CTW_CRASH_AT=<point>`` makes the process kill itself with SIGKILL when it reaches that point,
the way a power cut or the OOM killer would:

* ``after_extract``: right after dlt's extract step of the first source;
* ``after_normalize``: right after its normalise step;
* ``during_load``: inside dlt's load step, right after the first job of a load package is marked
  completed while others are still new or running.

The points wrap dlt's own methods for the life of this process, so the production pipeline
(``extract/pipeline.py``) carries no test hook.
"""

from __future__ import annotations

import functools
import os
import signal
from collections.abc import Callable
from typing import Any

CRASH_VARIABLE = "CTW_CRASH_AT"
DURING_LOAD = "during_load"


def _kill() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _crash_after(method: Callable[..., Any], point: str) -> Callable[..., Any]:
    @functools.wraps(method)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        result = method(*args, **kwargs)
        if os.environ.get(CRASH_VARIABLE) == point:
            _kill()
        return result

    return wrapped


def install() -> None:
    """Wrap dlt's pipeline steps with the crash point named by ``CTW_CRASH_AT`` (if any)."""
    point = os.environ.get(CRASH_VARIABLE)
    if not point:
        return
    from dlt.pipeline.pipeline import Pipeline

    if point == "after_extract":
        Pipeline.extract = _crash_after(Pipeline.extract, point)
    elif point == "after_normalize":
        Pipeline.normalize = _crash_after(Pipeline.normalize, point)
    elif point == DURING_LOAD:
        from dlt.common.storages.load_package import PackageStorage

        original = PackageStorage.complete_job

        def complete_then_crash(storage: PackageStorage, load_id: str, file_name: str) -> str:
            moved = original(storage, load_id, file_name)
            if storage.list_new_jobs(load_id) or storage.list_started_jobs(load_id):
                _kill()
            return moved

        PackageStorage.complete_job = complete_then_crash
    else:
        raise SystemExit(f"{CRASH_VARIABLE}={point!r}: expected after_extract, after_normalize or {DURING_LOAD}")


if __name__ == "__main__":
    install()
    from ctw.cli import main

    main()
