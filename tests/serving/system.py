"""System programs the serving tests need: Debian packages installed when missing, and a
throwaway PostgreSQL cluster on 127.0.0.1.

CI starts from a bare Debian image, so a missing program is installed with apt-get (as root,
no sudo) rather than skipped. Nothing here runs at import time.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

APT_ENV = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
# Other engineers' jobs may hold the dpkg lock for a while: wait rather than fail.
APT_OPTIONS = ["-o", "DPkg::Lock::Timeout=900", "-o", "Acquire::Retries=3"]


class SystemSetupError(RuntimeError):
    """A program could not be installed or started."""


def apt_install(packages: list[str]) -> None:
    """Install Debian packages (root only); raise with apt's output when it fails."""
    if os.geteuid() != 0:
        raise SystemSetupError(
            f"{', '.join(packages)} missing and this user cannot install packages; "
            f"run as root or `apt-get install -y {' '.join(packages)}` first"
        )
    for command in (
        ["apt-get", *APT_OPTIONS, "update", "-q"],
        ["apt-get", *APT_OPTIONS, "install", "-y", "-q", *packages],
    ):
        completed = subprocess.run(command, env=APT_ENV, capture_output=True, text=True, check=False)
        if completed.returncode != 0:
            raise SystemSetupError(f"{' '.join(command)} failed:\n{completed.stdout[-2000:]}{completed.stderr[-2000:]}")


def ensure_program(find: Callable[[], str | None], packages: list[str]) -> str:
    """The path ``find()`` returns, installing ``packages`` first when it returns None."""
    path = find()
    if path is None:
        apt_install(packages)
        path = find()
    if path is None:
        raise SystemSetupError(f"installed {', '.join(packages)} but still cannot find the program")
    return path


def find_postgres_bindir() -> str | None:
    """The newest /usr/lib/postgresql/<version>/bin holding initdb and pg_ctl."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parent.parent.name)
    )
    if candidates:
        return str(Path(candidates[-1]).parent)
    initdb = shutil.which("initdb")
    return str(Path(initdb).parent) if initdb and shutil.which("pg_ctl") else None


def find_chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def find_docker_compose() -> str | None:
    return shutil.which("docker-compose")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class PostgresCluster:
    """A throwaway cluster: trust authentication, TCP on 127.0.0.1 only."""

    bindir: str
    root: Path
    port: int
    superuser: str = "postgres"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "socket"

    def _as_owner(self, command: list[str]) -> list[str]:
        # initdb and postgres refuse to run as root: run them as the postgres system user.
        return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command

    def _run(self, command: list[str]) -> None:
        completed = subprocess.run(self._as_owner(command), capture_output=True, text=True, check=False)
        if completed.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise SystemSetupError(f"{command[0]} failed: {completed.stdout}{completed.stderr}{tail}")

    def start(self) -> None:
        self.data_dir.mkdir(parents=True)
        self.socket_dir.mkdir()
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            for path in (self.root, self.data_dir, self.socket_dir):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        self._run(
            [f"{self.bindir}/initdb", "-D", str(self.data_dir), "-U", self.superuser, "--auth=trust", "-E", "UTF8",
             "--locale=C.UTF-8"]
        )
        options = (
            f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=32MB"
        )
        self._run(
            [f"{self.bindir}/pg_ctl", "-D", str(self.data_dir), "-l", str(self.root / "server.log"), "-o", options,
             "-w", "-t", "120", "start"]
        )

    def stop(self) -> None:
        if (self.data_dir / "postmaster.pid").exists():
            self._run([f"{self.bindir}/pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop"])
        shutil.rmtree(self.root, ignore_errors=True)

    def environment(self, database: str) -> dict[str, str]:
        """The CTW_PG_* variables pointing ctw and dbt at this cluster."""
        return {
            "CTW_PG_HOST": "127.0.0.1",
            "CTW_PG_PORT": str(self.port),
            "CTW_PG_USER": self.superuser,
            "CTW_PG_PASSWORD": "",
            "CTW_PG_DATABASE": database,
        }


def start_cluster() -> PostgresCluster:
    bindir = ensure_program(find_postgres_bindir, ["postgresql"])
    root = Path(tempfile.mkdtemp(prefix="ctw-pg-"))
    os.chmod(root, 0o755)
    cluster = PostgresCluster(bindir=bindir, root=root, port=free_port())
    try:
        cluster.start()
    except BaseException:
        cluster.stop()
        raise
    return cluster
