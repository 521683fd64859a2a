"""pytest plugin for the Starlette suite: our modules answer starlette imports, asyncio only.

Loaded with `-p plugin` before the suite's conftest, so the conftest's own
`from starlette.testclient import TestClient` already reaches ours. Each test's outcome goes to
the JSON file named by STARLETTE_SUITE_REPORT, which run.py reads.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from import_map import install

install()

_outcomes: dict[str, str] = {}
_broken_files: dict[str, str] = {}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The suite runs on asyncio only: trio variants are deselected, not failed."""
    trio = [
        item for item in items if "trio" in item.nodeid.rstrip("]").split("[", 1)[-1].split("-")
    ]
    if trio:
        config.hook.pytest_deselected(items=trio)
        items[:] = [item for item in items if item not in trio]


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if report.failed:
        _broken_files[report.nodeid] = str(report.longrepr).strip().splitlines()[-1]


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.failed:
        _outcomes[report.nodeid] = "failed"
    elif report.skipped and report.when in ("setup", "call"):
        _outcomes.setdefault(report.nodeid, "skipped")
    elif report.when == "call" and report.passed:
        _outcomes.setdefault(report.nodeid, "passed")


def pytest_sessionfinish(session: pytest.Session) -> None:
    target = os.environ.get("STARLETTE_SUITE_REPORT")
    if target:
        Path(target).write_text(
            json.dumps({"tests": _outcomes, "broken_files": _broken_files}, indent=1)
        )
