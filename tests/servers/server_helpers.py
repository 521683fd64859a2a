"""Start the example app under a real server in a subprocess, and always stop it."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
APP = "examples.app:app"
START_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0
# Daphne forgets a finished connection on a 1 s timer (Server.application_checker), in two
# halves when the app ended before its client left (a cut upload). Stopped in between, its
# shutdown hook (kill_all_applications) raises KeyError('application_instance'), so the hook's
# "Killed N pending application instances" never comes and a traceback may reach the log later.
# Two ticks and a margin let every connection be forgotten before the SIGINT.
DAPHNE_FORGETS_IN = 2.5


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def command(server: str, port: int) -> list[str]:
    """The command line each server documents, bound to loopback on `port`."""
    if server == "uvicorn":
        return [
            sys.executable,
            "-m",
            "uvicorn",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--app-dir",
            str(ROOT),
            APP,
        ]
    if server == "hypercorn":
        return [sys.executable, "-m", "hypercorn", "--bind", f"127.0.0.1:{port}", APP]
    if server == "daphne":
        return [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port), APP]
    if server == "granian":
        return [
            str(BIN / "granian"),
            "--interface",
            "asgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            APP,
        ]
    raise AssertionError(server)


@dataclass
class Served:
    server: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path
    output: str = ""
    stopped_by: str = ""

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> str:
        """SIGINT, then SIGTERM, then SIGKILL, each with a bounded wait; return all output."""
        if self.process.poll() is None:
            if self.server == "daphne":
                time.sleep(DAPHNE_FORGETS_IN)
            for sig in (signal.SIGINT, signal.SIGTERM):
                self.process.send_signal(sig)
                try:
                    self.process.wait(STOP_TIMEOUT)
                    self.stopped_by = sig.name
                    break
                except subprocess.TimeoutExpired:
                    continue
            else:
                self.process.kill()
                self.process.wait(STOP_TIMEOUT)
                self.stopped_by = "SIGKILL"
        self.output = self.log.read_text(errors="replace")
        return self.output


def wait_until_listening(served: Served) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if served.process.poll() is not None:
            out = served.stop()
            pytest.fail(f"{served.server} exited with {served.process.returncode}:\n{out}")
        try:
            with socket.create_connection(("127.0.0.1", served.port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    out = served.stop()
    pytest.fail(f"{served.server} did not listen on {served.port} in {START_TIMEOUT}s:\n{out}")


@pytest.fixture(scope="module", params=["uvicorn", "hypercorn", "daphne", "granian"])
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    server = request.param
    log = tmp_path_factory.mktemp(server) / "output.txt"
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    env.pop("EXAMPLE_DEBUG", None)
    result = launch(server, command(server, port), port, log, env, cwd=ROOT)
    try:
        yield result
    finally:
        if result.process.poll() is None or not result.output:
            result.stop()


def launch(
    server: str,
    argv: Sequence[str],
    port: int,
    log: Path,
    env: Mapping[str, str],
    *,
    cwd: Path | None = None,
) -> Served:
    """Start `argv` (a server listening on `port`) logging to `log`, and wait until it listens.

    `env` is its whole environment; the output goes to a file, not a pipe (a full pipe would
    block the server).
    """
    with log.open("wb") as sink:
        process = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    served = Served(server, port, process, log)
    wait_until_listening(served)
    return served


@contextlib.contextmanager
def uvicorn_processes(
    target: str,
    names: Sequence[str],
    log_dir: Path,
    env: Mapping[str, str],
    *,
    app_dir: Path = Path(__file__).parent,
    options: Sequence[str] = ("--lifespan", "off"),
) -> Iterator[list[Served]]:
    """One uvicorn process per name serving `target` (`module:app` in `app_dir`), each on a
    free loopback port and logging to `log_dir/name.txt`; all stopped on the way out."""
    environ = dict(os.environ, PYTHONUNBUFFERED="1", **env)
    started: list[Served] = []
    try:
        for name in names:
            port = free_port()
            argv = [
                *(sys.executable, "-m", "uvicorn", target, *options),
                *("--host", "127.0.0.1", "--port", str(port), "--app-dir", str(app_dir)),
            ]
            started.append(launch("uvicorn", argv, port, log_dir / f"{name}.txt", environ))
        yield started
    finally:
        for served in started:
            served.stop()
