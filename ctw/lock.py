"""One writer at a time: a lock file beside the warehouse file.

DuckDB allows a single writing process per file. Every command that writes (extract, build,
run) holds ``<warehouse>.lock`` for its duration. The file records the holder's PID, host and
start time; a second run waits (printing who holds the lock) up to a timeout and then exits
with a clear error. A lock left by a process that no longer exists is detected and taken over.
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path


class WarehouseLocked(RuntimeError):
    """Another live process holds the warehouse lock."""


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".lock")


def read_holder(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def _is_stale(holder: dict | None) -> bool:
    if holder is None:
        return True
    if holder.get("host") != socket.gethostname():
        return False  # cannot check a process on another machine
    return not _pid_alive(int(holder.get("pid", -1)))


def _describe(holder: dict | None) -> str:
    if not holder:
        return "an unknown process"
    started, command = holder.get("started_at"), holder.get("command")
    return f"PID {holder.get('pid')} on {holder.get('host')} (started {started}, {command})"


@contextmanager
def warehouse_lock(
    warehouse: Path,
    command: str,
    timeout_s: float = 0.0,
    poll_s: float = 1.0,
    notify: Callable[[str], None] = print,
) -> Iterator[Path]:
    """Hold the warehouse lock; wait up to ``timeout_s`` for a live holder, then raise."""
    path = lock_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    me = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": command,
    }
    deadline = time.monotonic() + timeout_s
    announced = False
    while True:
        try:
            descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            holder = read_holder(path)
            if _is_stale(holder):
                notify(f"taking over a stale warehouse lock left by {_describe(holder)}")
                path.unlink(missing_ok=True)
                continue
            if time.monotonic() >= deadline:
                raise WarehouseLocked(
                    f"the warehouse {warehouse} is being written by {_describe(holder)}; "
                    f"wait for it to finish or set CTW_LOCK_TIMEOUT to wait longer (lock file: {path})"
                ) from None
            if not announced:
                notify(f"waiting for the warehouse lock held by {_describe(holder)}")
                announced = True
            time.sleep(poll_s)
            continue
        with os.fdopen(descriptor, "w") as handle:
            json.dump(me, handle)
        break
    try:
        yield path
    finally:
        if (read_holder(path) or {}).get("pid") == me["pid"]:
            path.unlink(missing_ok=True)
