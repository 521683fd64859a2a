"""The debug page and GraphiQL in a real headless browser, under uvicorn and a strict CSP.

Skipped where no Chromium is installed, except under CI (the CI variable set), where a missing
browser is a failure: `.ci/run` installs Debian's chromium. Each test leaves a screenshot in
$BROWSER_SCREENSHOTS (default: the test's tmp_path) to look at.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from server_helpers import ROOT, Served, free_port, wait_until_listening

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
BROWSER = next((found for name in BROWSERS if (found := shutil.which(name))), None)
if BROWSER is None and os.environ.get("CI"):
    raise RuntimeError("CI must run the browser tests: install Chromium (apt-get install chromium)")
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no Chromium to run the pages in")
HERE = Path(__file__).resolve().parent
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--virtual-time-budget=10000",  # scripts run and the page settles before the shot
]


def chromium(url: str, *flags: str) -> str:
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [str(BROWSER), *FLAGS, f"--user-data-dir={profile}", *flags, url],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    return done.stdout


def look(url: str, shot: Path, height: int = 1600) -> str:
    """The DOM once the page's scripts ran; a screenshot of it is left at `shot`."""
    chromium(url, f"--screenshot={shot}", f"--window-size=1280,{height}")
    assert shot.stat().st_size > 10_000, "a blank screenshot"
    return chromium(url, "--dump-dom")


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("BROWSER_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def graphiql_files(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    """GraphiQL's files fetched by the helper command, or None without the network."""
    folder = tmp_path_factory.mktemp("graphiql")
    fetched = subprocess.run(
        [sys.executable, "-m", "asgi_graphql.graphiql_assets", str(folder)],
        capture_output=True,
        timeout=120,
    )
    return folder if fetched.returncode == 0 else None


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, graphiql_files: Path | None
) -> Iterator[Served]:
    log = tmp_path_factory.mktemp("browser") / "output.txt"
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    if graphiql_files is not None:
        env["BROWSER_GRAPHIQL_DIR"] = str(graphiql_files)
    command = [sys.executable, "-m", "uvicorn", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [*command, "--app-dir", str(HERE), "browser_app:app"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    result = Served("uvicorn", port, process, log)
    try:
        wait_until_listening(result)
        yield result
    finally:
        result.stop()


FILES = [
    "graphiql.min.css",
    "react.production.min.js",
    "react-dom.production.min.js",
    "graphiql.min.js",
]


def listed(dom: str) -> list[str]:
    """The URLs GraphiQL's failure message names."""
    return re.findall(r"<li><code>(.*?)</code></li>", dom)


def csp_reports(served: Served) -> list[object]:
    reports = requests.get(f"{served.base}/csp-reports", timeout=10).json()
    assert isinstance(reports, list)
    return reports


def test_the_debug_page_reads_from_the_error_down(served: Served, shots: Path) -> None:
    # A browser cannot be told to POST from the command line: fetch the page, open the file.
    response = requests.post(
        f"{served.base}/checkout?order=A-17&access_token=tok-123456789",
        data={"qty": "2", "discount": "ten", "password": "hunter2-long"},
        headers={"Accept": "text/html"},
        cookies={"sessionid": "sess-abcdef123", "theme": "dark"},
        timeout=10,
    )
    assert response.status_code == 500
    page = shots / "debug-page.html"
    page.write_text(response.text)
    dom = look(page.as_uri(), shots / "debug-page.png")
    assert '<button type="button" id="copy-text">Copy as text</button>' in dom  # the script ran
    order = [
        "ValueError: invalid literal for int() with base 10: 'ten'",  # the DOM, unescaped
        "in <b>total</b>",
        "in <b>checkout</b>",
        "<h2>Request</h2>",
        "<summary>Form fields (3)</summary>",
        "<h2>Versions and time</h2>",
    ]
    positions = [dom.find(marker) for marker in order]
    assert -1 not in positions, positions
    assert positions == sorted(positions), positions
    assert len(re.findall(r'<details class="frame app" open="">', dom)) == 2
    for secret in ("tok-123456789", "hunter2-long", "sess-abcdef123"):
        assert secret not in dom


def test_graphiql_says_what_failed_when_its_files_are_missing(served: Served, shots: Path) -> None:
    dom = look(f"{served.base}/graphql-404", shots / "graphiql-missing-files.png", 900)
    assert "GraphiQL could not start" in dom
    assert listed(dom) == [f"{served.base}/nowhere/graphiql/{name}" for name in FILES]
    assert "python -m asgi_graphql.graphiql_assets DIRECTORY" in dom
    assert csp_reports(served) == []


def test_graphiql_from_the_cdn_starts_or_says_why_not(served: Served, shots: Path) -> None:
    dom = look(f"{served.base}/graphql", shots / "graphiql-cdn.png", 900)
    started = 'class="graphiql-container"' in dom
    assert started or "GraphiQL could not start" in dom  # never "Loading..." for ever
    if not started:  # offline, as where these tests were written: every file is named
        assert [url.rpartition("/")[2] for url in listed(dom)] == FILES
        assert all(url.startswith("https://unpkg.com/") for url in listed(dom))
        assert 'graphiql_assets="/static/graphiql"' in dom
    assert csp_reports(served) == []


def test_graphiql_from_the_apps_own_files_runs_under_a_strict_csp(
    served: Served, shots: Path, graphiql_files: Path | None
) -> None:
    if graphiql_files is None:
        pytest.skip("no network to fetch GraphiQL's files from the npm registry")
    dom = look(f"{served.base}/graphql-local", shots / "graphiql-self-hosted.png", 900)
    assert 'class="graphiql-container"' in dom
    assert "GraphiQL could not start" not in dom
    assert csp_reports(served) == []  # no inline script or style was needed
    # GraphiQL asked for the schema through the page's fetcher, and got it.
    assert '"POST /graphql-local HTTP/1.1" 200' in served.log.read_text()
