"""`lrs serve` as a user runs it: embedded PostgreSQL, migrations, a demo credential, HTTP on
loopback; and on SIGTERM or Ctrl-C the embedded server stops with it."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_for(predicate: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_serve_starts_embedded_database_and_stops_it_with_itself(
    tmp_path: Path, stop: signal.Signals
) -> None:
    """A new data directory included: its server is restarted once for its settings."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "LRS_DATABASE_URL"}
    env["LRS_DATA_DIR"] = str(tmp_path)
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(  # noqa: S603 (our own CLI)
            [sys.executable, "-m", "lrs", "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=out,
        )
    try:
        base = f"http://127.0.0.1:{port}/xapi"

        def answers() -> bool:
            try:
                return httpx.get(f"{base}/about", timeout=1).status_code == 200
            except httpx.TransportError:
                return False

        assert _wait_for(answers, 60), log.read_text()
        key = re.search(r"key:\s+(\S+)", log.read_text())
        secret = re.search(r"secret:\s+(\S+)", log.read_text())
        assert key, log.read_text()
        assert secret, log.read_text()
        headers = {"X-Experience-API-Version": "1.0.3"}
        stored = httpx.get(f"{base}/statements", auth=(key[1], secret[1]), headers=headers)
        assert stored.status_code == 200
    finally:
        server.send_signal(stop)
        server.wait(timeout=30)
    pid_file = tmp_path / "pgdata" / "postmaster.pid"
    assert _wait_for(lambda: not pid_file.exists(), 15), "the embedded PostgreSQL is still running"
