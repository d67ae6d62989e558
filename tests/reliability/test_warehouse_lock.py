"""Readers share the warehouse, one writer holds it alone: the warehouse lock."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from typer.testing import CliRunner

from ctw.cli import app
from ctw.lock import WarehouseLocked, holder_path, lock_path, warehouse_lock

QUIET = {"notify": lambda message: None}


def hold(warehouse, command: str, shared: bool = False) -> subprocess.Popen:
    """A child process holding the lock until killed; returns once it holds it."""
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import time
                from pathlib import Path
                from ctw.lock import warehouse_lock
                with warehouse_lock(Path({str(warehouse)!r}), {command!r}, shared={shared}):
                    print("locked", flush=True)
                    time.sleep(60)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout.readline().strip() == "locked"
    return child


def stop(child: subprocess.Popen) -> None:
    child.kill()
    child.wait()


def test_second_writer_waits_then_gets_one_line_naming_the_holder(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    messages: list[str] = []
    with warehouse_lock(warehouse, "first run"):
        holder = json.loads(holder_path(warehouse).read_text())
        assert holder["pid"] == os.getpid() and holder["command"] == "first run"
        started = time.monotonic()
        with pytest.raises(WarehouseLocked) as blocked:
            with warehouse_lock(warehouse, "second run", timeout_s=0.3, notify=messages.append):
                pass
        assert time.monotonic() - started >= 0.3
    assert len(messages) == 1 and "waiting up to 0.3 s" in messages[0] and "first run" in messages[0]
    assert f"PID {os.getpid()}" in str(blocked.value) and "first run" in str(blocked.value)
    assert "\n" not in str(blocked.value)
    assert not holder_path(warehouse).exists()


def test_readers_share_and_exclude_a_writer(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    with warehouse_lock(warehouse, "kpis", shared=True), warehouse_lock(warehouse, "export", shared=True):
        with pytest.raises(WarehouseLocked, match="is in use by"):
            with warehouse_lock(warehouse, "build", timeout_s=0.1, **QUIET):
                pass
    with warehouse_lock(warehouse, "build"):
        with pytest.raises(WarehouseLocked, match="is being written by"):
            with warehouse_lock(warehouse, "kpis", timeout_s=0.1, shared=True, **QUIET):
                pass


def test_a_killed_writer_never_blocks_the_next_one_nor_does_a_reused_pid(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    child = hold(warehouse, "killed run")
    child.send_signal(signal.SIGKILL)
    child.wait()
    # The holder file survived the kill; the operating system released the lock itself.
    assert holder_path(warehouse).exists()
    with warehouse_lock(warehouse, "next run", **QUIET):
        pass
    # A holder file naming a live process (here: this one, as a reused PID would) decides nothing.
    holder_path(warehouse).write_text(json.dumps({"pid": os.getpid(), "host": os.uname().nodename}))
    started = time.monotonic()
    with warehouse_lock(warehouse, "after a reused pid", timeout_s=30, **QUIET):
        pass
    assert time.monotonic() - started < 1


def test_a_lock_path_that_is_a_directory_is_one_line(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    lock_path(warehouse).mkdir()
    with pytest.raises(WarehouseLocked, match="is a directory") as failed:
        with warehouse_lock(warehouse, "run", **QUIET):
            pass
    assert "\n" not in str(failed.value)


@pytest.mark.parametrize(
    ("command", "holder_shared"),
    [(["build"], False), (["build"], True), (["kpis"], False), (["export"], False), (["report"], False)],
)
def test_cli_commands_wait_then_fail_in_one_line(warehouse, monkeypatch, command, holder_shared):
    holder = hold(warehouse, "held by test", shared=holder_shared)
    try:
        monkeypatch.setenv("CTW_LOCK_TIMEOUT", "0.3")
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 1
        (waiting,) = [line for line in result.output.splitlines() if "waiting up to 0.3 s" in line]
        # One line whatever the host name, PID or time in it: error output is never wrapped.
        (line,) = [line for line in result.output.splitlines() if "error:" in line]
        assert f"ctw {command[0]}" in line and "after waiting 0.3 s" in line
        if not holder_shared:
            assert "is being written by" in line and "held by test" in line and "held by test" in waiting
        assert "Traceback" not in result.output
    finally:
        stop(holder)


STRESS_WORKER = textwrap.dedent(
    """
    import os, random, sys, time
    from pathlib import Path
    from ctw.lock import warehouse_lock

    warehouse, marks, rounds = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    random.seed(os.getpid())
    me = str(os.getpid())
    for number in range(rounds):
        shared = random.random() < 0.5
        with warehouse_lock(warehouse, "stress", timeout_s=60, notify=lambda m: None, shared=shared):
            name = f"{'reader' if shared else 'writer'}-{me}-{number}"
            (marks / name).touch()
            others = [other for other in os.listdir(marks) if other != name]
            if not shared and others or shared and any(other.startswith("writer") for other in others):
                with open(marks.parent / "violations", "a") as log:
                    log.write(f"{name} with {others}\\n")
            time.sleep(0.001)
            (marks / name).unlink()
        with open(marks.parent / "acquired", "a") as log:
            log.write(f"{name}\\n")
    """
)


def test_stress_never_more_than_one_writer_nor_a_reader_beside_a_writer(tmp_path):
    """240 acquisitions in 8 processes, readers and writers at random."""
    marks = tmp_path / "holding"
    marks.mkdir()
    processes, rounds = 8, 30
    children = [
        subprocess.Popen([sys.executable, "-c", STRESS_WORKER, str(tmp_path / "w.duckdb"), str(marks), str(rounds)])
        for _ in range(processes)
    ]
    assert [child.wait(timeout=120) for child in children] == [0] * processes
    acquired = (tmp_path / "acquired").read_text().splitlines()
    assert len(acquired) == processes * rounds >= 200
    assert {name.split("-")[0] for name in acquired} == {"reader", "writer"}
    assert not (tmp_path / "violations").exists(), (tmp_path / "violations").read_text()
