"""Start and stop the LRS the way a user does: `lrs serve` in a subprocess, over loopback only.

The subprocess gets a session (process group) of its own, so stopping it reaches its uvicorn
workers and nothing else. It is stopped with SIGINT, as Ctrl-C would: `lrs serve` then exits
normally and its exit handler stops the embedded PostgreSQL (after SIGTERM it does not).
"""

import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

log = logging.getLogger("bench")

HOST = "127.0.0.1"
READY_TIMEOUT_S = 300.0
STOP_TIMEOUT_S = 120.0
_KEY = re.compile(r"^\s*key:\s+(\S+)\s*$", re.MULTILINE)
_SECRET = re.compile(r"^\s*secret:\s+(\S+)\s*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Service:
    process: subprocess.Popen[bytes]
    base_url: str
    key: str
    secret: str
    data_dir: Path
    # True when this start created the store (a fresh data directory).
    created: bool


def lrs_command() -> Path:
    """The `lrs` script of the venv that runs the benchmark."""
    path = Path(sys.executable).parent / "lrs"
    if not path.exists():
        raise SystemExit(f"{path} not found: run the benchmark with the project's .venv/bin/python")
    return path


def _environment(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    # The embedded server in data_dir, whatever the caller's shell points at.
    env.pop("LRS_DATABASE_URL", None)
    env["LRS_DATA_DIR"] = str(data_dir)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _check_port_free(port: int) -> None:
    """A server already on the port would answer our readiness probe and get benchmarked."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As uvicorn binds: connections of an earlier run still in TIME_WAIT don't count.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            raise SystemExit(f"{HOST}:{port} is in use; pick another --port") from None


def start(data_dir: Path, port: int, workers: int, log_path: Path) -> Service:
    _check_port_free(port)
    command = [str(lrs_command()), "serve", "--host", HOST, "--port", str(port)]
    command += ["--workers", str(workers)]
    log.info("starting %s (LRS_DATA_DIR=%s)", " ".join(command), data_dir)
    with log_path.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 (our own venv script, fixed arguments)
            command,
            env=_environment(data_dir),
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    base_url = f"http://{HOST}:{port}"
    try:
        _wait_ready(process, base_url, log_path)
        key, secret, created = _credential(log_path.read_text(), data_dir)
        return Service(process, base_url, key, secret, data_dir, created)
    except BaseException:
        stop(Service(process, base_url, "", "", data_dir, created=False))
        raise


def _wait_ready(process: subprocess.Popen[bytes], base_url: str, log_path: Path) -> None:
    """Until GET /xapi/about answers 200 (migrations run first; a fresh initdb takes seconds)."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    with httpx.Client(base_url=base_url, timeout=2.0, trust_env=False) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SystemExit(f"lrs serve exited early:\n{_tail(log_path)}")
            try:
                if client.get("/xapi/about").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.25)
    raise SystemExit(f"lrs serve not ready after {READY_TIMEOUT_S:.0f} s:\n{_tail(log_path)}")


def _credential(output: str, data_dir: Path) -> tuple[str, str, bool]:
    """The demo credential printed on first start, else a new one from the CLI."""
    key, secret = _KEY.search(output), _SECRET.search(output)
    if key and secret:
        return key[1], secret[1], True
    log.info("existing store: creating a credential with `lrs credentials create`")
    created = subprocess.run(  # noqa: S603 (our own venv script, fixed arguments)
        [str(lrs_command()), "credentials", "create", "--json", "--label", "bench"],
        env=_environment(data_dir),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    pair = json.loads(created.stdout.strip().splitlines()[-1])
    return pair["key"], pair["secret"], False


def stop(service: Service) -> None:
    """Stop the process group we started as Ctrl-C would; escalate only if it will not stop."""
    process = service.process
    # While the leader is alive (not reaped) its pid, hence its group id, cannot be reused.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        if process.poll() is not None:
            break
        log.info("stopping lrs serve (pid %d) with %s", process.pid, sig.name)
        os.killpg(process.pid, sig)
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            log.warning("lrs serve still running %.0f s after %s", STOP_TIMEOUT_S, sig.name)
    _stop_leaked_postgres(service.data_dir / "pgdata")


def _stop_leaked_postgres(pgdata: Path) -> None:
    """The embedded server `lrs serve` started in our data directory, if it outlived it.

    It runs in a session of its own, so the group signal does not reach it; `lrs serve` stops
    it on a normal exit, but not when it dies by a signal. Only a postmaster whose command line
    names our data directory is touched.
    """
    pid_file = pgdata / "postmaster.pid"
    if not pid_file.exists():
        return
    pid = int(pid_file.read_text().split()[0])
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return
    if str(pgdata).encode() not in command:
        return
    log.warning("the embedded PostgreSQL (pid %d) outlived lrs serve; fast shutdown", pid)
    os.kill(pid, signal.SIGINT)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.2)


def database_dsn(data_dir: Path) -> str:
    """The embedded server's Unix-socket URL; postmaster.pid names the socket directory."""
    lines = (data_dir / "pgdata" / "postmaster.pid").read_text().splitlines()
    return f"postgresql://postgres@/lrs?host={lines[4].strip()}"


def _tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
