"""uvicorn (lifespan "on") runs a mounted app's lifespan inside the outer one, in order."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

from server_helpers import Served, free_port, wait_until_listening

HERE = Path(__file__).resolve().parent


def get(served: Served, path: str) -> str:
    with urllib.request.urlopen(served.base + path, timeout=10) as response:
        return str(response.read().decode())


def test_uvicorn_runs_the_mounted_lifespan_nested(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "uvicorn.txt"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "mounted_lifespan_app:app",
                "--lifespan",
                "on",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--app-dir",
                str(HERE),
            ],
            env=dict(os.environ, PYTHONUNBUFFERED="1"),
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    served = Served("uvicorn", port, process, log)
    try:
        wait_until_listening(served)
        assert get(served, "/inner/") == "inner"
        assert get(served, "/") == "outer"
    finally:
        output = served.stop()
    lines = [line for line in output.splitlines() if line.startswith("lifespan: ")]
    assert lines == [
        "lifespan: enter outer",
        "lifespan: enter inner",
        "lifespan: exit inner",
        "lifespan: exit outer",
    ], output
    assert "Traceback" not in output
