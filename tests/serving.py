"""`lrs serve` as a subprocess on a free loopback port, for tests that need a real server."""

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.test_serve import _free_port, _wait_for

wait_for = _wait_for


@contextmanager
def serving(database_url: str, log: Path) -> Iterator[str]:
    """`lrs serve` on a free loopback port against the test database; killed on exit."""
    port = _free_port()
    env = {**os.environ, "LRS_DATABASE_URL": database_url, "LRS_LOG_LEVEL": "WARNING"}
    with log.open("a") as out:
        server = subprocess.Popen(  # noqa: S603 (our own CLI)
            [sys.executable, "-m", "lrs", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env, stdout=out, stderr=out,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:

        def ready() -> bool:
            try:
                return httpx.get(f"{base}/readyz", timeout=1).status_code == 200
            except httpx.TransportError:
                return False

        assert wait_for(ready, 60), log.read_text()
        yield base
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
