"""Readers share the warehouse, one writer holds it alone: a lock file beside the warehouse file.

DuckDB allows one writing process per file, and no reader while it writes. Every command that
opens the file holds ``<warehouse>.lock``: writers (extract, build, run, docs) exclusively,
readers (kpis, export, report, publish, cohort-export) shared. The lock is filelock's
``ReadWriteLock``: an operating-system lock on a SQLite file, taken atomically and released by
the kernel when its process ends, however it ends, so there is no stale lock to detect and no
PID to trust. A command that must wait says so once, waits up to its timeout, then fails with
one line. ``<warehouse>.lock.holder`` names the current writer (PID, host, start, command) for
those messages only; it decides nothing.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from filelock import ReadWriteLock, Timeout

# A child process (dbt, started by a command holding the writer lock) inherits the hold through this
# variable: "<parent PID>:<warehouse>". The dbt-duckdb plugin ctw.deid_plugin takes the writer lock
# itself in any other dbt process that opens the warehouse (plain `dbt`, Airflow's cosmos tasks).
HELD_VARIABLE = "CTW_WAREHOUSE_LOCK_HELD_BY"
_held: set[Path] = set()
_until_exit: list[object] = []  # the holds of hold_until_exit, kept referenced until exit


class WarehouseLocked(RuntimeError):
    """Another process held the warehouse lock for longer than the timeout, or the lock file is unusable."""


def lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".lock")


def holder_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".lock.holder")


def read_holder(path: Path) -> dict | None:
    """The writer named in the holder file, unless that process is gone (a killed writer's file)."""
    try:
        holder = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(holder, dict):
        return None
    if holder.get("host") == socket.gethostname() and not _pid_alive(holder.get("pid")):
        return None
    return holder


def _pid_alive(pid: object) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _describe(holder: dict | None) -> str:
    if not holder:
        return "another ctw process (reading or writing)"
    started, command = holder.get("started_at"), holder.get("command")
    return f"PID {holder.get('pid')} on {holder.get('host')} (started {started}, {command})"


def _open(path: Path) -> ReadWriteLock:
    if path.is_dir():
        raise WarehouseLocked(f"the warehouse lock path {path} is a directory; remove it (it must be a file)")
    try:
        return ReadWriteLock(path, is_singleton=False)
    except (OSError, sqlite3.Error) as exc:
        raise WarehouseLocked(
            f"cannot use the warehouse lock file {path}: {exc}; if no ctw command is running, delete it"
        ) from None


def _acquire(
    warehouse: Path, command: str, timeout_s: float, notify: Callable[[str], None], shared: bool
) -> ReadWriteLock:
    path = lock_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = _open(path)
    acquire = lock.acquire_read if shared else lock.acquire_write
    mode = "read" if shared else "write"
    try:
        try:
            acquire(blocking=False)
        except Timeout:
            notify(
                f"{command}: waiting up to {timeout_s:g} s (CTW_LOCK_TIMEOUT) to {mode} the warehouse "
                f"{warehouse}, in use by {_describe(read_holder(holder_path(warehouse)))}"
            )
            try:
                acquire(timeout=max(timeout_s, 0.001))
            except Timeout:
                holder = read_holder(holder_path(warehouse))
                verb = "is being written by" if holder else "is in use by"
                raise WarehouseLocked(
                    f"{command}: the warehouse {warehouse} {verb} {_describe(holder)} after waiting "
                    f"{timeout_s:g} s; wait for it to finish or set CTW_LOCK_TIMEOUT to wait longer (lock file: {path})"
                ) from None
    except sqlite3.Error as exc:
        lock.close()
        raise WarehouseLocked(
            f"cannot use the warehouse lock file {path}: {exc}; if no ctw command is running, delete it"
        ) from None
    except WarehouseLocked:
        lock.close()
        raise
    if not shared:
        _held.add(warehouse.resolve())
        me = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": command,
        }
        holder_path(warehouse).write_text(json.dumps(me))
    return lock


@contextmanager
def warehouse_lock(
    warehouse: Path,
    command: str,
    timeout_s: float = 0.0,
    poll_s: float | None = None,
    notify: Callable[[str], None] = print,
    shared: bool = False,
) -> Iterator[Path]:
    """Hold the warehouse lock (``shared`` for a reader); wait up to ``timeout_s``, then raise.

    ``poll_s`` is accepted for compatibility; the operating system wakes a waiter.
    """
    lock = _acquire(warehouse, command, timeout_s, notify, shared)
    try:
        yield lock_path(warehouse)
    finally:
        if not shared:
            _held.discard(warehouse.resolve())
            holder_path(warehouse).unlink(missing_ok=True)
        lock.release()
        lock.close()


def lock_timeout() -> float:
    """CTW_LOCK_TIMEOUT in seconds (default 600)."""
    value = os.environ.get("CTW_LOCK_TIMEOUT", "600")
    try:
        return float(value)
    except ValueError:
        raise WarehouseLocked(f"CTW_LOCK_TIMEOUT must be a number of seconds, not {value!r}") from None


def child_environment(warehouse: Path) -> dict[str, str]:
    """Variables telling a child process that this process holds the writer lock for it."""
    if warehouse.resolve() in _held:
        return {HELD_VARIABLE: f"{os.getpid()}:{warehouse.resolve()}"}
    return {}


def held_by_parent(warehouse: Path) -> bool:
    return os.environ.get(HELD_VARIABLE) == f"{os.getppid()}:{warehouse.resolve()}"


def hold_until_exit(warehouse: Path, command: str, notify: Callable[[str], None]) -> None:
    """Take the writer lock for the rest of this process: never released here (the thread that
    took it may not be the one that exits), the operating system releases it at exit."""
    if warehouse.resolve() in _held or held_by_parent(warehouse):
        return
    _until_exit.append(_acquire(warehouse, command, lock_timeout(), notify, shared=False))
