"""A throwaway PostgreSQL server for the test run, started from the installed binaries."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SEARCH_PATHS = (
    "/usr/lib/postgresql/17/bin",
    "/usr/lib/postgresql/16/bin",
    "/usr/lib/postgresql/15/bin",
)


def find_bin_dir() -> Path | None:
    """The folder holding initdb and pg_ctl, or None when no server is installed."""
    for folder in (os.environ.get("KITCHEN_PG_BIN", ""), *SEARCH_PATHS):
        if folder and (Path(folder) / "initdb").exists():
            return Path(folder)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_server_user(command: list[str]) -> list[str]:
    """initdb refuses root: run the server as the postgres user when we are root."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def _stop_command(bin_dir: Path, data: Path) -> list[str]:
    """pg_ctl's immediate stop of the cluster in `data` (the run's cleanup and the watchdog's)."""
    return _as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"])


def _watch(owner: int, bin_dir: Path, root: Path) -> None:
    """Stop the server and remove its folder once the owner process is gone.

    A run killed from outside (SIGKILL, pkill) never reaches the context manager's cleanup; this
    small shell loop, in a session of its own so a signal to the run's process group spares it,
    does it instead. It exits by itself when the normal cleanup has removed the folder.
    """
    data = root / "data"
    stop = " ".join(_stop_command(bin_dir, data))
    script = (
        f'while kill -0 {owner} 2>/dev/null && [ -d "{root}" ]; do sleep 1; done; '
        f'if [ -f "{data}/postmaster.pid" ]; then {stop} >/dev/null 2>&1; fi; rm -rf "{root}"'
    )
    subprocess.Popen(
        ["sh", "-c", script],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a cluster on 127.0.0.1 in a temporary folder; yield its URL; stop and remove it."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise FileNotFoundError("no PostgreSQL server binaries (initdb) installed")
    root = Path(tempfile.mkdtemp(prefix="kitchen-pg-"))
    data, port = root / "data", _free_port()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")

    def run(*args: str) -> None:
        command = _as_server_user([str(bin_dir / args[0]), *args[1:]])
        subprocess.run(command, check=True, capture_output=True, text=True)

    try:
        run(
            "initdb",
            "-D",
            str(data),
            "-U",
            "kitchen",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        opts = (
            f"-p {port} -k {root} -h 127.0.0.1 -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=50"
        )
        run("pg_ctl", "-D", str(data), "-o", opts, "-l", str(root / "log"), "-w", "start")
        _watch(os.getpid(), bin_dir, root)
        run("createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "kitchen", "kitchen_test")
        yield f"postgresql+psycopg://kitchen@127.0.0.1:{port}/kitchen_test"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(_stop_command(bin_dir, data), capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
