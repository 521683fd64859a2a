"""A SIGTERM'd server with 50 open SSE streams: what each server lets the app do about it.

The app (shutdown_app.py) streams endlessly and logs, in one file, when each generator's
`finally` ran and when the lifespan shutdown came. The clients would stay for `CLIENTS_STAY`
seconds; a server that waits for them holds the SIGTERM that long.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from server_helpers import BIN, Served, free_port, launch
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

HERE = Path(__file__).parent
STREAMS = 50
CLIENTS_STAY = 45.0
APP = "shutdown_app:app"


def command(server: str, port: int) -> list[str]:
    """Each server's documented command line, with its defaults (one process where it can)."""
    if server == "uvicorn":
        return [sys.executable, "-m", "uvicorn", "--port", str(port), "--app-dir", str(HERE), APP]
    if server == "hypercorn":
        # `-w 0`: one process with its own signal handlers (the default `-w 1` gives a worker
        # process that is told to stop through a multiprocessing event, by no signal).
        return [sys.executable, "-m", "hypercorn", "-w", "0", "-b", f"127.0.0.1:{port}", APP]
    if server == "hypercorn-worker":  # the default: one worker process
        return [sys.executable, "-m", "hypercorn", "-b", f"127.0.0.1:{port}", APP]
    if server == "granian":
        return [
            *(str(BIN / "granian"), "--interface", "asgi", "--workers", "1"),
            *("--host", "127.0.0.1", "--port", str(port), APP),
        ]
    if server == "daphne":
        return [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port), APP]
    raise AssertionError(server)


@dataclass
class Running:
    served: Served
    log: Path

    def lines(self) -> list[str]:
        return self.log.read_text().splitlines() if self.log.exists() else []


@pytest.fixture
def running(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Running]:
    server: str = request.param
    port = free_port()
    order = tmp_path / "order.txt"
    env = dict(os.environ, SHUTDOWN_LOG=str(order), PYTHONUNBUFFERED="1")
    env["PYTHONPATH"] = os.pathsep.join([str(HERE), env.get("PYTHONPATH", "")])
    served = launch(server, command(server, port), port, tmp_path / "output.txt", env, cwd=HERE)
    try:
        yield Running(served, order)
    finally:
        if served.process.poll() is None:
            served.process.kill()
            served.process.wait(10)


@dataclass
class Stream:
    events: int = 0
    ended: bool = False  # the chunked body's last chunk came: the response finished
    said_why: bool = False  # the chunk before it was the `: shutdown` comment
    outcome: str = "open"


async def read_stream(port: int, number: int, opened: asyncio.Event, result: Stream) -> None:
    """One client that keeps reading for CLIENTS_STAY seconds, then leaves."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET /sse?n={number} HTTP/1.1\r\nhost: test\r\n\r\n".encode())
    received = b""
    try:
        async with asyncio.timeout(CLIENTS_STAY):
            while True:
                chunk = await reader.read(65536)
                if not chunk:
                    result.outcome = "closed"
                    break
                received += chunk
                result.events = received.count(b"\ndata: ")
                if result.events:
                    opened.set()
                if received.endswith(b"\r\n0\r\n\r\n"):
                    result.ended = True
                    result.said_why = received.endswith(b": shutdown\n\n\r\n0\r\n\r\n")
    except TimeoutError:
        result.outcome = "client left"
    except ConnectionResetError:
        result.outcome = "reset"
    finally:
        writer.close()


async def hold_streams_and_stop(running: Running) -> tuple[list[Stream], float]:
    """Open STREAMS streams, SIGTERM the server once all deliver; its exit time, their ends."""
    port = running.served.port
    results = [Stream() for _ in range(STREAMS)]
    opened = [asyncio.Event() for _ in range(STREAMS)]
    clients = [
        asyncio.ensure_future(read_stream(port, n, opened[n], results[n])) for n in range(STREAMS)
    ]
    async with asyncio.timeout(30):
        await asyncio.gather(*(event.wait() for event in opened))
    process = running.served.process
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    while process.poll() is None and time.monotonic() - started < CLIENTS_STAY + 15:
        await asyncio.sleep(0.05)
    took = time.monotonic() - started
    print(f"{running.served.server}: exited {took:.2f} s after SIGTERM")
    await asyncio.gather(*clients)
    return results, took


def finally_before_lifespan(lines: list[str]) -> None:
    assert lines[0] == "startup", lines
    assert lines[-1] == "lifespan shutdown", lines
    finished = {line.split()[1] for line in lines if line.startswith("finally ")}
    assert finished == {str(n) for n in range(STREAMS)}, lines


@pytest.mark.parametrize("running", ["uvicorn", "granian"], indirect=True)
def test_sigterm_ends_every_stream_cleanly_and_soon(running: Running) -> None:
    """uvicorn and granian tell the app by a signal its chained handler sees: streams end."""
    results, took = asyncio.run(hold_streams_and_stop(running))
    assert took < 5.0, (took, running.served.stop())
    # uvicorn re-raises the signal once it has stopped (-15): the exit a process manager expects.
    assert running.served.process.returncode in (0, -signal.SIGTERM)
    assert [(r.ended, r.outcome) for r in results] == [(True, "closed")] * STREAMS
    assert all(r.said_why for r in results)
    finally_before_lifespan(running.lines())


@pytest.mark.parametrize("running", ["hypercorn"], indirect=True)
def test_hypercorn_in_one_process_ends_every_stream_cleanly(running: Running) -> None:
    results, took = asyncio.run(hold_streams_and_stop(running))
    assert took < 5.0, (took, running.served.stop())
    assert [(r.ended, r.outcome) for r in results] == [(True, "closed")] * STREAMS
    assert all(r.said_why for r in results)
    finally_before_lifespan(running.lines())


@pytest.mark.parametrize("running", ["hypercorn-worker"], indirect=True)
def test_a_hypercorn_worker_hears_nothing_until_its_graceful_timeout(running: Running) -> None:
    """Hypercorn's parent takes the SIGTERM and tells its worker through a multiprocessing event,
    by no signal: the app learns nothing until `graceful_timeout` (3 s) cancels the streams.
    Then the server closes the connections without the last chunk and the lifespan shutdown
    comes after the generators' `finally`."""
    results, took = asyncio.run(hold_streams_and_stop(running))
    assert 3.0 < took < 8.0, (took, running.served.stop())
    assert not any(r.ended for r in results)
    finally_before_lifespan(running.lines())


