"""One writer at a time: the warehouse lock file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from typer.testing import CliRunner

from ctw.cli import app
from ctw.lock import WarehouseLocked, lock_path, warehouse_lock


def test_second_writer_gets_a_clear_error_naming_the_holder(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    with warehouse_lock(warehouse, "first run"):
        holder = json.loads(lock_path(warehouse).read_text())
        assert holder["pid"] == os.getpid() and holder["command"] == "first run"
        with pytest.raises(WarehouseLocked) as blocked:
            with warehouse_lock(warehouse, "second run", timeout_s=0.2, poll_s=0.05, notify=lambda m: None):
                pass
    assert f"PID {os.getpid()}" in str(blocked.value) and "first run" in str(blocked.value)
    assert not lock_path(warehouse).exists()


def test_stale_lock_of_a_dead_process_is_taken_over(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    lock_path(warehouse).write_text(
        json.dumps({"pid": int(dead.stdout), "host": os.uname().nodename, "started_at": "x", "command": "killed"})
    )
    messages: list[str] = []
    with warehouse_lock(warehouse, "next run", notify=messages.append):
        assert json.loads(lock_path(warehouse).read_text())["command"] == "next run"
    assert any("stale" in m for m in messages)


def test_cli_refuses_to_write_while_another_process_holds_the_lock(warehouse, monkeypatch):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, time
                from pathlib import Path
                from ctw.lock import warehouse_lock
                with warehouse_lock(Path({str(warehouse)!r}), "held by test"):
                    print("locked", flush=True)
                    time.sleep(30)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        monkeypatch.setenv("CTW_LOCK_TIMEOUT", "0.5")
        result = CliRunner().invoke(app, ["build"])
        assert result.exit_code == 1
        # One line whatever the host name, PID or time in it: error output is never wrapped.
        (line,) = [line for line in result.output.splitlines() if "error:" in line]
        assert "is being written by" in line and "held by test" in line and len(line) > 80
    finally:
        holder.kill()
        holder.wait()
