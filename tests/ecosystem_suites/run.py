"""Other people's Starlette libraries, their own test suites, on Starlette and on us.

    python tests/ecosystem_suites/run.py [library ...]

For each library below: download its sdist (pinned, by name: these are other people's projects,
never ours), unpack it, and run its tests twice from its folder, once on Starlette 1.10 itself
and once with every `starlette` import answered by our modules (the Starlette suite's import
map). The two runs are compared test by test: one that passes on Starlette and not on us is a
bug of ours, and the run fails naming it. What fails on both (an sdist without a file its tests
read, a test of uvicorn's internals) is counted, not judged. A library whose tests did not run on
Starlette at all is a failure of this set-up.

ECOSYSTEM_SUITES_CACHE names a folder to keep the downloads in between local runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
INDEX = "https://pypi.org/simple"


@dataclass(frozen=True)
class Library:
    requirement: str
    #: pytest arguments after the tests folder (files its sdist cannot run, markers).
    args: tuple[str, ...] = ()
    #: Files its tests read that the sdist leaves out: path -> content.
    files: dict[str, str] = field(default_factory=dict)
    #: Where its package is, inside the sdist's folder (a src layout: "src").
    source: str = "."


LIBRARIES = {
    # EventSourceResponse on our Request, StreamingResponse, Route and TestClient. Two of its
    # test modules import a helper the sdist leaves out; its marked tests need Docker.
    "sse-starlette": Library(
        "sse-starlette==3.7.0",
        (
            "--ignore=tests/test_issue167.py",
            "--ignore=tests/test_sse.py",
            "-m",
            "not integration and not experimentation",
        ),
    ),
    # Pure ASGI compression middleware, tested against our Starlette app, routes and responses.
    "starlette-compress": Library("starlette-compress==2.0.0"),
    # Prometheus middleware that reads our routes (`route.matches`, `Match`, mounts and their
    # `routes`) to label requests. Its FastAPI tests need FastAPI's own Starlette, not ours.
    "starlette-exporter": Library(
        "starlette-exporter==0.24.0",
        ("--ignore=tests/test_fastapi_routing.py",),
        {"tests/static/test.txt": "a static file\n"},
    ),
    # RFC 9457 problem answers from exception handlers; its CORS hook reads CORSMiddleware's
    # `simple_headers` (4 of its tests failed on us until that attribute had Starlette's shape).
    "starlette-problem": Library("starlette-problem==0.13.5", source="src"),
    # A request id middleware and log filter on our requests, responses and TestClient.
    "starlette-request-id": Library("starlette-request-id==2.1.0"),
    # Locale negotiation middleware with Babel, on our Request, Route and TestClient.
    "starlette-i18n": Library("starlette-i18n==3.1.0"),
    # Double-submit CSRF middleware, driven through httpx's ASGI transport (`AsyncClient(app=)`,
    # gone in httpx 0.28: hence the pin) and asgi-lifespan against our App's lifespan.
    "starlette-csrf": Library("starlette-csrf==3.0.0"),
    # Pure ASGI middleware that rewrites request and response bodies (msgpack <-> JSON) around
    # our App, routes and responses.
    "msgpack-asgi": Library("msgpack-asgi==3.0.0", source="src"),
}


def fetch(library: Library, downloads: Path, workdir: Path) -> Path:
    """The unpacked sdist's folder.

    The file comes from PyPI's simple API, its sha256 checked, and is unpacked here: `pip
    download` would unpack it itself to read its metadata, and pip 26 refuses a member such as
    starlette-compress's `pytest.toml -> ../pytest.toml` link.
    """
    project, version = library.requirement.split("==")
    stem = f"{project.replace('-', '_')}-{version}"
    archive = downloads / f"{stem}.tar.gz"
    if not archive.exists():
        request = urllib.request.Request(
            f"{INDEX}/{project}/", headers={"Accept": "application/vnd.pypi.simple.v1+json"}
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            files = json.load(answer)["files"]
        (entry,) = [f for f in files if f["filename"] == archive.name]
        with urllib.request.urlopen(entry["url"], timeout=120) as answer:
            data = answer.read()
        if hashlib.sha256(data).hexdigest() != entry["hashes"]["sha256"]:
            raise RuntimeError(f"{archive.name}: the download does not match PyPI's sha256")
        archive.write_bytes(data)
    with tarfile.open(archive) as tar:
        tar.extractall(workdir, filter="data")
    folder = workdir / stem
    for relative, content in library.files.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content)
    return folder


def run_tests(folder: Path, library: Library, ours: bool, report: Path) -> dict[str, str]:
    """Each test's outcome in one run: on Starlette, or (ours) with our modules answering.

    pytest's own output goes to a file beside the report (shown when the runs disagree).
    """
    plugins = ["-p", "report", *(("-p", "ours") if ours else ())]
    env = dict(
        os.environ,
        ECOSYSTEM_SUITE_REPORT=str(report),
        PYTHONPATH=os.pathsep.join([str(HERE), str(folder / library.source)]),
    )
    with report.with_suffix(".log").open("w") as log:
        subprocess.run(
            [
                *(sys.executable, "-m", "pytest", "tests", *library.args, *plugins),
                *("-q", "-rfE", "-p", "no:cacheprovider", "--rootdir", str(folder)),
                *("-o", "addopts="),
            ],
            cwd=folder,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if not report.exists():  # pytest stopped before its session ended (a conftest that broke)
        return {}
    outcomes: dict[str, str] = json.loads(report.read_text())
    return outcomes


def compare(name: str, theirs: dict[str, str], ours: dict[str, str]) -> list[str]:
    """Print the two runs side by side; the tests that pass on Starlette only."""
    regressions = sorted(
        test
        for test, outcome in theirs.items()
        if outcome == "passed" and ours.get(test) != "passed"
    )
    gained = sorted(
        test
        for test, outcome in ours.items()
        if outcome == "passed" and theirs.get(test) != "passed"
    )
    both = Counter(theirs.values())
    print(
        f"{name}: on Starlette {dict(sorted(both.items()))}; on us "
        f"{dict(sorted(Counter(ours.values()).items()))}; passing on Starlette but not on us: "
        f"{len(regressions)}"
    )
    for test in regressions:
        print(f"  REGRESSION {test}: {ours.get(test, 'not run')}")
    for test in gained:
        print(f"  passes only on us: {test} (on Starlette: {theirs.get(test, 'not run')})")
    return regressions


def main(names: list[str]) -> int:
    chosen = names or list(LIBRARIES)
    unknown = sorted(set(chosen) - set(LIBRARIES))
    if unknown:
        print(f"unknown libraries: {unknown}; known: {sorted(LIBRARIES)}")
        return 2
    failures = 0
    with tempfile.TemporaryDirectory() as scratch:
        workdir = Path(scratch)
        downloads = Path(os.environ.get("ECOSYSTEM_SUITES_CACHE") or workdir / "sdists")
        downloads.mkdir(parents=True, exist_ok=True)
        for name in chosen:
            library = LIBRARIES[name]
            folder = fetch(library, downloads, workdir)
            theirs = run_tests(folder, library, ours=False, report=workdir / f"{name}-real.json")
            ours = run_tests(folder, library, ours=True, report=workdir / f"{name}-ours.json")
            if not any(outcome == "passed" for outcome in theirs.values()):
                print(f"{name}: no test passed on Starlette itself: the set-up is broken")
                print((workdir / f"{name}-real.log").read_text()[-4000:])
                failures += 1
                continue
            regressions = compare(name, theirs, ours)
            if regressions:
                print((workdir / f"{name}-ours.log").read_text()[-8000:])
            failures += len(regressions)
    print(f"ecosystem-suites: {failures} problem(s) in {len(chosen)} libraries")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