@pytest.mark.parametrize("running", ["daphne"], indirect=True)
def test_daphne_cancels_the_streams_and_runs_no_lifespan(running: Running) -> None:
    """Daphne speaks no lifespan and tells an app nothing: at SIGTERM it cancels every app
    instance (the generators' `finally` runs) and drops the connections without an end."""
    results, took = asyncio.run(hold_streams_and_stop(running))
    assert took < 5.0, (took, running.served.stop())
    assert not any(r.ended for r in results)
    lines = running.lines()
    assert "startup" not in lines
    assert "lifespan shutdown" not in lines
    assert len([line for line in lines if line.startswith("finally ")]) == STREAMS


def sigterm_during_an_echo(running: Running) -> tuple[ConnectionClosed, float]:
    """Open the app's echo WebSocket, echo once, SIGTERM the server: how the connection closed,
    and how many seconds after the signal."""
    with connect(f"ws://127.0.0.1:{running.served.port}/ws", open_timeout=10) as websocket:
        websocket.send("hello")
        assert websocket.recv(timeout=10) == "hello"
        running.served.process.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        with pytest.raises(ConnectionClosed) as info:
            websocket.recv(timeout=10)
    return info.value, time.monotonic() - signalled


@pytest.mark.parametrize("running", ["uvicorn", "hypercorn"], indirect=True)
def test_a_websocket_awaiting_the_signal_closes_with_its_code(running: Running) -> None:
    closed, _ = sigterm_during_an_echo(running)
    assert closed.rcvd is not None, (running.lines(), running.served.stop())
    assert closed.rcvd.code == 1012
    running.served.process.wait(10)
    lines = running.lines()
    assert "ws closed 1012" in lines, lines
    assert lines.index("ws closed 1012") < lines.index("lifespan shutdown"), lines


@pytest.mark.parametrize("running", ["granian"], indirect=True)
def test_granian_drops_its_websockets_at_the_signal_racing_the_apps_close(running: Running) -> None:
    """Granian's worker drops every WebSocket as soon as it handles the SIGTERM, without a close
    frame, from its own threads; the app hears the same signal in the same loop iteration, so its
    close frame gets out first only sometimes (about half the runs here; the app may have sent it
    and still lost the race). Either way, at once, and the handler is done before the lifespan
    shutdown."""
    closed, after = sigterm_during_an_echo(running)
    assert after < 2.0
    running.served.process.wait(10)
    lines = running.lines()
    if closed.rcvd is not None:  # the app's close got out first
        assert closed.rcvd.code == 1012
        assert "ws closed 1012" in lines, lines
    if "ws closed 1012" in lines:
        assert lines.index("ws closed 1012") < lines.index("lifespan shutdown"), lines
    assert lines[-1] == "lifespan shutdown", lines


@pytest.mark.parametrize("running", ["daphne"], indirect=True)
def test_daphne_drops_a_websocket_without_a_close_frame(running: Running) -> None:
    """No lifespan, so no signal: the handler is cancelled and the client sees no close."""
    closed, _ = sigterm_during_an_echo(running)
    assert closed.rcvd is None  # 1006: the connection went without a close frame
    running.served.process.wait(10)
    assert running.lines() == []
