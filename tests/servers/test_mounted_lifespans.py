"""uvicorn (lifespan "on") runs a mounted app's lifespan inside the outer one, in order."""

from __future__ import annotations

import urllib.request
from pathlib import Path

from server_helpers import Served, uvicorn_processes


def get(served: Served, path: str) -> str:
    with urllib.request.urlopen(served.base + path, timeout=10) as response:
        return str(response.read().decode())


def test_uvicorn_runs_the_mounted_lifespan_nested(tmp_path: Path) -> None:
    app, on = "mounted_lifespan_app:app", ["--lifespan", "on"]
    with uvicorn_processes(app, ["uvicorn"], tmp_path, {}, options=on) as started:
        served = started[0]
        assert get(served, "/inner/") == "inner"
        assert get(served, "/") == "outer"
    output = served.output  # read as it stopped
    lines = [line for line in output.splitlines() if line.startswith("lifespan: ")]
    assert lines == [
        "lifespan: enter outer",
        "lifespan: enter inner",
        "lifespan: exit inner",
        "lifespan: exit outer",
    ], output
    assert "Traceback" not in output
