"""Run Starlette's own test suite against asgi-toolkit and compare with the expectations file.

    python tests/starlette_suite/run.py [pytest args...]

Downloads the sdist of the pinned Starlette release with pip (by package name), unpacks only its
`tests/` folder, and runs it with plugin.py, which answers every `starlette` import from our
modules. Prints a table per file and the line `starlette-suite: P passed, F failed of T`.

Exits non-zero when a test fails that expectations.txt does not list, when a listed test now
passes (the list must stay true), or when nothing ran.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from pathlib import Path

STARLETTE = "starlette==1.10.0"
HERE = Path(__file__).resolve().parent
EXPECTATIONS = HERE / "expectations.txt"


def fetch_tests(workdir: Path) -> Path:
    """Download the sdist and unpack its tests/ folder (and nothing of Starlette's code).

    STARLETTE_SUITE_CACHE names a folder to keep the download in between local runs.
    """
    downloads = Path(os.environ.get("STARLETTE_SUITE_CACHE") or workdir / "sdist")
    if not list(downloads.glob("starlette-*.tar.gz")):
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--no-binary",
                ":all:",
                "--dest",
                str(downloads),
                STARLETTE,
            ],
            check=True,
        )
    (sdist,) = downloads.glob("starlette-*.tar.gz")
    suite = workdir / "suite"
    with tarfile.open(sdist) as archive:
        members = [m for m in archive.getmembers() if m.name.split("/")[1:2] == ["tests"]]
        for member in members:
            member.name = member.name.split("/", 1)[1]
        archive.extractall(suite, members=members, filter="data")
    return suite


def read_expectations() -> dict[str, str]:
    """nodeid -> reason, from lines `nodeid  # reason` (blank lines and # comments skipped)."""
    expected: dict[str, str] = {}
    for raw in EXPECTATIONS.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        nodeid, _, reason = line.partition("  # ")
        if not reason.strip():
            raise SystemExit(f"expectations.txt: no reason given for {nodeid!r}")
        expected[nodeid.strip()] = reason.strip()
    return expected


def tests_in(path: Path) -> int:
    """How many test functions a file defines: the count for a file that failed to collect."""
    tree = ast.parse(path.read_text())
    return sum(
        isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test")
        for node in ast.walk(tree)
    )


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix="starlette-suite-") as tmp:
        workdir = Path(tmp)
        suite = fetch_tests(workdir)
        report = workdir / "report.json"
        env = {
            **os.environ,
            "STARLETTE_SUITE_REPORT": str(report),
            "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
        }
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                *([] if narrowed(argv) else ["tests"]),
                "-p",
                "plugin",
                "-c",
                str(HERE / "pytest.ini"),
                "--rootdir",
                str(suite),
                "-q",
                "--no-header",
                "-p",
                "no:cacheprovider",
                *argv,
            ],
            cwd=suite,
            env=env,
            check=False,
        )
        if not report.exists():
            print("starlette-suite: pytest wrote no report (setup failed)")
            return 2
        data = json.loads(report.read_text())
        broken = {nodeid: tests_in(suite / nodeid) for nodeid in data["broken_files"]}
    return summarise(
        data["tests"],
        data["broken_files"],
        broken,
        read_expectations(),
        whole_suite=not narrowed(argv),
    )


def narrowed(argv: list[str]) -> bool:
    """Whether the pytest arguments name files or tests (`tests/test_x.py`, `tests/a.py::t`)."""
    return any(arg.startswith("tests/") for arg in argv)


def summarise(
    outcomes: dict[str, str],
    broken_reasons: dict[str, str],
    broken_counts: dict[str, int],
    expected: dict[str, str],
    *,
    whole_suite: bool = True,
) -> int:
    """Print the table and the verdict; 0 only when every failure is listed and none is stale.

    `whole_suite` is False when the run was narrowed to some files or tests: listed tests that
    did not run are then not reported as gone.
    """
    passed: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    listed: Counter[str] = Counter()
    surprises: list[str] = []
    stale: list[str] = []
    for nodeid, outcome in sorted(outcomes.items()):
        file = nodeid.split("::", 1)[0]
        if outcome == "passed":
            passed[file] += 1
            if nodeid in expected:
                stale.append(nodeid)
        elif outcome == "failed":
            failed[file] += 1
            if nodeid in expected:
                listed[file] += 1
            else:
                surprises.append(nodeid)
    for file, count in broken_counts.items():
        failed[file] += count
        if file in expected:
            listed[file] += count
        else:
            surprises.append(f"{file}  (does not import: {broken_reasons[file]})")
    for nodeid in expected:
        file = nodeid.split("::", 1)[0]
        ran = nodeid in outcomes or nodeid in broken_counts
        if whole_suite and not ran and file not in broken_counts:
            stale.append(f"{nodeid}  (not run)")

    files = sorted(set(passed) | set(failed))
    width = max([len(f) for f in files] + [4])
    print(f"\n{'file':<{width}}  passed  failed  listed  total")
    for file in files:
        total = passed[file] + failed[file]
        print(
            f"{file:<{width}}  {passed[file]:>6}  {failed[file]:>6}  {listed[file]:>6}  {total:>5}"
        )
    p, f = sum(passed.values()), sum(failed.values())
    if surprises:
        print(f"\nfailed and not listed in expectations.txt ({len(surprises)}):")
        print("\n".join(f"  {s}" for s in surprises))
    if stale:
        print(f"\nlisted in expectations.txt but passing or gone ({len(stale)}):")
        print("\n".join(f"  {s}" for s in stale))
    skipped = sum(outcome == "skipped" for outcome in outcomes.values())
    if skipped:
        print(f"\n{skipped} skipped by the suite itself (not counted)")
    share = 100 * p / (p + f) if p + f else 0.0
    print(f"\n{share:.1f}% of the asyncio tests pass")
    print(f"starlette-suite: {p} passed, {f} failed of {p + f}")
    if p + f == 0:
        return 2
    return 1 if surprises or stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
