"""App hosts as separate processes: gunicorn and `kitchen worker` per host, each host with its
own local folders and port, all sharing one PostgreSQL database, one bucket and the PostgreSQL
search backend (the shape docs/deploy.md describes). The two-host test and bench/hosts_bench.py
use it."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def shared_environment(database_url: str, s3_endpoint: str, prefix: str) -> dict[str, str]:
    """What every host of one library is configured with: one secret key (a session signed
    by one host is valid on the other, as behind a load balancer) and one public address."""
    from tests.support import s3

    return {
        "KITCHEN_DATABASE_URL": database_url,
        "KITCHEN_SEARCH_BACKEND": "postgresql",
        "KITCHEN_STORAGE": "s3",
        "KITCHEN_S3_BUCKET": s3.BUCKET,
        "KITCHEN_S3_ENDPOINT": s3_endpoint,
        "KITCHEN_S3_ACCESS_KEY": s3.ACCESS_KEY,
        "KITCHEN_S3_SECRET_KEY": s3.SECRET_KEY,
        "KITCHEN_S3_PREFIX": prefix,
        "KITCHEN_SECRET_KEY": "two-hosts-" + prefix,
        "KITCHEN_BASE_URL": "https://kitchen.example.org",  # the balancer's address, not a host's
        "KITCHEN_LOG_LEVEL": "WARNING",
    }


class Host:
    """One app host: its folders, gunicorn and its worker as child processes."""

    def __init__(self, name: str, folder: Path, shared: dict[str, str]) -> None:
        self.name, self.folder = name, folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            **shared,
            "KITCHEN_INSTANCE": str(folder / "instance"),
            "KITCHEN_UPLOADS": str(folder / "uploads"),
            "KITCHEN_SEARCH_INDEX": str(folder / "search_index"),
        }
        for key in ("KITCHEN_TEST_DATABASE", "KITCHEN_TEST_STORAGE", "KITCHEN_TEST_SEARCH"):
            self.env.pop(key, None)
        self.web: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None
        self.log = open(folder / "host.log", "ab")  # noqa: SIM115 - closed by stop()

    def kitchen(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run a `kitchen` command on this host."""
        command = [str(BIN / "flask"), "--app", "wsgi", "kitchen", *args]
        done = subprocess.run(
            command, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300
        )
        if check and done.returncode != 0:
            raise RuntimeError(f"kitchen {' '.join(args)} on {self.name}: {done.stderr[-2000:]}")
        return done

    def kitchen_many(self, commands: list[list[str]]) -> list[str]:
        """Run several `kitchen` commands in one process (the app loads once); their outputs."""
        script = (
            "import json, sys\n"
            "from wsgi import app\n"
            "runner = app.test_cli_runner()\n"
            "outputs = []\n"
            "for args in json.loads(sys.argv[1]):\n"
            "    result = runner.invoke(args=['kitchen', *args])\n"
            "    if result.exit_code:\n"
            "        sys.exit(f'kitchen {args}: {result.output} {result.exception!r}')\n"
            "    outputs.append(result.output)\n"
            "print(json.dumps(outputs))\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", script, json.dumps(commands)],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0:
            raise RuntimeError(f"kitchen on {self.name}: {done.stderr[-2000:]}")
        found: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
        return found

    def start(self, web_workers: int = 2, threads: int = 2) -> None:
        """Start gunicorn and the worker; return once the host answers /healthz."""
        gunicorn = [
            str(BIN / "gunicorn"),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(web_workers),
            "--threads",
            str(threads),
            "--timeout",
            "120",
            "wsgi:app",
        ]
        self.web = subprocess.Popen(
            gunicorn, cwd=ROOT, env=self.env, stdout=self.log, stderr=self.log
        )
        command = [str(BIN / "flask"), "--app", "wsgi", "kitchen", "worker"]
        self.worker = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=self.log, stderr=self.log
        )
        if not wait_healthy(self.url, 90):
            raise RuntimeError(f"host {self.name} did not come up: {self.log_text()[-2000:]}")

    def log_text(self) -> str:
        """What the host's processes wrote."""
        self.log.flush()
        return (self.folder / "host.log").read_text(errors="replace")

    def kill(self) -> None:
        """kill -9 every process of the host at once (gunicorn's workers too), as a host dies."""
        victims = [p for p in (self.web, self.worker) if p is not None and p.poll() is None]
        children: list[int] = []
        if self.web is not None:
            found = subprocess.run(
                ["pgrep", "-P", str(self.web.pid)], capture_output=True, text=True
            ).stdout
            children = [int(pid) for pid in found.split()]
        for pid in [*children, *(p.pid for p in victims)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for process in victims:
            process.wait(timeout=30)

    def stop(self) -> None:
        """Stop the processes (SIGTERM, then SIGKILL after 30 s)."""
        stop_processes(self.web, self.worker)
        self.log.close()


def stop_processes(*processes: subprocess.Popen | None) -> None:
    """SIGTERM to each running process, then wait; SIGKILL to any still up after 30 s."""
    for process in processes:
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        if process is not None:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_healthy(url: str, seconds: float) -> bool:
    """Wait until the app at url answers /healthz with 200; False after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                return True
        except requests.RequestException:
            pass
        time.sleep(0.2)
    return False
